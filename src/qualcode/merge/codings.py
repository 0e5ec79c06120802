"""Codings in a merge: keep every coder's codings with their origin; drop only one coder's exact
duplicates; re-anchor codings made on another version of a text; flag what cannot be placed.

A coding the target already holds (same uuid) is compared with the input's version. When they
differ, the last merged version (``team_sync``) or the handout's version (``handout_base``) tells
who changed it: the input alone — the change is applied; the target alone — the target stays;
both, or no common version — a recorded conflict (the target stays).
"""

from __future__ import annotations

from collections import defaultdict

from qualcode.store.history import now
from qualcode.merge.common import coding_fp, source_key
from qualcode.merge.reanchor import Aligner

FIELDS = ("document", "code", "coder", "start", "end", "memo")


class CodingPlan:
    def __init__(self):
        self.adds: list[dict] = []
        self.updates: list[tuple[dict, dict]] = []
        self.reviews: list[dict] = []
        self.sync_items: list[tuple] = []  # (source, raw, version): fingerprinted only when applied
        self.conflicts: list[dict] = []
        self.duplicates: list[dict] = []
        self.deleted: list[dict] = []
        self.reanchored: dict[tuple[str, str], dict] = {}  # (input, document) -> counts
        self.counts: dict[str, dict] = defaultdict(lambda: defaultdict(int))  # input -> counter

    def sync_rows(self) -> list[dict]:
        return [_sync(*item) for item in self.sync_items]


def plan_codings(target: dict, sources: list, docs, codes, coders, min_confidence: float) -> CodingPlan:
    plan = CodingPlan()
    tcodings, sync, reviews = target["codings"], target.get("sync") or {}, target.get("reviews") or {}
    content = {_ckey(r): u for u, r in tcodings.items()}
    updates: dict[str, dict] = defaultdict(dict)  # uuid -> fingerprint -> [(src, raw, version)]
    news: dict[str, list] = defaultdict(list)
    flagged: dict[str, list] = defaultdict(list)
    aligners: dict[tuple[str, str], Aligner] = {}
    for src in sources:
        count = plan.counts[src.label]
        sdocs = src.snap["documents"]
        # codings the coder must still place in their own copy: reported, not merged until placed
        count["open_reviews_in_input"] = sum(1 for u, status in (src.snap.get("reviews") or {}).items()
                                             if status == "open" and u not in tcodings and u not in reviews)
        for u, c in src.snap["codings"].items():
            t_doc = docs.doc_map[src.label][c["document"]]
            version = {"document": t_doc, "code": codes.code_map[src.label][c["code"]],
                       "coder": coders.coder(src.label, c), "start": c["start"], "end": c["end"], "memo": c["memo"] or ""}
            placement = None
            if c["document"] in docs.reanchor[src.label]:
                old = sdocs[c["document"]]
                key = (old["sha256"], t_doc)
                if key not in aligners:
                    aligners[key] = Aligner(old["text"], docs.texts[t_doc], min_confidence)
                placement = aligners[key].place(c["start"], c["end"])
                stats = plan.reanchored.setdefault((src.label, docs.names[t_doc]), {
                    "input": src.label, "document": docs.names[t_doc], "document_in_input": old["name"],
                    "moved_exactly": 0, "moved_fuzzily": 0, "flagged": 0})
                stats[{"exact": "moved_exactly", "fuzzy": "moved_fuzzily"}.get(placement.method, "flagged")] += 1
                if placement.placed:
                    version["start"], version["end"] = placement.start, placement.end
            have = tcodings.get(u)
            if have is not None:
                placed = placement is None or placement.placed
                if placed and all(have[f] == version[f] or (f == "memo" and not have[f] and not version[f])
                                  for f in FIELDS):
                    count["unchanged"] += 1
                    continue
                base = sync.get(("coding", u, src.key)) or (
                    (src.base[("coding", u)],) * 2 if ("coding", u) in src.base else None)
                changed_here = base is None or base[0] != coding_fp(c)
                if not placed:
                    if changed_here and base is not None:
                        plan.conflicts.append(_conflict(src, u, have, version, "changed in the input, but its text "
                                                        "differs and the coding cannot be placed on the target's text"))
                    continue
                if not changed_here:
                    count["kept_target"] += 1
                    continue
                if base is None or base[1] != coding_fp(have):
                    plan.conflicts.append(_conflict(src, u, have, version, "changed on both sides" if base else
                                                    "differs, and there is no common version to compare with"))
                    continue
                updates[u].setdefault(coding_fp(version), []).append((src, c, version))
                continue
            if u in reviews:  # flagged earlier: open (awaiting review) or discarded by a reviewer
                count["awaiting_review" if reviews[u] == "open" else "discarded_in_review"] += 1
                continue
            if placement is not None and not placement.placed:
                flagged[u].append((src, c, version, placement))
                continue
            news[u].append((src, c, version))
    _resolve_updates(plan, target, updates, content, docs)
    _resolve_news(plan, news, content, docs)
    _resolve_flagged(plan, flagged, docs)
    _deletions(plan, target, sources, docs)
    return plan


def _ckey(r: dict) -> tuple:
    return (r["document"], r["code"], r["coder"], r["start"], r["end"])


