"""Sets and summaries in a merge: what coders added in their copies comes into the target.

- Sets match by name (without regard to case); a set new to the target is added with its
  description; members (documents, cases, codes) are mapped to the target's own and added when
  missing. Members removed in a copy are not removed from the target (a merge never deletes).
- Summaries match by cell (case × code, mapped to the target's). A cell the target has no
  summary for takes the copy's; the same text is a duplicate; a different text is a conflict
  listed in the report, and the target keeps its version.
"""

from __future__ import annotations


def read_groups(project) -> dict:
    """What a source file holds of sets and summaries (uuids as in that file)."""
    return {
        "sets": [{"uuid": g.uuid, "name": g.name, "description": g.description, "documents": list(g.documents),
                  "cases": list(g.cases), "codes": list(g.codes)} for g in project.sets.all()],
        "summaries": [{"uuid": s.uuid, "case": s.case, "code": s.code, "author": s.author, "text": s.text,
                       "created_at": s.created_at, "updated_at": s.updated_at} for s in project.summaries.all()],
    }


class GroupPlan:
    def __init__(self):
        self.set_adds: list[dict] = []  # new sets: {uuid, name, description}
        self.member_adds: list[tuple[str, str, str]] = []  # (set name, member type, target uuid)
        self.summary_adds: list[dict] = []
        self.conflicts: list[dict] = []
        self.report = {"sets_added": 0, "set_members_added": 0, "summaries_added": 0, "summaries_duplicate": 0,
                       "members_not_in_target": 0}

    @property
    def changed(self) -> bool:
        return bool(self.set_adds or self.member_adds or self.summary_adds)


def plan_groups(project, extras: dict[str, dict], docs, code_map: dict) -> GroupPlan:
    """``extras``: source label -> :func:`read_groups`; ``docs``: the merge's DocPlan (doc_map,
    case_map); ``code_map``: source label -> its code uuid -> the target's."""
    plan = GroupPlan()
    have = {g.name.casefold(): g for g in project.sets.all()}
    members = {name: {("document", d) for d in g.documents} | {("case", c) for c in g.cases}
               | {("code", c) for c in g.codes} for name, g in have.items()}
    names = {name: g.name for name, g in have.items()}
    taken = {g.uuid for g in have.values()}
    cells = {(s.case, s.code): s for s in project.summaries.all()}
    new_cells: dict[tuple[str, str], dict] = {}
    for label, extra in extras.items():
        maps = {"document": docs.doc_map.get(label, {}), "case": docs.case_map.get(label, {}),
                "code": code_map.get(label, {})}
        for s in extra["sets"]:
            key = s["name"].casefold()
            if key not in members:
                uuid = s["uuid"] if s["uuid"] not in taken else None
                plan.set_adds.append({"uuid": uuid, "name": s["name"], "description": s["description"]})
                taken.add(uuid)
                members[key], names[key] = set(), s["name"]
                plan.report["sets_added"] += 1
            for kind, field in (("document", "documents"), ("case", "cases"), ("code", "codes")):
                for u in s[field]:
                    t = maps[kind].get(u)
                    if t is None:
                        plan.report["members_not_in_target"] += 1
                        continue
                    if (kind, t) not in members[key]:
                        members[key].add((kind, t))
                        plan.member_adds.append((names[key], kind, t))
                        plan.report["set_members_added"] += 1
        for s in extra["summaries"]:
            case, code = maps["case"].get(s["case"]), maps["code"].get(s["code"])
            if case is None or code is None:
                continue
            cell = (case, code)
            mine = cells.get(cell)
            if mine is not None or cell in new_cells:
                text = mine.text if mine is not None else new_cells[cell]["text"]
                if text == s["text"]:
                    plan.report["summaries_duplicate"] += 1
                else:
                    plan.conflicts.append({"kind": "summary", "input": label, "case": case, "code": code,
                                           "target": text, "proposed": [{"input": label, "value": s["text"]}],
                                           "reason": "the target has another summary of this cell; it keeps its own"})
                continue
            new_cells[cell] = dict(s, case=case, code=code)
            plan.summary_adds.append(new_cells[cell])
            plan.report["summaries_added"] += 1
    return plan


def apply_groups(project, plan: GroupPlan) -> None:
    """Write the plan (inside the merge's transaction; the merge is not an undo step)."""
    for s in plan.set_adds:
        project.sets.create(s["name"], s["description"], uuid=s["uuid"], record=False)
    by_set: dict[str, dict[str, list[str]]] = {}
    for name, kind, uuid in plan.member_adds:
        by_set.setdefault(name, {"document": [], "case": [], "code": []})[kind].append(uuid)
    for name, m in by_set.items():
        project.sets.add(name, documents=m["document"], cases=m["case"], codes=m["code"], record=False)
    for s in plan.summary_adds:
        project.summaries.insert(s["case"], s["code"], s["text"], s["author"], s["created_at"], s["updated_at"])
