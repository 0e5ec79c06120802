"""Exports: data matrix, quote books, frequencies, co-occurrence, tidy data, charts (and REFI-QDA).

Every export reads the project once through :func:`qualcode.export.dataset.load` (inside
``project.read_only()``), so the same rules hold everywhere: which coder's codings (``--coder``),
which respondents (``--where``), how passages belong to respondents (through their turns), and
pseudonyms (``--pseudonymise``). Writers are atomic and never write formulas.

Plain functions for the TUI and scripts (each takes a Project or an already loaded ExportData):

- ``matrix.build_matrix(source, rows, columns, attributes, options) -> Matrix`` (cells, counts,
  ``.table()``, ``.to_dataframe()``)
- ``quotes.build_quote_book(source, options, attributes) -> (ExportData, [QuoteGroup])``
- ``frequencies.build_frequencies(source, by, options) -> Frequencies``
- ``cooccurrence.build_cooccurrence(source, unit, codes, options) -> Cooccurrence``
- ``tidy.codings_table(data)`` / ``tidy.respondent_code_table(data)`` -> ``writers.Table``
- ``export_*`` functions write a file; ``registry.register_export`` adds ``qualcode export`` actions.

pandas and matplotlib are imported only inside the functions that need them.
"""
