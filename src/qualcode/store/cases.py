"""The ``cases`` and ``speakers`` tables: respondents and interviewers, and which documents they speak in.

A case is linked to a document through ``speakers`` (the speaker labels of a transcript map to
cases). A REFI-QDA case names its documents explicitly (``SourceRef``), whether or not the person
speaks under that name in the text, so the REFI import adds such links with :meth:`Cases.link_document`.
"""

from __future__ import annotations

from qualcode.domain.models import Case
from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.repository import Repository


class Cases(Repository):
    """The ``cases`` and ``speakers`` tables."""

    def ensure(self, name: str, role: str = "respondent", case_uuid: str | None = None) -> Case:
        """The case named ``name``, created (with ``case_uuid`` when given and free) if it is new."""
        row = self.db.execute("SELECT uuid, name, role FROM cases WHERE name = ?", [name]).fetchone()
        if row:
            return Case(*row)
        if case_uuid and self.db.execute("SELECT 1 FROM cases WHERE uuid = ?", [case_uuid]).fetchone():
            case_uuid = None
        case = Case(case_uuid or new_uuid(), name, role)
        self.db.execute("INSERT INTO cases (uuid, name, role) VALUES (?, ?, ?)", [case.uuid, name, role])
        return case

    def list(self, role: str | None = None) -> list[Case]:
        sql = "SELECT uuid, name, role FROM cases"
        args: list = []
        if role:
            sql += " WHERE role = ?"
            args.append(role)
        rows = self.db.execute(sql + " ORDER BY name", args).fetchall()
        attrs = self.project.attributes.of("case")
        return [Case(r[0], r[1], r[2], attrs.get(r[0], {})) for r in rows]

    def get(self, ref: str) -> Case | None:
        row = self.db.execute(
            "SELECT uuid, name, role FROM cases WHERE uuid = ? OR lower(name) = lower(?)", [ref, ref]
        ).fetchone()
        if not row:
            return None
        return Case(row[0], row[1], row[2], self.project.attributes.of("case").get(row[0], {}))

    def set_role(self, ref: str, role: str) -> None:
        case = self.get(ref)
        if case is None:
            raise ProjectError(f"no respondent or speaker named '{ref}'.")
        self.db.execute("UPDATE cases SET role = ? WHERE uuid = ?", [role, case.uuid])

    def by_document(self) -> dict[str, list[str]]:
        """Respondent case uuids per document."""
        out: dict[str, list[str]] = {}
        for doc, case in self.db.execute(
            "SELECT s.document, s.case_uuid FROM speakers s JOIN cases c ON c.uuid = s.case_uuid "
            "WHERE c.role = 'respondent' ORDER BY c.name"
        ):
            out.setdefault(doc, []).append(case)
        return out

    def link_document(self, case_uuid: str, document_uuid: str, label: str) -> bool:
        """Record that the case appears in the document (as speaker ``label``); False if already so."""
        known = self.db.execute(
            "SELECT 1 FROM speakers WHERE document = ? AND (case_uuid = ? OR name = ?)",
            [document_uuid, case_uuid, label],
        ).fetchone()
        if known:
            return False
        self.db.execute(
            "INSERT INTO speakers (document, name, case_uuid) VALUES (?, ?, ?)", [document_uuid, label, case_uuid]
        )
        return True

    def documents_of(self) -> dict[str, list[str]]:
        """Document uuids per case uuid, for every case (respondents and interviewers alike)."""
        out: dict[str, list[str]] = {}
        for case, doc in self.db.execute(
            "SELECT DISTINCT case_uuid, document FROM speakers WHERE case_uuid IS NOT NULL ORDER BY document"
        ):
            out.setdefault(case, []).append(doc)
        return out

    def respondent_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT uuid FROM cases WHERE role = 'respondent'")}
