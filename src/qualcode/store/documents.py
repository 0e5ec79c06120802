"""Documents, turns, speakers, cases and attributes."""

from __future__ import annotations

import hashlib
import re
import uuid as uuidlib
from collections.abc import Iterable

from qualcode.domain.models import Document, DocumentSummary, Turn
from qualcode.errors import ProjectError
from qualcode.store.history import now
from qualcode.store.repository import Repository

INTERVIEWER_LABELS = {
    "interviewer", "interviewster", "i", "int", "moderator", "gespreksleider", "onderzoeker",
    "facilitator", "researcher", "interviewer 1", "interviewer 2", "host",
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_uuid() -> str:
    return str(uuidlib.uuid4())


def _doc(row) -> Document:
    return Document(*row)


class Documents(Repository):
    """The ``documents``, ``document_aliases`` and ``turns`` tables."""

    def add(
        self,
        name: str,
        text: str,
        turns: Iterable,
        kind: str = "interview",
        source_path: str | None = None,
        source_format: str | None = None,
        interviewers: Iterable[str] = (),
        doc_uuid: str | None = None,
    ) -> tuple[Document, bool]:
        """Store a document with its turns; speakers become cases. Returns (document, created).

        The same text imported again returns the existing document (created=False).
        The caller runs this inside a transaction.
        """
        digest = sha256_text(text)
        existing = self.db.execute("SELECT uuid FROM documents WHERE sha256 = ?", [digest]).fetchone()
        if existing:
            return self.get(existing[0]), False
        clash = self.db.execute("SELECT uuid FROM documents WHERE name = ?", [name]).fetchone()
        if clash:
            raise ProjectError(
                f"a document named '{name}' already exists with a different text; "
                "import under another name (--name) or use 'qualcode replace-text'."
            )
        doc_id = doc_uuid or new_uuid()
        self.db.execute(
            "INSERT INTO documents (uuid, name, kind, text, sha256, source_path, source_format, "
            "imported_at, words) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [doc_id, name, kind, text, digest, source_path, source_format, now(), len(text.split())],
        )
        interviewer_keys = {s.casefold() for s in interviewers} | INTERVIEWER_LABELS
        speaker_case: dict[str, str] = {}
        rows = []
        for idx, turn in enumerate(turns):
            case_id = None
            if turn.speaker:
                if turn.speaker not in speaker_case:
                    role = "interviewer" if turn.speaker.casefold() in interviewer_keys else "respondent"
                    speaker_case[turn.speaker] = self.project.cases.ensure(turn.speaker, role).uuid
                case_id = speaker_case[turn.speaker]
            rows.append((doc_id, idx, turn.speaker, turn.start, turn.end, turn.timestamp_ms, case_id))
        self.db.conn.executemany(
            "INSERT INTO turns (document, idx, speaker, start, end, timestamp_ms, case_uuid) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.db.conn.executemany(
            "INSERT INTO speakers (document, name, case_uuid) VALUES (?, ?, ?)",
            [(doc_id, s, c) for s, c in speaker_case.items()],
        )
        self.project.history.record("import", f"imported document '{name}'", [], undoable=False)
        return self.get(doc_id), True

    def get(self, ref: str) -> Document:
        """A document by uuid, exact name, case-insensitive name, alias, or unique name prefix."""
        cols = "uuid, name, kind, text, sha256, source_path, source_format, imported_at"
        row = self.db.execute(f"SELECT {cols} FROM documents WHERE uuid = ? OR name = ?", [ref, ref]).fetchone()
        if row:
            return _doc(row)
        rows = self.db.execute(
            f"SELECT {cols} FROM documents WHERE lower(name) = lower(?) "
            "OR uuid IN (SELECT document FROM document_aliases WHERE lower(name) = lower(?))",
            [ref, ref],
        ).fetchall()
        if len(rows) == 1:
            return _doc(rows[0])
        rows = self.db.execute(
            f"SELECT {cols} FROM documents WHERE lower(name) LIKE lower(?) || '%' ESCAPE '\\'",
            [ref.replace("%", "\\%").replace("_", "\\_")],
        ).fetchall()
        if len(rows) == 1:
            return _doc(rows[0])
        if rows:
            names = ", ".join(sorted(r[1] for r in rows)[:5])
            raise ProjectError(f"document '{ref}' is ambiguous: it could be {names}.")
        raise ProjectError(f"no document named '{ref}' (see 'qualcode documents').")

    def names(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT uuid, name FROM documents ORDER BY name").fetchall())

    def list(self) -> list[DocumentSummary]:
        rows = self.db.execute(
            """
            SELECT d.uuid, d.name, d.kind, length(d.text), d.words,
                   (SELECT count(*) FROM turns t WHERE t.document = d.uuid),
                   (SELECT group_concat(c.name, '|') FROM speakers s JOIN cases c ON c.uuid = s.case_uuid
                     WHERE s.document = d.uuid AND c.role = 'respondent'),
                   (SELECT count(*) FROM codings g WHERE g.document = d.uuid)
            FROM documents d ORDER BY d.name
            """
        ).fetchall()
        coded = self.project.codings.coded_chars_by_document()
        return [
            DocumentSummary(
                uuid=r[0], name=r[1], kind=r[2], length=r[3], words=r[4] or 0, turns=r[5],
                respondents=tuple(sorted(r[6].split("|"))) if r[6] else (), codings=r[7],
                coded_chars=coded.get(r[0], 0),
            )
            for r in rows
        ]

    def rename(self, ref: str, new_name: str) -> Document:
        doc = self.get(ref)
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO document_aliases (document, name, source) VALUES (?, ?, ?)",
                [doc.uuid, doc.name, "rename"],
            )
            self.db.execute("UPDATE documents SET name = ? WHERE uuid = ?", [new_name, doc.uuid])
            self.project.history.record("rename_document", f"renamed document '{doc.name}' to '{new_name}'", [], False)
        return self.get(doc.uuid)

    def turns(self, doc_uuid: str) -> list[Turn]:
        rows = self.db.execute(
            "SELECT document, idx, speaker, start, end, timestamp_ms, case_uuid FROM turns "
            "WHERE document = ? ORDER BY idx",
            [doc_uuid],
        ).fetchall()
        return [Turn(*r) for r in rows]

    def search(self, query: str, document: str | None = None, context: int = 60,
                    limit: int = 500) -> list[dict]:
        """Case-insensitive matches of ``query`` (white space flexible) in one document or all.

        Each row: document, document_name, start, end, before, match, after.
        """
        words = query.split()
        if not words:
            return []
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
        sql, args = "SELECT uuid, name, text FROM documents", []
        if document:
            sql += " WHERE uuid = ?"
            args.append(document)
        out: list[dict] = []
        for uuid, name, text in self.db.execute(sql + " ORDER BY name", args):
            for m in pattern.finditer(text):
                s, e = m.span()
                out.append({
                    "document": uuid, "document_name": name, "start": s, "end": e,
                    "before": text[max(0, s - context):s], "match": text[s:e], "after": text[e:e + context],
                })
                if len(out) >= limit:
                    return out
        return out

    def uncoded_respondent_turns(self, document: str, coder: str | None = None) -> list[tuple[int, int, int]]:
        """``(turn index, start, end)`` of respondent turns no coding overlaps, in order."""
        sql = (
            "SELECT t.idx, t.start, t.end FROM turns t JOIN cases c ON c.uuid = t.case_uuid "
            "WHERE t.document = ? AND c.role = 'respondent' AND NOT EXISTS ("
            " SELECT 1 FROM codings g WHERE g.document = t.document AND g.start < t.end AND g.end > t.start"
        )
        args: list = [document]
        if coder:
            sql += " AND g.coder = ?"
            args.append(coder)
        sql += ") ORDER BY t.idx"
        return [tuple(r) for r in self.db.execute(sql, args)]
