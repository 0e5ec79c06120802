"""The codebook in the project: the code tree, edits (undoable) and loading a codebook file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from qualcode.domain.codebook import SEP, CodeTree, normalise_name
from qualcode.domain.models import Code
from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.repository import Repository

CODE_COLUMNS = (
    "uuid", "parent", "name", "label", "definition", "inclusion", "exclusion",
    "examples", "keywords", "colour", "position", "domain",
)
EDITABLE = ("name", "label", "definition", "inclusion", "exclusion", "examples", "keywords", "colour", "domain")


@dataclass
class CodeSpec:
    """A code as a codebook file describes it (before it has a place in a project)."""

    name: str
    label: str = ""
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    colour: str | None = None
    domain: str | None = None
    uuid: str | None = None
    children: list["CodeSpec"] = field(default_factory=list)


@dataclass
class CodebookChanges:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)


def code_row(code: Code) -> dict:
    return {
        "uuid": code.uuid, "parent": code.parent, "name": code.name, "label": code.label,
        "definition": code.definition, "inclusion": code.inclusion, "exclusion": code.exclusion,
        "examples": json.dumps(list(code.examples), ensure_ascii=False),
        "keywords": json.dumps(list(code.keywords), ensure_ascii=False),
        "colour": code.colour, "position": code.position, "domain": code.domain,
    }


def _code(row) -> Code:
    d = dict(zip(CODE_COLUMNS, row))
    d["examples"] = tuple(json.loads(d["examples"] or "[]"))
    d["keywords"] = tuple(json.loads(d["keywords"] or "[]"))
    for key in ("label", "definition", "inclusion", "exclusion"):
        d[key] = d[key] or ""
    d["position"] = d["position"] or 0
    return Code(**d)


def _db_value(key: str, value):
    if key in ("examples", "keywords"):
        return json.dumps(list(value or ()), ensure_ascii=False)
    return value


class Codebook(Repository):
    """The ``codes`` table: the code tree (cached until a change), edits (each one undoable), loading a codebook file."""

    def __init__(self, project):
        super().__init__(project)
        self._tree: CodeTree | None = None

    def tree(self) -> CodeTree:
        if self._tree is None:
            rows = self.db.execute(f"SELECT {', '.join(CODE_COLUMNS)} FROM codes").fetchall()
            self._tree = CodeTree(_code(r) for r in rows)
        return self._tree

    def get(self, ref: str) -> Code:
        """A code by uuid, path (``Theme/Code``) or unique name; a clear error otherwise."""
        tree = self.tree()
        found = tree.find(ref)
        if found:
            return found
        options = tree.candidates(ref)
        if len(options) > 1:
            raise ProjectError(f"code '{ref}' is ambiguous: it could be {', '.join(options[:5])}.")
        raise ProjectError(f"no code '{ref}' in the codebook (see 'qualcode codebook show').")

    def check_name(self, name: str, parent: str | None, exclude: str | None = None) -> str:
        name = name.strip()
        if not name or SEP in name:
            raise ProjectError(f"a code name must be non-empty and may not contain '{SEP}': '{name}'.")
        for sibling in self.tree().kids(parent):
            if sibling.uuid != exclude and normalise_name(sibling.name) == normalise_name(name):
                raise ProjectError(f"there is already a code '{sibling.name}' at that place in the codebook.")
        return name

    def add(self, name: str, parent: str | None = None, **fields) -> Code:
        with self.db.atomic():
            if parent is not None:
                parent = self.get(parent).uuid
            name = self.check_name(name, parent)
            position = len(self.tree().kids(parent))
            code = Code(uuid=fields.pop("uuid", None) or new_uuid(), name=name, parent=parent,
                        position=position, **_tuple_fields(fields))
            row = code_row(code)
            self.project.history.insert_row("codes", row)
            self.project.history.record("add_code", f"added code '{name}'", [["insert", "codes", row]])
        self.project._changed()
        return self.get(code.uuid)

    def update(self, ref: str, **fields) -> Code:
        code = self.get(ref)
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ProjectError(f"cannot edit the field(s) {', '.join(sorted(unknown))} of a code.")
        with self.db.atomic():
            if "name" in fields:
                fields["name"] = self.check_name(fields["name"], code.parent, exclude=code.uuid)
            before = {k: _db_value(k, getattr(code, k)) for k in fields}
            after = {k: _db_value(k, v) for k, v in fields.items()}
            self.project.history.update_row("codes", {"uuid": code.uuid}, after)
            what = "renamed" if "name" in fields else "edited"
            self.project.history.record("update_code", f"{what} code '{code.name}'",
                         [["update", "codes", {"uuid": code.uuid}, before, after]])
        self.project._changed()
        return self.get(code.uuid)

    def move(self, ref: str, new_parent: str | None) -> Code:
        code = self.get(ref)
        parent_uuid = self.get(new_parent).uuid if new_parent else None
        if parent_uuid == code.uuid or parent_uuid in {c.uuid for c in self.tree().descendants(code.uuid)}:
            raise ProjectError(f"cannot move '{code.name}' under itself or one of its own sub-codes.")
        with self.db.atomic():
            self.check_name(code.name, parent_uuid, exclude=code.uuid)
            position = len(self.tree().kids(parent_uuid))
            before = {"parent": code.parent, "position": code.position}
            after = {"parent": parent_uuid, "position": position}
            self.project.history.update_row("codes", {"uuid": code.uuid}, after)
            self.project.history.record("move_code", f"moved code '{code.name}'",
                         [["update", "codes", {"uuid": code.uuid}, before, after]])
        self.project._changed()
        return self.get(code.uuid)

    def usage(self, ref: str) -> dict:
        """How many codings a code and its sub-codes hold (to confirm a delete)."""
        code = self.get(ref)
        ids = [code.uuid] + [c.uuid for c in self.tree().descendants(code.uuid)]
        marks = ",".join("?" for _ in ids)
        n = self.db.execute(f"SELECT count(*) FROM codings WHERE code IN ({marks})", ids).fetchone()[0]
        return {"codes": len(ids), "codings": n}

    def delete(self, ref: str) -> dict:
        """Delete a code, its sub-codes and their codings (undoable). Returns the counts."""
        code = self.get(ref)
        doomed = [code] + self.tree().descendants(code.uuid)
        ops: list = []
        with self.db.atomic():
            for c in doomed:
                for row in self.project.codings.rows("code = ?", [c.uuid]):
                    ops.append(["delete", "codings", row])
                    self.project.history.delete_row("codings", row)
            for c in reversed(doomed):
                row = code_row(c)
                ops.append(["delete", "codes", row])
                self.project.history.delete_row("codes", row)
            self.project.history.record("delete_code", f"deleted code '{code.name}'", ops)
        self.project._changed()
        return {"codes": len(doomed), "codings": sum(1 for op in ops if op[1] == "codings")}

    def merge(self, source: str, target: str) -> dict:
        """Merge ``source`` into ``target``: codings and sub-codes move, then source is removed."""
        src, dst = self.get(source), self.get(target)
        if src.uuid == dst.uuid or dst.uuid in {c.uuid for c in self.tree().descendants(src.uuid)}:
            raise ProjectError(f"cannot merge '{src.name}' into itself or one of its sub-codes.")
        ops: list = []
        moved = dropped = 0
        with self.db.atomic():
            existing = {
                (r["document"], r["coder"], r["start"], r["end"])
                for r in self.project.codings.rows("code = ?", [dst.uuid])
            }
            for row in self.project.codings.rows("code = ?", [src.uuid]):
                key = (row["document"], row["coder"], row["start"], row["end"])
                if key in existing:
                    ops.append(["delete", "codings", row])
                    self.project.history.delete_row("codings", row)
                    dropped += 1
                else:
                    ops.append(["update", "codings", {"uuid": row["uuid"]}, {"code": src.uuid}, {"code": dst.uuid}])
                    self.project.history.update_row("codings", {"uuid": row["uuid"]}, {"code": dst.uuid})
                    existing.add(key)
                    moved += 1
            for kid in self.tree().kids(src.uuid):
                ops.append(["update", "codes", {"uuid": kid.uuid}, {"parent": src.uuid}, {"parent": dst.uuid}])
                self.project.history.update_row("codes", {"uuid": kid.uuid}, {"parent": dst.uuid})
            row = code_row(src)
            ops.append(["delete", "codes", row])
            self.project.history.delete_row("codes", row)
            self.project.history.record("merge_codes", f"merged code '{src.name}' into '{dst.name}'", ops)
        self.project._changed()
        return {"moved": moved, "duplicates_dropped": dropped}

    def apply(self, specs: list[CodeSpec], meta: dict | None = None) -> CodebookChanges:
        """Bring the project's codebook in line with a codebook file.

        Codes match by uuid (so a rename keeps the code), else by path. New codes are added,
        changed fields updated. Codes the file does not mention are kept and reported.
        The caller runs this inside a transaction.
        """
        changes = CodebookChanges()
        seen: set[str] = set()
        ops: list = []

        def visit(spec: CodeSpec, parent: str | None, position: int) -> None:
            tree = self.tree()
            match = tree.by_uuid.get(spec.uuid) if spec.uuid else None
            if match is None:
                match = next((k for k in tree.kids(parent) if normalise_name(k.name) == normalise_name(spec.name)), None)
            fields = {
                "name": spec.name, "label": spec.label, "definition": spec.definition,
                "inclusion": spec.inclusion, "exclusion": spec.exclusion,
                "examples": json.dumps(spec.examples, ensure_ascii=False),
                "keywords": json.dumps(spec.keywords, ensure_ascii=False),
                "colour": spec.colour, "domain": spec.domain, "parent": parent, "position": position,
            }
            if match is None:
                row = {"uuid": spec.uuid or new_uuid(), **fields}
                self.project.history.insert_row("codes", row)
                ops.append(["insert", "codes", row])
                uuid = row["uuid"]
                changes.added.append(spec.name)
            else:
                uuid = match.uuid
                old = code_row(match)
                before = {k: old[k] for k in fields if old[k] != fields[k]}
                if before:
                    after = {k: fields[k] for k in before}
                    self.project.history.update_row("codes", {"uuid": uuid}, after)
                    ops.append(["update", "codes", {"uuid": uuid}, before, after])
                    if "name" in before:
                        changes.renamed.append((match.name, spec.name))
                    else:
                        changes.updated.append(spec.name)
                else:
                    changes.unchanged += 1
            self._tree = None
            seen.add(uuid)
            for i, child in enumerate(spec.children):
                visit(child, uuid, i)

        for i, spec in enumerate(specs):
            visit(spec, None, i)
        tree = self.tree()
        changes.not_in_file = [tree.path(c.uuid) for c in tree if c.uuid not in seen]
        if meta:
            self.project.set_meta("codebook", json.dumps(meta, ensure_ascii=False))
        self.project.history.record("codebook_import", f"loaded codebook ({len(changes.added)} new codes)", ops)
        self.project._changed()
        return changes

    def specs(self) -> list[CodeSpec]:
        """The project's codebook as specs (with uuids), for writing a codebook file."""
        tree = self.tree()

        def spec(code: Code) -> CodeSpec:
            return CodeSpec(
                name=code.name, label=code.label, definition=code.definition,
                inclusion=code.inclusion, exclusion=code.exclusion, examples=list(code.examples),
                keywords=list(code.keywords), colour=code.colour, domain=code.domain, uuid=code.uuid,
                children=[spec(k) for k in tree.kids(code.uuid)],
            )

        return [spec(c) for c in tree.roots()]


def _tuple_fields(fields: dict) -> dict:
    out = dict(fields)
    for key in ("examples", "keywords"):
        if key in out:
            out[key] = tuple(out[key] or ())
    return out
