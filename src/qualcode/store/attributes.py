"""The ``attributes`` table: typed key/values on cases and documents."""

from __future__ import annotations

from qualcode.errors import ProjectError
from qualcode.store.repository import Repository

ATTRIBUTE_TYPES = ("text", "integer", "float", "boolean", "date")


class Attributes(Repository):
    """The ``attributes`` table."""

    def set(self, owner_type: str, owner: str, key: str, value, type_: str) -> None:
        if type_ not in ATTRIBUTE_TYPES:
            raise ProjectError(f"unknown attribute type '{type_}' (use one of {', '.join(ATTRIBUTE_TYPES)}).")
        self.db.execute(
            "INSERT INTO attributes (owner_type, owner, key, type, value) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (owner_type, owner, key) DO UPDATE SET type = excluded.type, value = excluded.value",
            [owner_type, owner, key, type_, None if value is None else str(value)],
        )

    def of(self, owner_type: str) -> dict[str, dict]:
        """Typed attribute values per owner uuid: {owner: {key: value}}."""
        out: dict[str, dict] = {}
        for owner, key, type_, value in self.db.execute(
            "SELECT owner, key, type, value FROM attributes WHERE owner_type = ? ORDER BY key", [owner_type]
        ):
            out.setdefault(owner, {})[key] = _typed(type_, value)
        return out

    def types(self) -> dict[str, str]:
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
