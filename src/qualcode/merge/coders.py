"""Coder names in a merge: renaming (``--coder-map``) and refusing ambiguous names.

A coding is *authored* in a file when it has no origin yet (``codings.source`` empty): it was made
there. (A handout stamps the study's codings with the study's file name, so a coder's copy
authors only the coder's own work.) A merge looks at the coder names under which each input
brings *new* codings (uuids the target does not hold) and refuses, until mapped, when:

1. the name differs only in case or spacing from another name in the target or an input
   (``anna`` vs ``Anna``);
2. the input is a handout to another coder (a copy handed to ``anna`` brings codings by ``default``);
3. the target holds codings by that name on the input's documents that the input lacks, did not
   make and never had (someone else with the same name — two coders who both left ``default``);
4. two inputs both bring new codings by that name, on documents both hold, that the other lacks
   (and never had).

A coder rule for a file (``FILE=NAME``: every coding authored in the file; ``FILE:OLD=NEW``:
those by OLD) renames, and confirms that the name is meant: rules 2–4 are then not applied.
"""

from __future__ import annotations

from collections import defaultdict

from qualcode.domain.codebook import normalise_name
from qualcode.errors import ProjectError
from qualcode.merge.mapping import CoderRule, match_file


class CoderPlan:
    def __init__(self):
        self.renames: dict[str, dict] = {}  # label -> {"all": name | None, "by": {casefolded old: new}}
        self.confirmed: set[tuple[str, str]] = set()
        self.clashes: list[dict] = []

    def coder(self, label: str, row: dict) -> str:
        """The coder a coding of input ``label`` is stored under."""
        rule = self.renames.get(label)
        if not rule or row.get("source"):
            return row["coder"]
        if rule["all"]:
            return rule["all"]
        return rule["by"].get(row["coder"].casefold(), row["coder"])

    def author(self, label: str, name: str | None) -> str | None:
        """A memo author in input ``label``, renamed like the codings made there."""
        rule = self.renames.get(label)
        if not rule or not name:
            return name
        if name.casefold() in rule["by"]:
            return rule["by"][name.casefold()]
        return rule["all"] if rule["all"] and name in rule["authors"] else name


def plan_coders(target: dict, sources: list, rules: list[CoderRule], doc_maps: dict[str, dict]) -> CoderPlan:
    plan = CoderPlan()
    labels = [s.label for s in sources]
    for rule in rules:
        label = match_file(rule.file, labels)
        if label is None:
            raise ProjectError(f"coder mapping ({rule.origin}): '{rule.file}' is not one of the inputs.")
        entry = plan.renames.setdefault(label, {"all": None, "by": {}, "authors": set()})
        if rule.old is None:
            entry["all"] = rule.new
        else:
            entry["by"][rule.old.casefold()] = rule.new
        plan.confirmed.add((label, rule.new))
    for src in sources:
        if src.label in plan.renames:
            plan.renames[src.label]["authors"] = {c["coder"] for c in src.snap["codings"].values() if not c.get("source")}

    tcodings = target["codings"]
    known = set(tcodings) | set(target.get("reviews") or {})
    tnames: dict[str, list] = defaultdict(list)
    for row in tcodings.values():
        tnames[row["coder"]].append(row)
    new: dict[str, dict[str, dict]] = {}  # label -> name -> {new uuid: target document}
    authored_new: dict[str, set] = {}
    for src in sources:
        per: dict[str, dict] = defaultdict(dict)
        authored: set = set()
        doc_map = doc_maps.get(src.label, {})
        for u, row in src.snap["codings"].items():
            if u in known:
                continue
            name = plan.coder(src.label, row)
            per[name][u] = doc_map.get(row["document"])
            if not row.get("source"):
                authored.add(name)
        new[src.label], authored_new[src.label] = per, authored

    all_names = set(tnames) | {n for per in new.values() for n in per}
    for src in sources:
        doc_map = doc_maps.get(src.label, {})
        mine = set(src.snap["codings"])
        for name, uuids in sorted(new[src.label].items()):
            others = sorted(m for m in all_names if m != name and normalise_name(m) == normalise_name(name))
            if others:
                plan.clashes.append(_clash(src, name, f"'{name}' differs only in case or spacing from "
                                           f"{', '.join(repr(o) for o in others)}", others[0]))
                continue
            if (src.label, name) in plan.confirmed:
                continue
            if src.owner and name in authored_new[src.label] and normalise_name(name) != normalise_name(src.owner):
                plan.clashes.append(_clash(src, name, f"the copy was handed out to '{src.owner}' but holds new "
                                           f"codings by '{name}'", src.owner))
                continue
            docs = set(doc_map.values())
            foreign = [r for r in tnames.get(name, ()) if r["document"] in docs and r["uuid"] not in mine
                       and ("coding", r["uuid"]) not in src.base and _key(r.get("source")) != src.key]
            if foreign:
                where = sorted({_key(r.get("source")) or "the target itself" for r in foreign})
                plan.clashes.append(_clash(src, name, f"the target already holds {len(foreign)} other coding(s) by "
                                           f"'{name}' (from {', '.join(where)}) that this file never had", None))
    docs_of = {s.label: set(doc_maps.get(s.label, {}).values()) for s in sources}
    for i, a in enumerate(sources):
        for b in sources[i + 1:]:
            for name in sorted(set(new[a.label]) & set(new[b.label])):
                if (a.label, name) in plan.confirmed or (b.label, name) in plan.confirmed:
                    continue
                if _exclusive(new[a.label][name], b, docs_of[b.label]) and _exclusive(new[b.label][name], a, docs_of[a.label]):
                    plan.clashes.append(_clash(b, name, f"'{a.label}' also brings new codings by '{name}' "
                                               "on the same documents", None))
    return plan


def _exclusive(mine: dict, other, other_docs: set) -> bool:
    """Has this input new codings on the other's documents that the other neither has nor had?"""
    return any(d in other_docs and u not in other.snap["codings"] and ("coding", u) not in other.base
               for u, d in mine.items())


def _key(source: str | None) -> str:
    from qualcode.merge.common import source_key

    return source_key(source)


def _clash(src, name: str, why: str, suggestion: str | None) -> dict:
    fix = f"--coder-map {src.label}={suggestion or name + '2'}"
    return {"input": src.label, "coder": name, "reason": why, "fix": fix,
            "message": f"{src.label}: coder '{name}': {why}; say who it is with {fix} (or the same name to confirm it)."}
