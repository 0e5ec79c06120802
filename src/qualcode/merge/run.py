"""``qualcode merge``: fold coders' project files into one, with full provenance.

    merge(target, [study, anna, bram], mapping=..., coder_rules=..., dry_run=False) -> report

The target may be new — then it starts as a copy of the first input without its codings, which
come in like any input's — or an existing project,
which is backed up (``<target>.bak-<timestamp>``) before anything changes. The whole merge is
planned first, from read-only snapshots (:mod:`merge_docs`, :mod:`merge_codes`, :mod:`coders`,
:mod:`merge_codings`), then applied in one transaction. A dry run stops after the plan. When the
plan changes nothing (the same files merged again) the target is not touched at all.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.store.codebook import CODE_COLUMNS
from qualcode.store.history import now
from qualcode.merge.coders import plan_coders
from qualcode.merge.common import Source, display_paths, file_sha256
from qualcode.merge.mapping import Mapping
from qualcode.merge.codes import plan_codes
from qualcode.merge.codings import plan_codings
from qualcode.merge.documents import plan_attributes, plan_cases, plan_documents, plan_memos
from qualcode.merge.reanchor import MIN_CONFIDENCE


def merge(target: str | Path, inputs: list[str | Path], mapping: Mapping | None = None, coder_rules: list = (),
          dry_run: bool = False, min_confidence: float = MIN_CONFIDENCE, details: bool = False,
          say: Callable[[str], None] = lambda s: None) -> dict:
    from qualcode.store.project import Project

    target = Path(target)
    mapping = mapping or Mapping()
    labels, skipped = _inputs(target, inputs)
    if not labels:
        raise ProjectError("give at least one project file to merge (besides the target).")
    created = not target.exists()
    workdir = Path(tempfile.mkdtemp(prefix="qualcode-merge-")) if created and dry_run else None
    build = (workdir / target.name) if workdir else target.with_name(target.name + ".building")
    sources = []
    try:
        for i, label in enumerate(labels):
            say(f"reading {label}")
            sha = file_sha256(label)
            with Project.open(label) as p:
                sources.append(Source(label, p.team.snapshot(), sha))
                if created and i == 0:
                    _cleanup(build)
                    p.backup(build)
        project = Project.open(build if created else target)
        try:
            if created:
                with project.transaction():
                    _start_from_copy(project)
            say("planning")
            plan = _plan(project.team.snapshot(), sources, mapping, list(coder_rules) + mapping.coders, min_confidence)
            report = _report(target, created, dry_run, labels, skipped, plan, details)
            if report["refused"] or dry_run or not (report["changed"] or created):
                return report
            if not created:
                report["backup"] = str(_backup(project, target))
            say("writing")
            with project.transaction():
                _apply(project, plan, sources, report)
        finally:
            project.close()
        if created:
            for suffix in ("-wal", "-shm"):
                Path(str(build) + suffix).unlink(missing_ok=True)
            os.replace(build, target)
        return report
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        elif created and build.exists():
            _cleanup(build)


def _inputs(target: Path, inputs) -> tuple[list[str], list[dict]]:
    labels, skipped, seen = [], [], []
    for item in inputs:
        path = Path(item)
        if not path.is_file():
            raise ProjectError(f"{item}: no such project file.")
        if target.exists() and path.samefile(target):
            skipped.append({"input": str(item), "reason": "it is the target"})
        elif any(path.samefile(s) for s in seen):
            skipped.append({"input": str(item), "reason": "given twice"})
        else:
            seen.append(path)
            labels.append(str(item))
    return labels, skipped


def _cleanup(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _backup(project, target: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path, n = target.with_name(f"{target.name}.bak-{stamp}"), 1
    while path.exists():
        path, n = target.with_name(f"{target.name}.bak-{stamp}-{n}"), n + 1
    return project.backup(path)


def _start_from_copy(project) -> None:
    """A new target starts as a copy of the first input (documents, codebook, cases, attributes,
    memos) without its codings, which then come in like every other input's (renamed, with
    their origin, checked for clashes); it stops being a handout (no owner, no base)."""
    project.team.clear_codings()
    project.team.clear_handout()
    settings = project.settings()
    if settings.pop("coder", None) is not None:
        project.set_meta("settings", json.dumps(settings))


class Plan:
    pass


def _plan(target: dict, sources: list[Source], mapping: Mapping, coder_rules: list, min_confidence: float) -> Plan:
    plan = Plan()
    plan.target = target
    plan.docs = plan_documents(target, sources)
    plan_cases(target, sources, plan.docs)
    plan.codes = plan_codes(target, sources, mapping.codes)
    if plan.codes.target_merges:
        _simulate_code_merges(target, plan.codes.target_merges)
    plan.coders = plan_coders(target, sources, coder_rules, plan.docs.doc_map)
    plan.conflicts = list(plan.codes.conflicts)
    plan.attr_report = {"added": 0, "updated": 0}
    plan.attrs = plan_attributes(target, sources, plan.docs, plan.attr_report, plan.conflicts)
    plan.memo_report = {"added": 0, "updated": 0, "duplicates": 0}
    plan.memos = plan_memos(target, sources, plan.docs, plan.codes.code_map, plan.coders, plan.memo_report, plan.conflicts)
    plan.codings = plan_codings(target, sources, plan.docs, plan.codes, plan.coders, min_confidence)
    plan.conflicts += plan.codings.conflicts
    return plan


def _simulate_code_merges(target: dict, merges: list) -> None:
    """What the target's codings look like after the confirmed code merges (as merge_codes does them)."""
    codings = target["codings"]
    for src, dst, _ in merges:
        taken = {(r["document"], r["coder"], r["start"], r["end"]) for r in codings.values() if r["code"] == dst}
        for u, r in list(codings.items()):
            if r["code"] == src:
                key = (r["document"], r["coder"], r["start"], r["end"])
                if key in taken:
                    del codings[u]
                else:
                    codings[u] = dict(r, code=dst)
                    taken.add(key)


