"""Pure Python: the dataclasses of the data model, span arithmetic, the codebook tree. No I/O."""
