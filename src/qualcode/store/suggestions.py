"""The ``suggestions`` log (every suggestion shown and the decision on it) and the ``models`` table
(trained suggestion models stored by name in the project file)."""

from __future__ import annotations

import json

from qualcode.errors import ProjectError
from qualcode.store.history import now
from qualcode.store.repository import Repository


class Suggestions(Repository):
    """The ``suggestions`` table."""

    def log(self, rows: list[dict]) -> list[int]:
        """Record suggestions shown to a coder: document, start, end, code, score, reason, coder."""
        ids = []
        with self.db.atomic():
            for r in rows:
                cur = self.db.execute(
                    "INSERT INTO suggestions (at, document, start, end, code, score, reason, coder) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [now(), r["document"], r["start"], r["end"], r["code"], r["score"], r["reason"], r.get("coder")],
                )
                ids.append(cur.lastrowid)
        return ids

    def decide(self, suggestion_id: int, decision: str, coding: str | None = None) -> None:
        if decision not in ("accepted", "changed", "rejected"):
            raise ProjectError(f"unknown decision '{decision}'.")
        with self.db.atomic():
            self.db.execute(
                "UPDATE suggestions SET decision = ?, decided_at = ?, coding = ? WHERE id = ?",
                [decision, now(), coding, suggestion_id],
            )

    def decisions(self) -> list[tuple[str, str | None]]:
        return self.db.execute("SELECT code, decision FROM suggestions").fetchall()


class Models(Repository):
    """The ``models`` table: trained models (bytes) stored by name."""

    def save(self, name: str, data: bytes, info: dict) -> None:

        with self.db.atomic():
            self.db.execute(
                "INSERT INTO models (name, created_at, data, info) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, data = excluded.data, "
                "info = excluded.info",
                [name, now(), data, json.dumps(info)],
            )

    def load(self, name: str) -> tuple[bytes, dict] | None:

        row = self.db.execute("SELECT data, info FROM models WHERE name = ?", [name]).fetchone()
        return (row[0], json.loads(row[1] or "{}")) if row else None
