"""The ``memos`` table: memos on a code, a document, a case, the project (and on a coding, whose
memo lives on the coding itself). Each memo has an author and creation and update dates, kept
across a REFI-QDA round trip.

:meth:`Memos.write` keeps one memo per author and target: writing again replaces the text (the
creation date stays), an empty text removes it; each change is one undoable step.
"""

from __future__ import annotations

from qualcode.domain.models import Memo
from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.history import now
from qualcode.store.repository import Repository


TARGET_TYPES = ("project", "document", "case", "code", "coding")
COLUMNS = ("uuid", "target_type", "target", "author", "text", "created_at", "updated_at")


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

    def _rows(self, where: str, args: list) -> list[dict]:
        cur = self.db.execute(f"SELECT {', '.join(COLUMNS)} FROM memos WHERE {where} ORDER BY created_at, rowid", args)
        return [dict(zip(COLUMNS, r)) for r in cur]

    def find(self, target_type: str, target: str | None, author: str) -> Memo | None:
        rows = self._rows("target_type = ? AND target IS ? AND author = ?", [target_type, target, author])
        return Memo(**rows[-1]) if rows else None

    def get(self, uuid: str) -> Memo:
        rows = self._rows("uuid = ? OR uuid LIKE ? || '%'", [uuid, uuid])
        if len(rows) != 1:
            raise ProjectError(f"no memo with id '{uuid}'." if not rows else f"memo id '{uuid}' is ambiguous.")
        return Memo(**rows[0])

    def write(self, target_type: str, target: str | None, text: str, author: str) -> Memo | None:
        """Set ``author``'s memo on a target ('' removes it); one undo step."""
        if target_type not in TARGET_TYPES or target_type == "coding":
            raise ProjectError(f"memos go on a project, document, case or code, not '{target_type}'.")
        text = (text or "").rstrip()
        old = self.find(target_type, target, author)
        what = self.describe(target_type, target)
        with self.db.atomic():
            if old is not None and not text.strip():
                row = {k: getattr(old, k) for k in COLUMNS}
                self.project.history.delete_row("memos", row)
                self.project.history.record("memo", f"removed {author}'s memo on {what}", [["delete", "memos", row]])
                return None
            if old is not None:
                if old.text == text:
                    return old
                after = {"text": text, "updated_at": now()}
                before = {"text": old.text, "updated_at": old.updated_at}
                self.project.history.update_row("memos", {"uuid": old.uuid}, after)
                self.project.history.record("memo", f"edited the memo on {what}",
                                     [["update", "memos", {"uuid": old.uuid}, before, after]])
                return self.get(old.uuid)
            if not text.strip():
                return None
            row = {"uuid": new_uuid(), "target_type": target_type, "target": target, "author": author,
                   "text": text, "created_at": now(), "updated_at": now()}
            self.project.history.insert_row("memos", row)
            self.project.history.record("memo", f"wrote a memo on {what}", [["insert", "memos", row]])
        return self.get(row["uuid"])

    def insert(self, target_type: str, target: str | None, author: str, text: str,
               created_at: str | None = None, updated_at: str | None = None, uuid: str | None = None) -> Memo:
        """Insert a memo as it is (imports: dates and uuid kept); not a separate undo step."""
        row = {"uuid": uuid or new_uuid(), "target_type": target_type, "target": target, "author": author,
               "text": text, "created_at": created_at or now(), "updated_at": updated_at or created_at or now()}
        if self.db.execute("SELECT 1 FROM memos WHERE uuid = ?", [row["uuid"]]).fetchone():
            row["uuid"] = new_uuid()
        self.project.history.insert_row("memos", row)
        return Memo(**row)

    def describe(self, target_type: str, target: str | None) -> str:
        """'code Ervaren werkdruk', 'document Interview 1', 'case Sanne', 'the project'."""
        if target_type == "project" or target is None:
            return "the project"
        if target_type == "code":
            tree = self.project.codebook.tree()
            return f"code '{tree.path(target)}'" if target in tree else f"code {target[:8]} (deleted)"
        if target_type == "document":
            row = self.db.execute("SELECT name FROM documents WHERE uuid = ?", [target]).fetchone()
            return f"document '{row[0]}'" if row else f"document {target[:8]}"
        if target_type == "case":
            row = self.db.execute("SELECT name FROM cases WHERE uuid = ?", [target]).fetchone()
            return f"case '{row[0]}'" if row else f"case {target[:8]}"
        if target_type == "coding":
            return f"coding {target[:8]}"
        return f"{target_type} {target}"
