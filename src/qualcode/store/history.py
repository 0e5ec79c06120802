"""Undo, redo and the audit trail.

Every change a user can undo is recorded as a list of row operations on one table each:
``["insert", table, row]``, ``["delete", table, row]`` or ``["update", table, pk, before, after]``.
Undo applies the inverse of each operation in reverse order; redo applies them again.
States: 0 = done, 1 = undone (redoable), 2 = undone and superseded by a newer change.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from qualcode.domain.models import HistoryEntry
from qualcode.store.repository import Repository

PKS = {
    "codings": ("uuid",), "codes": ("uuid",), "memos": ("uuid",), "cases": ("uuid",),
    "documents": ("uuid",), "attributes": ("owner_type", "owner", "key"),
    "speakers": ("document", "name"), "turns": ("document", "idx"),
    "sets": ("uuid",), "set_members": ("set_uuid", "member_type", "member"), "summaries": ("uuid",),
    "review_decisions": ("uuid",),
}


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class History(Repository):
    """The ``history`` table: recording changes as row operations, undo and redo."""

    def record(self, action: str, description: str, ops: list, undoable: bool = True) -> None:
        if undoable:
            self.db.execute("UPDATE history SET state = 2 WHERE state = 1")
        self.db.execute(
            "INSERT INTO history (at, coder, action, description, ops, undoable, state) "
            "VALUES (?, ?, ?, ?, ?, ?, 0)",
            [now(), self.project.coder, action, description, json.dumps(ops) if undoable else "[]", int(undoable)],
        )

    def insert_row(self, table: str, row: dict) -> None:
        cols = list(row)
        self.db.execute(
            f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})",
            [row[c] for c in cols],
        )

    def delete_row(self, table: str, row: dict) -> None:
        pk = PKS[table]
        self.db.execute(
            f"DELETE FROM [{table}] WHERE {' AND '.join(f'[{k}] = ?' for k in pk)}", [row[k] for k in pk]
        )

    def update_row(self, table: str, key: dict, values: dict) -> None:
        pk = PKS[table]
        self.db.execute(
            f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in values)} "
            f"WHERE {' AND '.join(f'[{k}] = ?' for k in pk)}",
            [*values.values(), *[key[k] for k in pk]],
        )

    def apply(self, op: list, inverse: bool) -> None:
        kind, table = op[0], op[1]
        if kind == "insert":
            (self.delete_row if inverse else self.insert_row)(table, op[2])
        elif kind == "delete":
            (self.insert_row if inverse else self.delete_row)(table, op[2])
        elif kind == "update":
            self.update_row(table, op[2], op[3] if inverse else op[4])
        else:  # pragma: no cover - corrupt history
            raise ValueError(f"unknown history operation {kind!r}")

    def undo(self) -> HistoryEntry | None:
        """Undo the latest change that can be undone; return it, or None when there is none."""
        with self.db.atomic():
            row = self.db.execute(
                "SELECT id, ops FROM history WHERE undoable = 1 AND state = 0 ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            for op in reversed(json.loads(row[1])):
                self.apply(op, inverse=True)
            self.db.execute("UPDATE history SET state = 1 WHERE id = ?", [row[0]])
        self.project._changed()
        return self.entry(row[0])

    def redo(self) -> HistoryEntry | None:
        with self.db.atomic():
            row = self.db.execute(
                "SELECT id, ops FROM history WHERE undoable = 1 AND state = 1 ORDER BY id ASC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            for op in json.loads(row[1]):
                self.apply(op, inverse=False)
            self.db.execute("UPDATE history SET state = 0 WHERE id = ?", [row[0]])
        self.project._changed()
        return self.entry(row[0])

    def entry(self, entry_id: int) -> HistoryEntry:
        r = self.db.execute(
            "SELECT id, at, coder, action, description, state FROM history WHERE id = ?", [entry_id]
        ).fetchone()
        return HistoryEntry(r[0], r[1], r[2], r[3], r[4], bool(r[5]))

    def recent(self, limit: int = 50) -> list[HistoryEntry]:
        rows = self.db.execute(
            "SELECT id, at, coder, action, description, state FROM history ORDER BY id DESC LIMIT ?",
            [limit],
        ).fetchall()
        return [HistoryEntry(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]
