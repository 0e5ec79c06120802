"""The ``memos`` table: memos on codings (and, by ``target_type``, on other things)."""

from __future__ import annotations

from qualcode.domain.models import Memo
from qualcode.store.documents import new_uuid
from qualcode.store.history import now
from qualcode.store.repository import Repository


class Memos(Repository):
    """The ``memos`` table."""

    def add(self, target_type: str, target: str | None, author: str, text: str) -> Memo:
        row = {"uuid": new_uuid(), "target_type": target_type, "target": target, "author": author,
               "text": text, "created_at": now(), "updated_at": now()}
        with self.db.atomic():
            self.project.history.insert_row("memos", row)
            self.project.history.record("add_memo", f"added a memo on {target_type}", [["insert", "memos", row]])
        return Memo(**row)

    def list(self, target_type: str | None = None, target: str | None = None) -> list[Memo]:
        sql, args = "SELECT uuid, target_type, target, author, text, created_at, updated_at FROM memos WHERE 1", []
        if target_type:
            sql += " AND target_type = ?"
            args.append(target_type)
        if target:
            sql += " AND target = ?"
            args.append(target)
        return [Memo(*r) for r in self.db.execute(sql + " ORDER BY created_at", args)]
