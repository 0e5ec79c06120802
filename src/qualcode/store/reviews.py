"""The ``coding_reviews`` table: codings that could not be placed confidently (after a transcript
changed, or while merging a copy with another text), waiting for a person to place or discard them."""

from __future__ import annotations

from qualcode.store.history import now
from qualcode.store.repository import Repository
from qualcode.store.team import REVIEW_COLUMNS


class Reviews(Repository):
    """The ``coding_reviews`` table."""

    def list(self, status: str | None = "open", document: str | None = None) -> list[dict]:
        where, args = ["1"], []
        if status:
            where.append("status = ?")
            args.append(status)
        if document:
            where.append("document = ?")
            args.append(document)
        return self.project.team.rows(f"SELECT {', '.join(REVIEW_COLUMNS)} FROM coding_reviews WHERE {' AND '.join(where)} ORDER BY id",
                          REVIEW_COLUMNS, args)

    def get(self, review_id: int) -> dict | None:
        rows = self.project.team.rows(f"SELECT {', '.join(REVIEW_COLUMNS)} FROM coding_reviews WHERE id = ?", REVIEW_COLUMNS,
                          [review_id])
        return rows[0] if rows else None

    def resolve(self, review_id: int, status: str) -> None:
        self.db.execute("UPDATE coding_reviews SET status = ?, resolved_at = ? WHERE id = ?", [status, now(), review_id])

    def reanchor_open(self, doc_uuid: str, mapper, text: str, skip: set[str] = frozenset()) -> None:
        """Move the suggested spans of open reviews on a document whose text changed to ``text``."""
        for r in self.list("open", doc_uuid):
            if r["new_start"] is None or r["coding"] in skip:
                continue
            span = mapper(r["new_start"], r["new_end"])
            self.db.execute("UPDATE coding_reviews SET new_start = ?, new_end = ?, new_text = ? WHERE id = ?",
                            [span[0] if span else None, span[1] if span else None,
                             text[span[0]:span[1]] if span else None, r["id"]])
