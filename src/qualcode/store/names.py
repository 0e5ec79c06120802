"""The project's names list: people and places named in the material that ``--pseudonymise``
replaces in every export (respondents and speakers are replaced anyway).

Each confirmed name keeps the alias it got when it was confirmed (N01, N02 … for people,
L01 … for places), so the same name reads the same in every export, whatever is added later.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import ProjectError

KINDS = {"person": "N", "place": "L"}

NAMES_TABLE = (
    "CREATE TABLE IF NOT EXISTS names (name TEXT PRIMARY KEY COLLATE NOCASE, kind TEXT NOT NULL, "
    "alias TEXT NOT NULL, added_at TEXT)"
)


@dataclass(frozen=True)
class Name:
    name: str
    kind: str  # person or place
    alias: str


class Names:
    """``project.names``: the confirmed names (read in every export; written by ``qualcode names``)."""

    def __init__(self, project):
        self.project = project
        self.db = project.db

    def all(self) -> list[Name]:
        return [Name(*row) for row in self.db.execute("SELECT name, kind, alias FROM names ORDER BY rowid")]

    def confirm(self, names: list[str], kind: str = "person") -> list[Name]:
        """Add names (a name already listed keeps its alias); returns the names added."""
        from qualcode.store.history import now

        if kind not in KINDS:
            raise ProjectError(f"--kind must be one of {', '.join(KINDS)}, not '{kind}'.")
        cleaned = []
        for raw in names:
            name = " ".join(raw.split())
            if not name or not any(ch.isalpha() for ch in name):
                raise ProjectError(f"'{raw}' is not a name (it has no letters).")
            cleaned.append(name)
        added = []
        with self.db.atomic():
            known = {n.name.casefold() for n in self.all()}
            for name in cleaned:
                if name.casefold() in known:
                    continue
                prefix = KINDS[kind]
                used = self.db.execute("SELECT count(*) FROM names WHERE kind = ?", [kind]).fetchone()[0]
                alias = f"{prefix}{used + 1:02d}"
                self.db.execute("INSERT INTO names (name, kind, alias, added_at) VALUES (?, ?, ?, ?)",
                                [name, kind, alias, now()])
                known.add(name.casefold())
                added.append(Name(name, kind, alias))
        return added

    def remove(self, names: list[str]) -> int:
        with self.db.atomic():
            n = 0
            for name in names:
                n += self.db.execute("DELETE FROM names WHERE name = ?", [" ".join(name.split())]).rowcount
        return n
