"""Store classes for lossless interchange: users, placeholders, case origins, position anchors.

- :class:`Users`: the people who coded or wrote, with the GUID another tool gave them, so a REFI-QDA
  re-export names them with the same identity (also users who never coded anything).
- :class:`Placeholders`: sources qualcode cannot code (pictures, PDFs without text, audio, video,
  texts whose file was missing), kept as their original XML element and files so an export hands
  them back to the other tool instead of deleting them from its project.
- :class:`CaseOrigins`: where a case came from (``refi`` for a REFI-QDA ``<Case>``), so an export
  writes only real cases.
- :class:`Anchors`: positions in a document's canonical text where something starts: ``page``
  (a PDF page, value = the page number) or ``time`` (a subtitle cue, value = milliseconds).
"""

from __future__ import annotations

import bisect

from qualcode.store.history import now

ANCHOR_KINDS = ("page", "time")


class Users:
    def __init__(self, project):
        self.project = project
        self.db = project.db

    def add(self, name: str, guid: str, refi_id: str | None = None) -> bool:
        """Record ``name`` with ``guid``; a name already known keeps its GUID. True when added."""
        cur = self.db.execute("INSERT OR IGNORE INTO users (name, guid, refi_id) VALUES (?, ?, ?)",
                              [name, guid, refi_id])
        return cur.rowcount > 0

    def guids(self) -> dict[str, str]:
        """name → GUID for every known user."""
        return dict(self.db.execute("SELECT name, guid FROM users ORDER BY name").fetchall())

    def ids(self) -> dict[str, str]:
        """name → the short id another tool gave the user (NVivo's initials), where known."""
        return dict(self.db.execute("SELECT name, refi_id FROM users WHERE refi_id IS NOT NULL").fetchall())


class Placeholders:
    def __init__(self, project):
        self.project = project
        self.db = project.db

    def add(self, guid: str, name: str, kind: str, element: str, files: dict[str, bytes], source: str,
            document: str | None = None) -> bool:
        """Keep a source qualcode cannot code (or, with ``document``, the PDF element around that
        document's text). False (nothing changed) when its GUID is already kept."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO placeholders (guid, name, kind, element, source, imported_at, document) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [guid, name, kind, element, source, now(), document])
        if not cur.rowcount:
            return False
        self.db.conn.executemany("INSERT INTO placeholder_files (placeholder, entry, data) VALUES (?, ?, ?)",
                                 [(guid, entry, data) for entry, data in sorted(files.items())])
        return True

    def all(self, wrappers: bool = False) -> list[dict]:
        """Every placeholder (or, with ``wrappers``, every wrapper of a document): guid, name, kind,
        element (XML text), source, imported_at, document, files (entry names)."""
        files: dict[str, list[str]] = {}
        for guid, entry in self.db.execute("SELECT placeholder, entry FROM placeholder_files ORDER BY entry"):
            files.setdefault(guid, []).append(entry)
        rows = self.db.execute(
            "SELECT guid, name, kind, element, source, imported_at, document FROM placeholders "
            f"WHERE document IS {'NOT ' if wrappers else ''}NULL ORDER BY name, guid")
        return [{"guid": g, "name": n, "kind": k, "element": e, "source": s, "imported_at": t, "document": d,
                 "files": files.get(g, [])} for g, n, k, e, s, t, d in rows]

    def counts(self) -> dict[str, int]:
        """Kept sources (not wrappers) per kind: {'picture': 2, 'video': 1}."""
        return dict(self.db.execute("SELECT kind, count(*) FROM placeholders WHERE document IS NULL "
                                    "GROUP BY kind ORDER BY kind").fetchall())

    def file(self, guid: str, entry: str) -> bytes | None:
        row = self.db.execute("SELECT data FROM placeholder_files WHERE placeholder = ? AND entry = ?",
                              [guid, entry]).fetchone()
        return row[0] if row else None


class CaseOrigins:
    def __init__(self, project):
        self.project = project
        self.db = project.db

    def mark(self, case_uuid: str, origin: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO case_origins (case_uuid, origin) VALUES (?, ?)", [case_uuid, origin])

    def of(self, origin: str) -> set[str]:
        return {u for (u,) in self.db.execute("SELECT case_uuid FROM case_origins WHERE origin = ?", [origin])}

    def only_in_plain_texts(self) -> set[str]:
        """Cases that speak only in documents of kind ``text`` (not transcripts, not survey answers):
        label-like lines in a report, not people."""
        rows = self.db.execute(
            "SELECT t.case_uuid, min(d.kind = 'text') FROM turns t JOIN documents d ON d.uuid = t.document "
            "WHERE t.case_uuid IS NOT NULL GROUP BY t.case_uuid")
        return {case for case, only_text in rows if only_text}


class Anchors:
    def __init__(self, project):
        self.project = project
        self.db = project.db

    def add(self, document: str, kind: str, marks) -> None:
        """Record ``marks`` [(position, value)] of ``kind`` in ``document`` (a later mark at a position wins)."""
        if kind not in ANCHOR_KINDS:
            raise ValueError(f"unknown anchor kind {kind!r}")
        self.db.conn.executemany("INSERT OR REPLACE INTO anchors (document, kind, pos, value) VALUES (?, ?, ?, ?)",
                                 [(document, kind, int(p), int(v)) for p, v in marks])

    def of(self, document: str, kind: str) -> list[tuple[int, int]]:
        return [tuple(r) for r in self.db.execute(
            "SELECT pos, value FROM anchors WHERE document = ? AND kind = ? ORDER BY pos", [document, kind])]

    def index_of(self, document: str, kind: str) -> AnchorIndex:
        """The anchors of ``kind`` in one document."""
        return AnchorIndex({document: self.of(document, kind)})

    def index(self, kind: str) -> AnchorIndex:
        """All anchors of ``kind``, for looking many passages up quickly."""
        out: dict[str, list[tuple[int, int]]] = {}
        for doc, pos, value in self.db.execute(
                "SELECT document, pos, value FROM anchors WHERE kind = ? ORDER BY document, pos", [kind]):
            out.setdefault(doc, []).append((pos, value))
        return AnchorIndex(out)


class AnchorIndex:
    """Anchors per document; :meth:`span` gives the values in force over a passage."""

    def __init__(self, by_doc: dict[str, list[tuple[int, int]]]):
        self.by_doc = by_doc
        self.keys = {d: [p for p, _ in marks] for d, marks in by_doc.items()}

    def at(self, document: str, pos: int) -> int | None:
        """The value of the last anchor at or before ``pos`` (None before the first)."""
        keys = self.keys.get(document)
        if not keys:
            return None
        i = bisect.bisect_right(keys, pos) - 1
        return self.by_doc[document][i][1] if i >= 0 else None

    def span(self, document: str, start: int, end: int) -> tuple[int | None, int | None]:
        """(value at ``start``, value at the last character of the passage)."""
        return self.at(document, start), self.at(document, max(start, end - 1))
