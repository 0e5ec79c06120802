"""Merging coder files into one project, and handing copies out.

- ``handout`` — a copy of the study for one coder (blind by default).
- ``run`` — :func:`run.merge`: fold coder files into a target, in one transaction after a backup;
  it plans with ``documents`` (documents, cases, attributes, memos), ``codes`` (codebook, near
  duplicates), ``coders`` (who is who) and ``codings`` (codings, with provenance), guided by a
  ``mapping`` file.
- ``reanchor`` — moving codings to the same words in a changed text (rapidfuzz alignment);
  ``replace`` — replacing a document's text and placing or discarding flagged codings.
- ``common`` — fingerprints and helpers shared by the planners; ``synthetic`` — generated
  studies for tests and benchmarks.

Everything goes through :class:`qualcode.store.project.Project`; no SQL here.
"""
