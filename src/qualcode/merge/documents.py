"""Documents, cases, attributes and memos in a merge.

Documents are the same when the sha256 of their canonical text is the same (another name becomes
an alias). A document with the same uuid or name (or alias) but another text is a *text
conflict*: the target's text stays and the input's codings are re-anchored onto it. New documents
proposed by several inputs under one name with different texts: the text most inputs hold wins
(then the smallest sha256), so the result does not depend on the order of the inputs.
"""

from __future__ import annotations

from collections import defaultdict

from qualcode.store.documents import new_uuid
from qualcode.store.history import now
from qualcode.merge.common import attr_key, fingerprint


class DocPlan:
    def __init__(self):
        self.doc_map: dict[str, dict[str, str]] = defaultdict(dict)
        self.texts: dict[str, str] = {}  # target uuid -> the text codings land on
        self.names: dict[str, str] = {}  # target uuid -> name
        self.reanchor: dict[str, set[str]] = defaultdict(set)  # label -> input doc uuids with another text
        self.new_docs: list[tuple] = []  # (source, input uuid, row)
        self.aliases: list[dict] = []
        self.case_map: dict[str, dict[str, str]] = defaultdict(dict)
        self.new_cases: list[dict] = []
        self.report: dict = {"added": [], "aliases": [], "text_conflicts": [], "deleted_in_copy": []}


def plan_documents(target: dict, sources: list) -> DocPlan:
    plan = DocPlan()
    tdocs = target["documents"]
    by_sha = {d["sha256"]: u for u, d in sorted(tdocs.items())}
    by_name = {d["name"].casefold(): u for u, d in tdocs.items()}
    for doc, name, _ in target["aliases"]:
        by_name.setdefault(name.casefold(), doc)
    known_names = {(u, n) for n, u in by_name.items()}
    for u, d in tdocs.items():
        plan.texts[u], plan.names[u] = d["text"], d["name"]
    candidates: dict[str, list] = defaultdict(list)  # sha -> [(source, doc)]
    for src in sources:
        for u, d in src.snap["documents"].items():
            t = by_sha.get(d["sha256"])
            if t:
                plan.doc_map[src.label][u] = t
                _alias(plan, t, d["name"], src.label, by_name, known_names)
                continue
            t = u if u in tdocs else by_name.get(d["name"].casefold())
            if t:
                _conflict(plan, src, u, t)
                _alias(plan, t, d["name"], src.label, by_name, known_names)
                continue
            candidates[d["sha256"]].append((src, d))
        for kind, u in (k for k in src.base if k[0] == "document"):
            if u not in src.snap["documents"] and u in tdocs:
                plan.report["deleted_in_copy"].append({"input": src.label, "document": tdocs[u]["name"]})
    # new documents: one per text; one text per name
    by_new_name: dict[str, list] = defaultdict(list)
    for sha, items in candidates.items():
        names = sorted({d["name"] for _, d in items}, key=lambda n: (-sum(d["name"] == n for _, d in items), n))
        by_new_name[names[0].casefold()].append((sha, names[0], items))
    for _, group in sorted(by_new_name.items()):
        group.sort(key=lambda g: (-len({s.label for s, _ in g[2]}), g[0]))
        sha, name, items = group[0]
        src, doc = min(items, key=lambda it: it[1]["uuid"])
        t = doc["uuid"] if doc["uuid"] not in tdocs and doc["uuid"] not in plan.texts else new_uuid()
        row = dict(doc, uuid=t, name=name)
        plan.new_docs.append((src, doc["uuid"], row))
        plan.texts[t], plan.names[t] = doc["text"], name
        plan.report["added"].append({"document": name, "from": sorted({s.label for s, _ in items})})
        for s, d in items:
            plan.doc_map[s.label][d["uuid"]] = t
            _alias(plan, t, d["name"], s.label, {name.casefold(): t}, known_names)
        for _, _, losers in group[1:]:
            for s, d in losers:
                _conflict(plan, s, d["uuid"], t)
    return plan


def _alias(plan: DocPlan, t: str, name: str, label: str, by_name: dict, known: set) -> None:
    """Record another name of a document (not when it is already its name, an alias, or the name of
    another document)."""
    key = name.casefold()
    if plan.names.get(t, "").casefold() == key or (t, key) in known or by_name.get(key) is not None:
        return
    known.add((t, name.casefold()))
    plan.aliases.append({"document": t, "name": name, "source": label})
    plan.report["aliases"].append({"document": plan.names[t], "alias": name, "input": label})


def _conflict(plan: DocPlan, src, u: str, t: str) -> None:
    plan.doc_map[src.label][u] = t
    plan.reanchor[src.label].add(u)


def plan_cases(target: dict, sources: list, plan: DocPlan) -> None:
    """Cases match by name; a case an input needs (speakers of a new document, attributes) and the
    target lacks is added."""
    tnames = {c["name"]: u for u, c in target["cases"].items()}
    needed: dict[str, set] = defaultdict(set)
    for src, u, _ in plan.new_docs:
        needed[src.label] |= {t[5] for t in src.snap["turns"].get(u, []) if t[5]}
    for src in sources:
        needed[src.label] |= {k[1] for k in src.snap["attributes"] if k[0] == "case"}
        for u, c in src.snap["cases"].items():
            if c["name"] in tnames:
                plan.case_map[src.label][u] = tnames[c["name"]]
    for src in sources:
        for u in sorted(needed[src.label]):
            c = src.snap["cases"].get(u)
            if c is None or c["name"] in tnames:
                continue
            t = u if u not in target["cases"] and u not in {n["uuid"] for n in plan.new_cases} else new_uuid()
            plan.new_cases.append({"uuid": t, "name": c["name"], "role": c["role"]})
            tnames[c["name"]] = t
            plan.case_map[src.label][u] = t
        for u, c in src.snap["cases"].items():
            if c["name"] in tnames:
                plan.case_map[src.label][u] = tnames[c["name"]]


