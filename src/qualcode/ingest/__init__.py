"""Reading what researchers bring: transcripts (``readers``, ``encoding``, ``turns``, ``importer``),
codebook files (``codebook_yaml``), attribute tables (``attributes``) and coder files
(``codings_io``). REFI-QDA has its own package, :mod:`qualcode.refi`."""
