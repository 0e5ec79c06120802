"""The project file: SQLite through sqlite-utils, and the only place with SQL.

``db`` opens a file and migrates its schema; ``project.Project`` is the way in, a set of
repositories that each own some tables (``project.codings``, ``project.codebook``,
``project.documents`` …; the table of which owns what is at the top of ``project``).
Repositories return domain objects (``qualcode.domain``) or plain rows.
"""
