"""REFI-QDA, the exchange standard of NVivo, ATLAS.ti, MAXQDA and QualCoder: reading and writing.

Reading a ``.qdpx``: ``archive`` (the zip, read in memory, sizes capped) → ``xml`` (safe parsing,
GUIDs, colours) → ``project_reader`` (the ``project.qde`` as plain records) → ``positions``
(UTF-16 or code-point offsets mapped onto the canonical text) → ``project_apply`` (into a
project, in one transaction); ``project_import`` runs the whole path.

Writing: ``project_writer`` (a schema-valid ``.qdpx``) and ``codebook`` (``.qdc`` codebooks, read and
written). Reader and writer sit side by side so the round trip is one place to read and test.
"""
