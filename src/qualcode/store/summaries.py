"""Summaries: the researcher's own paraphrase of what one respondent (case) says about one code or
theme — the cells of the WUR data matrix, MAXQDA's Summary Grid, NVivo's framework matrix.

One summary per case × code; writing again replaces it, an empty text removes it; each change is
one undoable step.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.history import now
from qualcode.store.repository import Repository

COLUMNS = ("uuid", "case_uuid", "code", "author", "text", "created_at", "updated_at")


@dataclass(frozen=True)
class Summary:
    uuid: str
    case: str
    code: str
    author: str | None
    text: str
    created_at: str | None = None
    updated_at: str | None = None


class Summaries(Repository):
    """The project's summaries (``project.summaries``)."""


    def _rows(self, where: str = "1", args: list | None = None) -> list[dict]:
        cur = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM summaries WHERE {where} ORDER BY rowid", args or [])
        return [dict(zip(COLUMNS, r)) for r in cur]

    def all(self) -> list[Summary]:
        return [Summary(*r.values()) for r in self._rows()]

    def cells(self) -> dict[tuple[str, str], Summary]:
        """{(case uuid, code uuid): summary}."""
        return {(s.case, s.code): s for s in self.all()}

    def get(self, case: str, code: str) -> Summary | None:
        rows = self._rows("case_uuid = ? AND code = ?", [case, code])
        return Summary(*rows[0].values()) if rows else None

    def insert(self, case: str, code: str, text: str, author: str | None, created_at: str | None = None,
               updated_at: str | None = None) -> None:
        """Add a summary as it is (merges, imports); not an undo step of its own."""
        row = {"uuid": new_uuid(), "case_uuid": case, "code": code, "author": author, "text": text,
               "created_at": created_at or now(), "updated_at": updated_at or created_at or now()}
        self.project.history.insert_row("summaries", row)

    def write(self, case: str, code: str, text: str, author: str | None) -> Summary | None:
        """Set the summary of one cell ('' removes it). Case and code are uuids."""
        if code not in self.project.codebook.tree():
            raise ProjectError(f"no code with id '{code}' in the codebook.")
        if self.db.execute("SELECT 1 FROM cases WHERE uuid = ?", [case]).fetchone() is None:
            raise ProjectError(f"no respondent with id '{case}'.")
        text = (text or "").strip()
        old = self._rows("case_uuid = ? AND code = ?", [case, code])
        label = f"'{self.project.codebook.tree().path(code)}'"
        with self.db.atomic():
            if old and not text:
                self.project.history.delete_row("summaries", old[0])
                self.project.history.record("summary", f"removed a summary on {label}", [["delete", "summaries", old[0]]])
                return None
            if old:
                if old[0]["text"] == text:
                    return Summary(*old[0].values())
                after = {"text": text, "author": author, "updated_at": now()}
                before = {k: old[0][k] for k in after}
                self.project.history.update_row("summaries", {"uuid": old[0]["uuid"]}, after)
                self.project.history.record("summary", f"edited a summary on {label}",
                                     [["update", "summaries", {"uuid": old[0]["uuid"]}, before, after]])
                return self.get(case, code)
            if not text:
                return None
            row = {"uuid": new_uuid(), "case_uuid": case, "code": code, "author": author, "text": text,
                   "created_at": now(), "updated_at": now()}
            self.project.history.insert_row("summaries", row)
            self.project.history.record("summary", f"wrote a summary on {label}", [["insert", "summaries", row]])
        return self.get(case, code)
