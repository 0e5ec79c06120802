"""Documents, turns, speakers, cases and attributes."""

from __future__ import annotations

import hashlib
import uuid as uuidlib
from collections.abc import Iterable

from qualcode.domain.models import Case, Document, DocumentSummary, Turn
from qualcode.errors import ProjectError
from qualcode.store.history import now

INTERVIEWER_LABELS = {
    "interviewer", "interviewster", "i", "int", "moderator", "gespreksleider", "onderzoeker",
    "facilitator", "researcher", "interviewer 1", "interviewer 2", "host",
}
ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date")


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_uuid() -> str:
    return str(uuidlib.uuid4())


def _doc(row) -> Document:
    return Document(*row)


class DocumentsMixin:
    db: object

    # -- documents -----------------------------------------------------------------------------
    def add_document(
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
            return self.document(existing[0]), False
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
                    speaker_case[turn.speaker] = self.ensure_case(turn.speaker, role).uuid
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
        self._record("import", f"imported document '{name}'", [], undoable=False)
        return self.document(doc_id), True

    def document(self, ref: str) -> Document:
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

    def document_names(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT uuid, name FROM documents ORDER BY name").fetchall())

    def documents(self) -> list[DocumentSummary]:
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
        coded = self.coded_chars_by_document()
        return [
            DocumentSummary(
                uuid=r[0], name=r[1], kind=r[2], length=r[3], words=r[4] or 0, turns=r[5],
                respondents=tuple(sorted(r[6].split("|"))) if r[6] else (), codings=r[7],
                coded_chars=coded.get(r[0], 0),
            )
            for r in rows
        ]

    def rename_document(self, ref: str, new_name: str) -> Document:
        doc = self.document(ref)
        with self.db.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO document_aliases (document, name, source) VALUES (?, ?, ?)",
                [doc.uuid, doc.name, "rename"],
            )
            self.db.execute("UPDATE documents SET name = ? WHERE uuid = ?", [new_name, doc.uuid])
            self._record("rename_document", f"renamed document '{doc.name}' to '{new_name}'", [], False)
        return self.document(doc.uuid)

    # -- turns -----------------------------------------------------------------------------------
    def turns(self, doc_uuid: str) -> list[Turn]:
        rows = self.db.execute(
            "SELECT document, idx, speaker, start, end, timestamp_ms, case_uuid FROM turns "
            "WHERE document = ? ORDER BY idx",
            [doc_uuid],
        ).fetchall()
        return [Turn(*r) for r in rows]

    # -- cases and speakers ------------------------------------------------------------------------
    def ensure_case(self, name: str, role: str = "respondent", case_uuid: str | None = None) -> Case:
        """The case named ``name``, created (with ``case_uuid`` when given and free) if it is new."""
        row = self.db.execute("SELECT uuid, name, role FROM cases WHERE name = ?", [name]).fetchone()
        if row:
            return Case(*row)
        if case_uuid and self.db.execute("SELECT 1 FROM cases WHERE uuid = ?", [case_uuid]).fetchone():
            case_uuid = None
        case = Case(case_uuid or new_uuid(), name, role)
        self.db.execute("INSERT INTO cases (uuid, name, role) VALUES (?, ?, ?)", [case.uuid, name, role])
        return case

    def cases(self, role: str | None = None) -> list[Case]:
        sql = "SELECT uuid, name, role FROM cases"
        args: list = []
        if role:
            sql += " WHERE role = ?"
            args.append(role)
        rows = self.db.execute(sql + " ORDER BY name", args).fetchall()
        attrs = self.attributes("case")
        return [Case(r[0], r[1], r[2], attrs.get(r[0], {})) for r in rows]

    def case(self, ref: str) -> Case | None:
        row = self.db.execute(
            "SELECT uuid, name, role FROM cases WHERE uuid = ? OR lower(name) = lower(?)", [ref, ref]
        ).fetchone()
        if not row:
            return None
        return Case(row[0], row[1], row[2], self.attributes("case").get(row[0], {}))

    def set_case_role(self, ref: str, role: str) -> None:
        case = self.case(ref)
        if case is None:
            raise ProjectError(f"no respondent or speaker named '{ref}'.")
        self.db.execute("UPDATE cases SET role = ? WHERE uuid = ?", [role, case.uuid])

    def document_cases(self) -> dict[str, list[str]]:
        """Respondent case uuids per document."""
        out: dict[str, list[str]] = {}
        for doc, case in self.db.execute(
            "SELECT s.document, s.case_uuid FROM speakers s JOIN cases c ON c.uuid = s.case_uuid "
            "WHERE c.role = 'respondent' ORDER BY c.name"
        ):
            out.setdefault(doc, []).append(case)
        return out

    # -- attributes --------------------------------------------------------------------------------
    def set_attribute(self, owner_type: str, owner: str, key: str, value, type_: str) -> None:
        if type_ not in ATTRIBUTE_TYPES:
            raise ProjectError(f"unknown attribute type '{type_}' (use one of {', '.join(ATTRIBUTE_TYPES)}).")
        self.db.execute(
            "INSERT INTO attributes (owner_type, owner, key, type, value) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (owner_type, owner, key) DO UPDATE SET type = excluded.type, value = excluded.value",
            [owner_type, owner, key, type_, None if value is None else str(value)],
        )

    def attributes(self, owner_type: str) -> dict[str, dict]:
        """Typed attribute values per owner uuid: {owner: {key: value}}."""
        out: dict[str, dict] = {}
        for owner, key, type_, value in self.db.execute(
            "SELECT owner, key, type, value FROM attributes WHERE owner_type = ? ORDER BY key", [owner_type]
        ):
            out.setdefault(owner, {})[key] = _typed(type_, value)
        return out

    def attribute_types(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT DISTINCT key, type FROM attributes").fetchall())


def _typed(type_: str, value: str | None):
    if value is None:
        return None
    if type_ == "integer":
        return int(value)
    if type_ == "float":
        return float(value)
    if type_ == "boolean":
        return value in ("1", "True", "true")
    return value
