"""Intercoder agreement: the statistics, the report on a project, and consensus.

- ``stats`` — coefficients on plain inputs (percent agreement, Cohen, Fleiss, Krippendorff α,
  Brennan–Prediger), each returning a :class:`stats.Stat`.
- ``unitized`` — Krippendorff's unitized α family (uα, |uα), built on ``stats``.
- ``figures`` — the figures per code, domain and document from tabulated spans;
  ``engine`` — :func:`engine.agreement_report` and :func:`engine.disagreements` on coded spans.
- ``data`` — loading a project's codings as spans, choosing coders and codes, presenting the
  report with code paths and document names.
- ``writers`` — the report as .xlsx/.csv/.json, disagreements as .docx/.csv/.json.
- ``consensus`` — settling disagreements as the ``consensus`` coder, and the review data.

The formulas and their published test values are in ``shared/reference/AGREEMENT.md``.
"""
