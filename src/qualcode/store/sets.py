"""Sets (groups) of documents, cases and codes: "Wave 1", "schools in the north".

A set has a name, an optional description and members of three kinds: ``document``, ``case`` and
``code`` (members are uuids). Each change is one undoable step. Sets are usable in every
``--where`` (``--where set=Wave 1``) and travel through REFI-QDA as ``<Sets>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.history import now
from qualcode.store.repository import Repository

MEMBER_TYPES = ("document", "case", "code")


@dataclass(frozen=True)
class Group:
    """A set: its members as uuids by kind."""

    uuid: str
    name: str
    description: str = ""
    documents: tuple[str, ...] = ()
    cases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    created_at: str | None = field(default=None, compare=False)

    def members(self, member_type: str) -> tuple[str, ...]:
        return {"document": self.documents, "case": self.cases, "code": self.codes}[member_type]


class Sets(Repository):
    """The project's sets. Created by the project (``project.sets``)."""


    # -- reading -----------------------------------------------------------------------------------
    def all(self) -> list[Group]:
        rows = self.db.execute("SELECT uuid, name, description, created_at FROM sets ORDER BY name").fetchall()
        members: dict[str, dict[str, list[str]]] = {}
        for set_uuid, kind, member in self.db.execute(
            "SELECT set_uuid, member_type, member FROM set_members ORDER BY rowid"
        ):
            members.setdefault(set_uuid, {}).setdefault(kind, []).append(member)
        out = []
        for uuid, name, description, created in rows:
            m = members.get(uuid, {})
            out.append(Group(uuid, name, description or "", tuple(m.get("document", ())), tuple(m.get("case", ())),
                             tuple(m.get("code", ())), created))
        return out

    def find(self, name: str) -> Group | None:
        for g in self.all():
            if g.uuid == name or g.name.casefold() == name.strip().casefold():
                return g
        return None

    def get(self, name: str) -> Group:
        g = self.find(name)
        if g is None:
            names = ", ".join(s.name for s in self.all()) or "none yet"
            raise ProjectError(f"no set named '{name}' (sets: {names}).")
        return g

    def uuid_taken(self, uuid: str) -> bool:
        return self.db.execute("SELECT 1 FROM sets WHERE uuid = ?", [uuid]).fetchone() is not None

    def names_of(self, member_type: str) -> dict[str, list[str]]:
        """{member uuid: [set names]} for one kind of member."""
        out: dict[str, list[str]] = {}
        for set_name, member in self.db.execute(
            "SELECT s.name, m.member FROM set_members m JOIN sets s ON s.uuid = m.set_uuid "
            "WHERE m.member_type = ? ORDER BY s.name", [member_type]
        ):
            out.setdefault(member, []).append(set_name)
        return out

    # -- changing (each call one undo step) ----------------------------------------------------------
    def create(self, name: str, description: str = "", uuid: str | None = None, created_at: str | None = None,
               record: bool = True) -> Group:
        name = name.strip()
        if not name:
            raise ProjectError("a set needs a name.")
        if self.find(name) is not None:
            raise ProjectError(f"there is already a set named '{name}'.")
        row = {"uuid": uuid or new_uuid(), "name": name, "description": description or "",
               "created_at": created_at or now()}
        with self.db.atomic():
            self.project.history.insert_row("sets", row)
            if record:
                self.project.history.record("add_set", f"created set '{name}'", [["insert", "sets", row]])
        return self.get(row["uuid"])

    def add(self, name: str, documents=(), cases=(), codes=(), description: str | None = None,
            create: bool = True, record: bool = True) -> tuple[Group, int]:
        """Add members (uuids) to a set, creating it when needed. Returns (set, members added)."""
        ops: list = []
        with self.db.atomic():
            group = self.find(name)
            if group is None:
                if not create:
                    raise ProjectError(f"no set named '{name}'.")
                row = {"uuid": new_uuid(), "name": name.strip(), "description": description or "",
                       "created_at": now()}
                if not row["name"]:
                    raise ProjectError("a set needs a name.")
                self.project.history.insert_row("sets", row)
                ops.append(["insert", "sets", row])
                group = Group(row["uuid"], row["name"], row["description"])
            elif description is not None and description != group.description:
                self.project.history.update_row("sets", {"uuid": group.uuid}, {"description": description})
                ops.append(["update", "sets", {"uuid": group.uuid}, {"description": group.description},
                            {"description": description}])
            added = 0
            for kind, items in (("document", documents), ("case", cases), ("code", codes)):
                have = set(group.members(kind))
                for member in dict.fromkeys(items):
                    if member in have:
                        continue
                    row = {"set_uuid": group.uuid, "member_type": kind, "member": member}
                    self.project.history.insert_row("set_members", row)
                    ops.append(["insert", "set_members", row])
                    added += 1
            if ops and record:
                self.project.history.record("set_add", f"added {added} member(s) to set '{group.name}'", ops)
        return self.get(group.uuid), added

    def remove(self, name: str, documents=(), cases=(), codes=(), whole: bool = False) -> int:
        """Remove members from a set, or (``whole``) the set itself. Returns members removed."""
        group = self.get(name)
        ops: list = []
        with self.db.atomic():
            for kind, items in (("document", documents), ("case", cases), ("code", codes)):
                targets = group.members(kind) if whole else [m for m in items if m in group.members(kind)]
                for member in targets:
                    row = {"set_uuid": group.uuid, "member_type": kind, "member": member}
                    self.project.history.delete_row("set_members", row)
                    ops.append(["delete", "set_members", row])
            if whole:
                row = {"uuid": group.uuid, "name": group.name, "description": group.description,
                       "created_at": group.created_at}
                self.project.history.delete_row("sets", row)
                ops.append(["delete", "sets", row])
            if ops:
                what = f"deleted set '{group.name}'" if whole else f"removed {len(ops)} member(s) from set '{group.name}'"
                self.project.history.record("set_remove", what, ops)
        return sum(1 for op in ops if op[1] == "set_members")
