"""Bulk reads for reports and exports (matrix, quotes, frequencies, co-occurrence, agreement).

Nothing here writes; exports run these inside :meth:`Project.read_only`.
"""

from __future__ import annotations

from qualcode.store.repository import Repository

EXPORT_CODING_COLUMNS = ("uuid", "document", "code", "coder", "start", "end", "text", "memo", "origin", "created_at")


class Reads(Repository):
    """Whole-project reads as plain tuples, in stable orders."""

    def documents(self) -> list[tuple]:
        """(uuid, name, kind, imported_at, length) per document, in import order."""
        return self.db.execute(
            "SELECT uuid, name, kind, imported_at, length(text) FROM documents ORDER BY imported_at, rowid"
        ).fetchall()

    def texts(self, uuids: list[str]) -> dict[str, str]:
        """The canonical text of the given documents."""
        out: dict[str, str] = {}
        for i in range(0, len(uuids), 500):
            chunk = uuids[i:i + 500]
            marks = ",".join("?" for _ in chunk)
            out.update(self.db.execute(f"SELECT uuid, text FROM documents WHERE uuid IN ({marks})", chunk).fetchall())
        return out

    def turns(self) -> list[tuple]:
        """(document, idx, speaker, start, end, timestamp_ms, case_uuid, case role) of every turn,
        in document and turn order."""
        return self.db.execute(
            "SELECT t.document, t.idx, t.speaker, t.start, t.end, t.timestamp_ms, t.case_uuid, c.role "
            "FROM turns t LEFT JOIN cases c ON c.uuid = t.case_uuid ORDER BY t.document, t.idx"
        ).fetchall()

    def cases(self) -> list[tuple]:
        """(uuid, name, role) of every case, in a stable order: the order in which they first speak
        (documents in import order, then turn order); cases that never speak come last, by name.
        Pseudonyms are numbered in this order, so existing ones keep their number as interviews
        are added."""
        return self.db.execute(
            """
            SELECT c.uuid, c.name, c.role FROM cases c
            LEFT JOIN (
                SELECT t.case_uuid AS cu, min(coalesce(d.imported_at, '') || char(31) ||
                                              printf('%012d', d.rowid) || char(31) ||
                                              printf('%09d', t.idx)) AS first_seen
                FROM turns t JOIN documents d ON d.uuid = t.document
                WHERE t.case_uuid IS NOT NULL GROUP BY t.case_uuid
            ) f ON f.cu = c.uuid
            ORDER BY f.first_seen IS NULL, f.first_seen, c.name
            """
        ).fetchall()

    def speakers(self) -> list[tuple]:
        """(document, speaker name, case uuid) for every speaker label."""
        return self.db.execute("SELECT document, name, case_uuid FROM speakers ORDER BY document, name").fetchall()

    def codings(self, coders: list[str] | None = None, codes: list[str] | None = None) -> list[tuple]:
        """Codings as tuples (see ``EXPORT_CODING_COLUMNS``), in document and text order."""
        where, args = ["1"], []
        if coders is not None:
            where.append(f"coder IN ({','.join('?' for _ in coders)})")
            args.extend(coders)
        if codes is not None:
            where.append(f"code IN ({','.join('?' for _ in codes)})")
            args.extend(codes)
        return self.db.execute(
            f"SELECT {', '.join(EXPORT_CODING_COLUMNS)} FROM codings WHERE {' AND '.join(where)} "
            "ORDER BY document, start, end, code, coder",
            args,
        ).fetchall()

    def coders_per_document(self) -> dict[str, set[str]]:
        """Which coders coded anything in each document (for consensus)."""
        out: dict[str, set[str]] = {}
        for doc, coder in self.db.execute("SELECT DISTINCT document, coder FROM codings"):
            out.setdefault(doc, set()).add(coder)
        return out

    def attribute_keys(self) -> dict[str, dict[str, str]]:
        """{owner_type: {key: type}} of the attributes in use, in the order they were first set
        (which is the column order of the attribute file they came from)."""
        out: dict[str, dict[str, str]] = {"case": {}, "document": {}}
        for owner_type, key, type_, _ in self.db.execute(
            "SELECT owner_type, key, max(type), min(rowid) AS first FROM attributes "
            "GROUP BY owner_type, key ORDER BY owner_type, first"
        ):
            out.setdefault(owner_type, {})[key] = type_
        return out
