"""REFI-QDA ``<Sets>`` in and out of the project's sets, for .qdpx projects and .qdc codebooks.

- A ``<Set>`` keeps its GUID (as the set's uuid), name and description; ``MemberCode`` and
  ``MemberSource`` become code and document members.
- REFI-QDA sets have no place for cases. A set of cases travels as a Boolean case variable
  named ``qualcode set: NAME`` (true for its members) next to a ``<Set>`` of that name, so other
  tools show it as a case attribute and qualcode reads it back as the same set.
- Older qualcode projects kept REFI sets as ``set/NAME`` boolean attributes; those are still
  written out as sets.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcode.errors import InputError

CASE_SET_PREFIX = "qualcode set: "
SET_PREFIX = "set/"  # older projects: REFI sets kept as boolean attributes set/NAME
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def valid_datetime(value: str | None) -> str | None:
    """An xsd:dateTime as it is, or None (notes' dates are kept only when they are valid)."""
    return value if value and _DATETIME.match(value) else None


def is_case_set_variable(name: str) -> bool:
    return name.lower().startswith(CASE_SET_PREFIX)


def case_set_name(variable: str) -> str:
    return variable[len(CASE_SET_PREFIX):].strip()


def read_qdc_sets(path) -> list:
    """The ``<Sets>`` of a .qdc codebook (code members only), as RefiSet records."""
    from qualcode.refi.project_reader import RefiSet
    from qualcode.refi.xml import child_text, kid, kids, norm_guid, parse_xml

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such codebook file.")
    root = parse_xml(path.read_bytes(), str(path), "CodeBook")
    out = []
    for s in kids(kid(root, "Sets"), "Set"):
        codes = [g for g in (norm_guid(m.get("guid") or m.get("targetGUID")) for m in kids(s, "MemberCode")) if g]
        out.append(RefiSet(norm_guid(s.get("guid")), (s.get("name") or "").strip() or "(unnamed set)",
                           child_text(s, "Description"), codes, [], len(kids(s, "MemberNote"))))
    return out


def apply_sets(project, refi_sets, code_map: dict[str, str], doc_map: dict[str, str],
               case_members: dict[str, list[str]] | None = None) -> tuple[int, int]:
    """Create (or extend) the project's sets from REFI sets; not a separate undo step (it runs
    inside an import). ``case_members``: set name -> case uuids (from the case-set variables).
    Returns (sets made or extended, members that point to something not imported)."""
    sets = project.sets
    unresolved = 0
    names: list[str] = []
    for s in refi_sets:
        group = sets.find(s.name)
        if group is None:
            guid_taken = s.guid and sets.uuid_taken(s.guid)
            group = sets.create(s.name, s.description.strip(), uuid=None if guid_taken else s.guid, record=False)
        codes = [code_map[g] for g in s.codes if g in code_map]
        docs = [doc_map[g] for g in s.sources if g in doc_map]
        unresolved += len(s.codes) - len(codes) + len(s.sources) - len(docs)
        sets.add(group.name, documents=docs, codes=codes, record=False,
                 description=s.description.strip() or None)
        names.append(group.name)
    for name, cases in (case_members or {}).items():
        sets.add(name, cases=cases, record=False)
        names.append(name)
    return len(dict.fromkeys(n.casefold() for n in names)), unresolved


def export_members(project, tree, doc_ids: set[str]) -> dict[str, dict]:
    """{set name: {"guid", "description", "codes", "docs", "cases"}} from the sets table and the
    older ``set/NAME`` attributes (with the GUIDs and descriptions kept in meta ``refi_sets``)."""
    import json

    registry = json.loads(project.meta("refi_sets") or "{}")
    out: dict[str, dict] = {}

    def entry(name: str, guid=None, description="") -> dict:
        info = registry.get(name, {})
        return out.setdefault(name, {"guid": guid or info.get("guid"), "description": description or info.get("description", ""),
                                     "codes": [], "docs": [], "cases": []})

    for name in registry:
        entry(name)
    for g in project.sets.all():
        e = entry(g.name, g.uuid, g.description)
        e["codes"] += [c for c in g.codes if c in tree]
        e["docs"] += [d for d in g.documents if d in doc_ids]
        e["cases"] += list(g.cases)
    for owner_type, kind in (("code", "codes"), ("document", "docs")):
        for owner, attrs in sorted(project.attributes.of(owner_type).items()):
            for key, value in attrs.items():
                if key.startswith(SET_PREFIX) and value:
                    if (owner_type == "code" and owner in tree) or (owner_type == "document" and owner in doc_ids):
                        members = entry(key[len(SET_PREFIX):])[kind]
                        if owner not in members:
                            members.append(owner)
    return out


def qdc_code_map(project, specs) -> dict[str, str]:
    """{GUID in the .qdc: project code uuid} after the codebook was applied (codes match by uuid,
    else by path)."""
    tree = project.codebook.tree()
    out: dict[str, str] = {}

    def walk(spec, path: str) -> None:
        here = f"{path}/{spec.name}" if path else spec.name
        if spec.uuid:
            if spec.uuid in tree:
                out[spec.uuid] = spec.uuid
            else:
                found = tree.find(here)
                if found:
                    out[spec.uuid] = found.uuid
        for child in spec.children:
            walk(child, here)

    for spec in specs:
        walk(spec, "")
    return out


def apply_qdc_sets(project, path, specs) -> int:
    """Read a .qdc's code sets into the project (inside the caller's transaction); how many sets."""
    sets = read_qdc_sets(path)
    if not sets:
        return 0
    made, _ = apply_sets(project, sets, qdc_code_map(project, specs), {})
    return made


def qdc_sets(project) -> list[tuple[str | None, str, str, list[str]]]:
    """(guid, name, description, code uuids) of every set with codes, for writing a .qdc."""
    tree = project.codebook.tree()
    members = export_members(project, tree, set())
    return [(info["guid"], name, info["description"], info["codes"]) for name, info in sorted(members.items())
            if info["codes"]]
