"""Store operations the REFI-QDA import and export need: which documents a case appears in.

A case is linked to a document through the ``speakers`` table (the speakers of a transcript map
to cases). A REFI-QDA case names its documents explicitly (``SourceRef``), whether or not the
person speaks under that name in the text, so the import adds such links here.
"""

from __future__ import annotations


class RefiMixin:
    db: object

    def link_case_document(self, case_uuid: str, document_uuid: str, label: str) -> bool:
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

    def case_documents(self) -> dict[str, list[str]]:
        """Document uuids per case uuid, for every case (respondents and interviewers alike)."""
        out: dict[str, list[str]] = {}
        for case, doc in self.db.execute(
            "SELECT DISTINCT case_uuid, document FROM speakers WHERE case_uuid IS NOT NULL ORDER BY document"
        ):
            out.setdefault(case, []).append(doc)
        return out