def _conflict(src, u: str, have: dict, version: dict, reason: str) -> dict:
    return {"kind": "coding", "coding": u, "input": src.label, "reason": reason,
            "target": {f: have[f] for f in FIELDS}, "proposed": version}


def _sync(src, raw: dict, version: dict) -> dict:
    fp = coding_fp(raw)
    same = all(raw[f] == version[f] for f in FIELDS if f != "memo") and (raw["memo"] or "") == version["memo"]
    return {"kind": "coding", "key": raw["uuid"], "source": src.key, "source_fp": fp,
            "target_fp": fp if same else coding_fp(version)}


def _resolve_updates(plan: CodingPlan, target: dict, updates: dict, content: dict, docs) -> None:
    for u, versions in sorted(updates.items()):
        have = target["codings"][u]
        if len(versions) > 1:
            for items in versions.values():
                plan.conflicts.extend(_conflict(s, u, have, v, "inputs changed it differently") for s, _, v in items)
            continue
        items = next(iter(versions.values()))
        version = items[0][2]
        clash = content.get(_ckey(version))
        if clash is not None and clash != u:
            plan.conflicts.extend(_conflict(s, u, have, v, "the change would duplicate another coding") for s, _, v in items)
            continue
        content.pop(_ckey(have), None)
        content[_ckey(version)] = u
        values = {f: version[f] for f in FIELDS if have[f] != version[f]}
        values["text"] = docs.texts[version["document"]][version["start"]:version["end"]]
        plan.updates.append(({"uuid": u}, values))
        for s, raw, v in items:
            plan.counts[s.label]["updated"] += 1
            plan.sync_items.append((s, raw, v))


def _pick(items: list) -> tuple:
    """Of several inputs holding the same new coding, the one that made it (else the first by name)."""
    made = [it for it in items if not it[1].get("source")]
    return min(made or items, key=lambda it: it[0].label)


def _resolve_news(plan: CodingPlan, news: dict, content: dict, docs) -> None:
    for u in sorted(news):
        items = news[u]
        src, raw, version = _pick(items)
        for s, r, v in items:
            if v != version:
                plan.conflicts.append({"kind": "coding", "coding": u, "input": s.label, "proposed": v, "kept": src.label,
                                       "target": version, "reason": "the same coding differs between inputs"})
        clash = content.get(_ckey(version))
        if clash is not None:
            for s, r, v in items:
                plan.counts[s.label]["duplicates"] += 1
                plan.duplicates.append({"input": s.label, "coding": u, "duplicate_of": clash, "coder": v["coder"],
                                        "document": docs.names[v["document"]], "code": v["code"],
                                        "start": v["start"], "end": v["end"],
                                        "reason": "the same coder already coded this span with this code"})
            continue
        content[_ckey(version)] = u
        text = docs.texts[version["document"]]
        plan.adds.append({"uuid": u, **{f: version[f] for f in FIELDS}, "text": text[version["start"]:version["end"]],
                          "origin": raw["origin"] or "human", "created_at": raw["created_at"] or now(),
                          "source": raw.get("source") or src.label})
        plan.counts[items[0][0].label]["added"] += 1  # counted for the first input that holds it
        plan.sync_items.extend((s, r, v) for s, r, v in items if v == version)


def _resolve_flagged(plan: CodingPlan, flagged: dict, docs) -> None:
    for u in sorted(flagged):
        src, raw, version, p = _pick(flagged[u])
        old_text = src.snap["documents"][raw["document"]]["text"]
        new = docs.texts[version["document"]]
        plan.reviews.append({
            "coding": u, "document": version["document"], "code": version["code"], "coder": version["coder"],
            "old_start": raw["start"], "old_end": raw["end"], "old_text": old_text[raw["start"]:raw["end"]],
            "new_start": p.start, "new_end": p.end, "new_text": new[p.start:p.end] if p.start is not None else None,
            "confidence": p.confidence, "reason": p.reason, "memo": raw["memo"] or "", "origin": raw["origin"] or "human",
            "created_at": raw["created_at"] or now(), "source": raw.get("source") or src.label, "flagged_at": now(),
            "flagged_by": f"merge {src.label}", "status": "open",
        })
        plan.counts[src.label]["flagged"] += 1


def _deletions(plan: CodingPlan, target: dict, sources: list, docs) -> None:
    """Codings the input had (its handout, or an earlier merge of it) but no longer has: reported, kept."""
    by_origin: dict[str, list] = defaultdict(list)
    for u, r in target["codings"].items():
        by_origin[source_key(r.get("source"))].append(r)
    for src in sources:
        mine = src.snap["codings"]
        docs_here = set(docs.doc_map[src.label].values())
        handed = [target["codings"][k[1]] for k in src.base if k[0] == "coding" and k[1] in target["codings"]]
        seen = set()
        for r in by_origin.get(src.key, []) + handed:
            u = r["uuid"]
            if u in mine or u in seen or r["document"] not in docs_here:
                continue
            seen.add(u)
            plan.deleted.append({"input": src.label, "coding": u, "coder": r["coder"],
                                 "document": docs.names.get(r["document"]), "start": r["start"], "end": r["end"]})
            plan.counts[src.label]["deleted_in_copy"] += 1