def _report(target: Path, created: bool, dry_run: bool, labels: list, skipped: list, plan: Plan, details: bool) -> dict:
    c, d, k = plan.codings, plan.docs, plan.codes
    paths = display_paths({**plan.target["codes"], **{r["uuid"]: r for r in k.new_codes}})
    by_coder = Counter(r["coder"] for r in c.adds)
    named = lambda items: [dict(i, code=paths.get(i["code"], i["code"])) for i in items]  # noqa: E731
    flagged = [{"coding": r["coding"], "document": d.names[r["document"]], "code": paths.get(r["code"], r["code"]),
                "coder": r["coder"], "input": r["flagged_by"].removeprefix("merge "), "old_text": r["old_text"],
                "suggested_text": r["new_text"], "confidence": r["confidence"], "reason": r["reason"]} for r in c.reviews]
    report = {
        "target": str(target), "created": created, "dry_run": dry_run, "inputs": labels, "skipped_inputs": skipped,
        "refused": plan.coders.clashes, "backup": None,
        "documents": {**d.report, "text_conflicts": list(c.reanchored.values())},
        "codes": k.report,
        "codings": {"added": len(c.adds), "added_by_coder": dict(sorted(by_coder.items())),
                    "updated": len(c.updates), "flagged": flagged, "duplicates": named(c.duplicates),
                    "deleted_in_copy": c.deleted, "by_input": {s: dict(v) for s, v in c.counts.items()}},
        "memos": plan.memo_report, "attributes": plan.attr_report,
        "conflicts": plan.conflicts,
    }
    if details:
        report["codings"]["added_list"] = [{"coding": r["uuid"], "document": d.names[r["document"]],
                                            "code": paths.get(r["code"]), "coder": r["coder"], "start": r["start"],
                                            "end": r["end"], "source": r["source"]} for r in c.adds]
    report["changed"] = bool(k.target_merges or k.aliases or k.new_codes or k.updates or d.new_cases or d.new_docs
                             or d.aliases or plan.attrs[0] or plan.attrs[1] or c.adds or c.updates or c.reviews
                             or plan.memos[0] or plan.memos[1])
    return report


def _apply(project, plan: Plan, sources: list[Source], report: dict) -> None:
    k, d, c = plan.codes, plan.docs, plan.codings
    for src, dst, _ in k.target_merges:
        project.codebook.merge(src, dst)
    project.team.insert("code_aliases", [dict(a, at=now()) for a in k.aliases], ignore=True)
    project.team.insert("codes", [{col: r[col] for col in CODE_COLUMNS} for r in k.new_codes])
    project.team.update("codes", ("uuid",), [({"uuid": t}, fields) for t, fields, _ in k.updates])
    project.team.insert("cases", d.new_cases)
    for src, u, row in d.new_docs:
        project.team.add_document(row, src.snap["turns"].get(u, []), d.case_map[src.label])
    project.team.insert("document_aliases", d.aliases, ignore=True)
    adds, updates, attr_sync = plan.attrs
    project.team.insert("attributes", adds)
    project.team.update("attributes", ("owner_type", "owner", "key"),
                        [({k_: r[k_] for k_ in ("owner_type", "owner", "key")}, {"type": r["type"], "value": r["value"]})
                         for r in updates])
    project.team.insert("codings", c.adds)
    project.team.update("codings", ("uuid",), c.updates)
    project.team.insert("coding_reviews", c.reviews)
    memo_adds, memo_updates, memo_sync = plan.memos
    project.team.insert("memos", memo_adds)
    project.team.update("memos", ("uuid",), memo_updates)
    project.team.write_sync(k.sync + attr_sync + memo_sync + c.sync_rows())
    for src in sources:
        counts = dict(c.counts.get(src.label, {}))
        part = {"input": src.label, "codings": counts, "run": report["inputs"],
                "conflicts": [x for x in plan.conflicts if x.get("input") == src.label
                              or any(p.get("input") == src.label for p in x.get("proposed", []) if isinstance(p, dict))],
                "flagged": [f for f in report["codings"]["flagged"] if f["input"] == src.label]}
        what = ", ".join(f"{v} {n.replace('_', ' ')}" for n, v in counts.items() if v and n != "unchanged") or "nothing new"
        project.team.record_merge(src.label, src.sha256, part, f"merged {src.label}: {what}")
