"""Unifying codebooks in a merge.

A code from an input is the target's code when (in this order) a mapping row says so, its uuid
is the same (handout copies share uuids) or a confirmed alias, or its normalised path (under the
already-unified parent) is the same. Anything else is a new code; new codes from several inputs
with the same normalised path are one new code. New codes whose path is close to an existing or
another new code (rapidfuzz) are reported as possible duplicates, never merged on a guess.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from rapidfuzz import fuzz, process

from qualcode.domain.codebook import normalise_name, normalise_path
from qualcode.errors import ProjectError
from qualcode.merge.common import CODE_FIELDS, depth_order, display_paths, fingerprint

NEAR_DUPLICATE_SCORE = 85
TEXT_FIELDS = ("label", "definition", "inclusion", "exclusion", "examples", "keywords")
_DIGITS = re.compile(r"\d+")


class CodePlan:
    def __init__(self):
        self.code_map: dict[str, dict[str, str]] = defaultdict(dict)  # source label -> its uuid -> target uuid
        self.new_codes: list[dict] = []
        self.target_merges: list[tuple[str, str, str]] = []  # (code, into code, why)
        self.aliases: list[dict] = []
        self.updates: list[tuple[str, dict, list[str]]] = []
        self.conflicts: list[dict] = []
        self.sync: list[dict] = []
        self.report: dict = {"added": [], "unified_by_path": [], "mapped": [], "merged_in_target": [], "updated": [],
                             "near_duplicates": [], "deleted_in_copy": [], "unused_mapping_rows": []}


def plan_codes(target: dict, sources: list, rules: list) -> CodePlan:
    plan = CodePlan()
    tcodes, tpaths = target["codes"], display_paths(target["codes"])
    tindex: dict[str, str] = {}
    for u in sorted(tcodes):
        tindex.setdefault(normalise_path(tpaths[u]), u)
    aliases = dict(target.get("code_aliases") or {})
    used_rules: set[int] = set()
    separate = {r.source for r in rules if r.target is None}

    def resolve(ref: str) -> str | None:
        return ref if ref in tcodes else tindex.get(ref)

    # 1. mapping rows that merge two codes already in the target
    for i, rule in enumerate(rules):
        if rule.target is None:
            continue
        src, dst = resolve(rule.source), resolve(rule.target)
        if src and dst and src != dst:
            plan.target_merges.append((src, dst, f"mapping line {rule.line}"))
            plan.report["merged_in_target"].append({"code": tpaths[src], "into": tpaths[dst], "line": rule.line})
            aliases[src] = dst
            used_rules.add(i)
    merged_away = {s: d for s, d, _ in plan.target_merges}

    def final(u: str) -> str:
        seen = set()
        while u in merged_away and u not in seen:
            seen.add(u)
            u = merged_away[u]
        return u

    # 2. walk every input's codebook, parents first
    pending: dict[str, dict] = {}  # normalised path -> new code
    assigned: dict[tuple[str, str], tuple[str, str]] = {}  # (label, uuid) -> ("t", uuid) | ("new", key) | ("ref", key)
    display: dict[tuple[str, str], str] = {}
    mapped_aliases: list[tuple[str, str]] = []
    how: dict[tuple[str, str], str] = {}
    for src in sources:
        codes, paths = src.snap["codes"], display_paths(src.snap["codes"])
        for u in depth_order(codes):
            c, key = codes[u], (src.label, u)
            rule_i = next((i for i, r in enumerate(rules) if r.target is not None
                           and r.source in (u, normalise_path(paths[u]))), None)
            if rule_i is not None:
                used_rules.add(rule_i)
                ref = rules[rule_i].target
                t = resolve(ref)
                assigned[key] = ("t", final(t)) if t else ("ref", ref)
                display[key] = tpaths[final(t)] if t else rules[rule_i].raw_to
                how[key] = "mapping"
                plan.report["mapped"].append({"input": src.label, "code": paths[u], "to": display[key],
                                              "line": rules[rule_i].line})
                if u not in tcodes and u not in aliases:
                    mapped_aliases.append((u, src.label))
                continue
            if u in tcodes or u in aliases:
                t = final(u if u in tcodes else aliases[u])
                assigned[key], display[key], how[key] = ("t", t), tpaths[t], "uuid" if u in tcodes else "alias"
                continue
            parent = (src.label, c["parent"]) if c["parent"] in codes else None
            disp = f"{display[parent]}/{c['name']}" if parent else c["name"]
            norm = normalise_path(disp)
            t = tindex.get(norm)
            if t and final(t) == t:
                assigned[key], display[key], how[key] = ("t", t), tpaths[t], "path"
                if normalise_path(paths[u]) != norm or paths[u] != tpaths[t]:
                    plan.report["unified_by_path"].append({"input": src.label, "code": paths[u], "as": tpaths[t]})
                continue
            entry = pending.setdefault(norm, {"display": disp, "proposals": []})
            entry["proposals"].append((src, u, parent))
            assigned[key], display[key], how[key] = ("new", norm), entry["display"], "new"

    # 3. choose each new code's uuid (the smallest proposed: the same whatever the input order)
    for norm, entry in pending.items():
        entry["uuid"] = min(u for _, u, _ in entry["proposals"])

    def target_of(a: tuple[str, str]) -> str:
        kind, ref = a
        if kind == "t":
            return ref
        if kind == "ref":
            t = resolve(ref)
            if t:
                return final(t)
            if ref in pending:
                return pending[ref]["uuid"]
            rule = next((r for r in rules if r.target == ref), None)
            line = f" line {rule.line}" if rule and rule.line else ""
            raise ProjectError(f"mapping file{line}: no code '{rule.raw_to if rule else ref}' in the target or in any "
                               f"input (the 'to' column must name an existing code path).")
        return pending[ref]["uuid"]

    for (label, u), a in assigned.items():
        plan.code_map[label][u] = target_of(a)
    for src_code, dst, _ in plan.target_merges:
        plan.aliases.append({"alias": src_code, "code": final(dst), "source": "mapping"})
    for u, label in dict(mapped_aliases).items():
        if plan.code_map[label][u] != u:
            plan.aliases.append({"alias": u, "code": plan.code_map[label][u], "source": label})
    kids = defaultdict(int)
    for c in tcodes.values():
        kids[c["parent"]] += 1
    for norm in sorted(pending, key=lambda k: (k.count("/"), k)):
        entry = pending[norm]
        src, u, parent = min(entry["proposals"], key=lambda p: p[1])
        row = dict(src.snap["codes"][u])
        row["uuid"] = entry["uuid"]
        row["parent"] = plan.code_map[src.label][parent[1]] if parent else None
        row["position"] = kids[row["parent"]]
        kids[row["parent"]] += 1
        plan.new_codes.append(row)
        plan.report["added"].append({"code": entry["display"], "from": sorted({p[0].label for p in entry["proposals"]})})
        for other, ou, _ in entry["proposals"]:
            orow = other.snap["codes"][ou]
            diff = [f for f in TEXT_FIELDS if (orow[f] or "") != (row[f] or "")]
            if diff:
                plan.conflicts.append({"kind": "code", "code": entry["display"], "fields": diff, "input": other.label,
                                       "kept": src.label, "reason": "the same new code differs between inputs"})
            plan.sync.extend(_sync_rows(entry["uuid"], other, orow, row))

    _near_duplicates(plan, pending, tpaths, tindex, separate)
    _field_changes(plan, target, sources, how)
    for src in sources:
        base_codes = {k[1] for k in src.base if k[0] == "code:name"}
        for u in sorted(base_codes - set(src.snap["codes"])):
            if u in tcodes:
                plan.report["deleted_in_copy"].append({"input": src.label, "code": tpaths[u]})
    plan.report["unused_mapping_rows"] = [r.line for i, r in enumerate(rules) if i not in used_rules and r.target is not None]
    return plan


def _sync_rows(t_uuid: str, src, raw: dict, mapped: dict) -> list[dict]:
    return [{"kind": f"code:{f}", "key": t_uuid, "source": src.key, "source_fp": fingerprint(raw[f]),
             "target_fp": fingerprint(mapped[f])} for f in CODE_FIELDS]


def _near_duplicates(plan: CodePlan, pending: dict, tpaths: dict, tindex: dict, separate: set) -> None:
    choices = {norm: tpaths[u] for norm, u in tindex.items()}
    choices.update({norm: e["display"] for norm, e in pending.items()})
    keys = list(choices)
    seen = set()
    for norm in sorted(pending):
        if norm in separate:
            continue
        for other, score, _ in process.extract(norm, keys, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE_SCORE, limit=5):
            pair = tuple(sorted((norm, other)))
            if other == norm or other in separate or pair in seen or _DIGITS.findall(norm) != _DIGITS.findall(other):
                continue
            seen.add(pair)
            plan.report["near_duplicates"].append({
                "code": pending[norm]["display"], "from": sorted({p[0].label for p in pending[norm]["proposals"]}),
                "similar_to": choices[other], "score": round(score, 1),
                "hint": f"{pending[norm]['display']},{choices[other]}",
            })


def _field_changes(plan: CodePlan, target: dict, sources: list, how: dict) -> None:
    """Field changes on codes matched by uuid: one-sided changes are applied, two-sided ones are
    conflicts (the target keeps its value). Codes matched by path: a differing text field is a
    conflict. Codes matched by a mapping row: not compared (the mapping says they are one code)."""
    tcodes, sync = target["codes"], target.get("sync") or {}
    proposals: dict[tuple[str, str], dict] = defaultdict(dict)  # (t, field) -> value json -> [(src, raw, mapped)]
    conflicts: dict[tuple[str, str], list] = defaultdict(list)
    for src in sources:
        for u, c in src.snap["codes"].items():
            t, kind = plan.code_map[src.label].get(u), how[(src.label, u)]
            if t not in tcodes or kind in ("new", "mapping"):
                continue
            mapped = {**c, "parent": plan.code_map[src.label].get(c["parent"]) if c["parent"] else None}
            for f in CODE_FIELDS if kind in ("uuid", "alias") else TEXT_FIELDS:
                fv, tv = mapped[f], tcodes[t][f]
                if (fv or None) == (tv or None) or (kind == "path" and not fv):
                    continue
                base = sync.get((f"code:{f}", t, src.key))
                if base is None and (f"code:{f}", u) in src.base:
                    base = (src.base[(f"code:{f}", u)],) * 2
                source_changed = base is None or base[0] != fingerprint(c[f])
                target_changed = base is None or base[1] != fingerprint(tv)
                if not source_changed:
                    continue
                if target_changed:
                    why = "differs (codes matched by path)" if kind == "path" else (
                        "no common version to compare with" if base is None else "changed on both sides")
                    conflicts[(t, f)].append((src.label, fv, why))
                    continue
                proposals[(t, f)].setdefault(json.dumps(fv), []).append((src, c, mapped))
    updates: dict[str, dict] = defaultdict(dict)
    who: dict[str, list] = defaultdict(list)
    for (t, f), values in proposals.items():
        value = json.loads(next(iter(values)))
        clash = (f == "name" and any(normalise_name(k["name"]) == normalise_name(value) for k in tcodes.values()
                                     if k["parent"] == tcodes[t]["parent"] and k["uuid"] != t)) or (
            f == "parent" and _creates_cycle(tcodes, t, value))
        if len(values) > 1 or conflicts.get((t, f)) or clash:
            why = "inputs changed it differently" if len(values) > 1 else (
                "the change clashes with the codebook" if clash else "changed on both sides")
            for v, items in values.items():
                conflicts[(t, f)].extend((s.label, json.loads(v), why) for s, _, _ in items)
            continue
        updates[t][f] = value
        for s, c, mapped in next(iter(values.values())):
            who[t].append(s.label)
            plan.sync.append({"kind": f"code:{f}", "key": t, "source": s.key, "source_fp": fingerprint(c[f]),
                              "target_fp": fingerprint(value)})
    tpaths = display_paths(tcodes)
    for t, fields in updates.items():
        plan.updates.append((t, fields, sorted(set(who[t]))))
        plan.report["updated"].append({"code": tpaths[t], "fields": sorted(fields), "from": sorted(set(who[t]))})
    for (t, f), items in sorted(conflicts.items()):
        plan.conflicts.append({"kind": "code", "code": tpaths[t], "field": f, "target": tcodes[t][f],
                               "proposed": [{"input": label, "value": v} for label, v, _ in items],
                               "reason": items[0][2]})


def _creates_cycle(tcodes: dict, uuid: str, parent: str | None) -> bool:
    seen = set()
    while parent and parent not in seen:
        if parent == uuid:
            return True
        seen.add(parent)
        parent = tcodes.get(parent, {}).get("parent")
    return parent is not None and parent in seen