def _owner(ot: str, owner, label: str, docs: DocPlan, code_map: dict):
    if ot == "document":
        return docs.doc_map[label].get(owner)
    if ot == "case":
        return docs.case_map[label].get(owner)
    if ot == "code":
        return code_map.get(label, {}).get(owner)
    return owner


def plan_attributes(target: dict, sources: list, docs: DocPlan, report: dict, conflicts: list) -> tuple[list, list, list]:
    """Returns (rows to add, (key, values) updates, sync rows)."""
    tattrs, sync = target["attributes"], target.get("sync") or {}
    props: dict[tuple, dict] = defaultdict(dict)
    bad: dict[tuple, list] = defaultdict(list)
    for src in sources:
        for (ot, owner, key), value in src.snap["attributes"].items():
            t_owner = _owner(ot, owner, src.label, docs, {})
            if t_owner is None:
                continue
            tk = (ot, t_owner, key)
            if tk in tattrs:
                if tattrs[tk] == value:
                    continue
                base = sync.get(("attribute", attr_key(*tk), src.key))
                if base is None and ("attribute", attr_key(ot, owner, key)) in src.base:
                    base = (src.base[("attribute", attr_key(ot, owner, key))],) * 2
                if base is not None and base[0] == fingerprint(*value):
                    continue
                if base is None or base[1] != fingerprint(*tattrs[tk]):
                    bad[tk].append((src, value))
                    continue
            props[tk].setdefault(value, []).append(src)
    adds, updates, sync_rows = [], [], []
    for tk, values in props.items():
        if len(values) > 1 or bad.get(tk):
            for value, srcs in values.items():
                bad[tk].extend((s, value) for s in srcs)
            if tk in tattrs:
                continue
        value = min(values, key=lambda v: sorted(s.label for s in values[v])) if tk not in tattrs else next(iter(values))
        row = {"owner_type": tk[0], "owner": tk[1], "key": tk[2], "type": value[0], "value": value[1]}
        (updates if tk in tattrs else adds).append(row)
        report["updated" if tk in tattrs else "added"] += 1
        for s in values[value]:
            sync_rows.append({"kind": "attribute", "key": attr_key(*tk), "source": s.key,
                              "source_fp": fingerprint(*value), "target_fp": fingerprint(*value)})
    for tk, items in sorted(bad.items()):
        conflicts.append({"kind": "attribute", "owner_type": tk[0], "owner": tk[1], "key": tk[2],
                          "target": tattrs.get(tk, (None, None))[1],
                          "proposed": [{"input": s.label, "value": v[1]} for s, v in items],
                          "reason": "changed on both sides" if tk in tattrs else "inputs give different values"})
    return adds, updates, sync_rows


def plan_memos(target: dict, sources: list, docs: DocPlan, code_map: dict, coders, report: dict,
               conflicts: list) -> tuple[list, list, list]:
    """Memos match by uuid; text changed on both sides is a conflict. Returns (adds, updates, sync)."""
    tmemos, sync = target["memos"], target.get("sync") or {}
    same = {(m["target_type"], m["target"], m["author"], m["text"]) for m in tmemos.values()}
    adds: dict[str, tuple] = {}
    updates: dict[str, dict] = {}
    sync_rows = []
    for src in sources:
        for u, m in sorted(src.snap["memos"].items()):
            target_ref = _owner(m["target_type"], m["target"], src.label, docs, code_map) if m["target"] else None
            row = dict(m, target=target_ref if target_ref is not None else m["target"],
                       author=coders.author(src.label, m["author"]))
            fp = fingerprint(m["text"])
            if u in tmemos:
                t = tmemos[u]
                if t["text"] == m["text"]:
                    continue
                base = sync.get(("memo", u, src.key)) or ((src.base[("memo", u)],) * 2 if ("memo", u) in src.base else None)
                if base is not None and base[0] == fp:
                    continue
                if base is None or base[1] != fingerprint(t["text"]) or updates.get(u, {}).get("text") not in (None, m["text"]):
                    conflicts.append({"kind": "memo", "memo": u, "target": t["text"], "proposed": [{"input": src.label, "value": m["text"]}],
                                      "reason": "no common version to compare with" if base is None else "changed on both sides"})
                    continue
                updates[u] = {"text": m["text"], "updated_at": m["updated_at"] or now()}
                sync_rows.append({"kind": "memo", "key": u, "source": src.key, "source_fp": fp, "target_fp": fp})
                continue
            key = (row["target_type"], row["target"], row["author"], row["text"])
            if key in same:
                report["duplicates"] += 1
                continue
            if u in adds:
                if adds[u][1]["text"] != row["text"]:
                    conflicts.append({"kind": "memo", "memo": u, "target": adds[u][1]["text"], "proposed": [
                        {"input": src.label, "value": row["text"]}], "reason": "the same new memo differs between inputs"})
                continue
            adds[u] = (src, row)
            same.add(key)
            sync_rows.append({"kind": "memo", "key": u, "source": src.key, "source_fp": fp, "target_fp": fp})
    report["added"] += len(adds)
    report["updated"] += len(updates)
    return [r for _, r in adds.values()], [({"uuid": u}, v) for u, v in updates.items()], sync_rows
