"""Re-anchoring in a project: a document's text is replaced (``qualcode replace-text``) and its
codings move with it. Exact and high-confidence moves are applied; the rest go to the review list
(``coding_reviews``) with the old text and the best guess — never dropped, never silently moved.
"""

from __future__ import annotations

import time
from pathlib import Path

from qualcode.errors import InputError, ProjectError
from qualcode.store.history import now
from qualcode.merge.reanchor import MIN_CONFIDENCE, Aligner


def plan_reanchor(project, doc, new_text: str, min_confidence: float = MIN_CONFIDENCE) -> dict:
    """Where every coding of ``doc`` lands in ``new_text`` (nothing is written)."""
    aligner = Aligner(doc.text, new_text, min_confidence)
    tree = project.codebook.tree()
    moves, reviews, fuzzy, taken = [], [], [], {}
    counts = {"codings": 0, "unchanged": 0, "moved_exactly": 0, "moved_fuzzily": 0, "flagged": 0}
    codings = project.codings.list(document=doc.uuid)
    placements = [(c, aligner.place(c.start, c.end)) for c in codings]
    # codings that stay exactly where they are claim their place first
    placements.sort(key=lambda cp: (cp[1].method != "exact" or (cp[1].start, cp[1].end) != (cp[0].start, cp[0].end),))
    for c, p in placements:
        counts["codings"] += 1
        key = (c.code, c.coder, p.start, p.end)
        if p.placed and key in taken:
            p = type(p)(p.start, p.end, p.confidence, "flagged",
                        "would coincide with another coding of the same code by the same coder")
        if not p.placed:
            counts["flagged"] += 1
            reviews.append({
                "coding": c.uuid, "document": doc.uuid, "code": c.code, "coder": c.coder, "old_start": c.start,
                "old_end": c.end, "old_text": c.text, "new_start": p.start, "new_end": p.end,
                "new_text": new_text[p.start:p.end] if p.start is not None else None, "confidence": p.confidence,
                "reason": p.reason, "memo": c.memo, "origin": c.origin, "created_at": c.created_at,
                "source": c.source, "flagged_at": now(), "flagged_by": "replace-text", "status": "open",
                "path": tree.path(c.code),
            })
            continue
        taken[key] = c.uuid
        if (p.start, p.end) == (c.start, c.end) and p.method == "exact":
            counts["unchanged"] += 1
            continue
        counts["moved_exactly" if p.method == "exact" else "moved_fuzzily"] += 1
        moves.append((c.uuid, p.start, p.end, new_text[p.start:p.end]))
        if p.method == "fuzzy":
            fuzzy.append({"coding": c.uuid, "code": tree.path(c.code), "coder": c.coder, "old_text": c.text,
                          "new_text": new_text[p.start:p.end], "confidence": p.confidence})
    return {"aligner": aligner, "moves": moves, "reviews": reviews, "fuzzy": fuzzy, "counts": counts}


def apply_reanchor(project, doc, new_text: str, turns, plan: dict, source_path=None, source_format=None) -> None:
    """Write a planned re-anchoring (the caller holds the transaction)."""
    aligner = plan["aligner"]
    project.team.flag_codings([{k: v for k, v in r.items() if k != "path"} for r in plan["reviews"]], remove=True)
    project.team.replace_text(doc.uuid, new_text, turns, source_path, source_format)
    project.team.move_codings(plan["moves"])
    project.reviews.reanchor_open(doc.uuid, aligner.map_offsets, new_text, skip={r["coding"] for r in plan["reviews"]})
    project.team.map_suggestions(doc.uuid, aligner.map_offsets)
    c = plan["counts"]
    project.history.record("replace_text", f"replaced the text of '{doc.name}' ({c['moved_exactly']} moved exactly, "
                    f"{c['moved_fuzzily']} fuzzily, {c['flagged']} flagged)", [], undoable=False)


def replace_text(project_path: str | Path, ref: str, file: str | Path, speaker_pattern: str | None = None,
                 dry_run: bool = False, min_confidence: float = MIN_CONFIDENCE, backup: bool = True) -> dict:
    from qualcode.ingest.readers import read_transcript
    from qualcode.store.project import Project

    parsed = read_transcript(file, speaker_pattern=speaker_pattern)
    if not parsed.text.strip():
        raise InputError(file, "the transcript has no text")
    with Project.open(project_path) as project:
        doc = project.documents.get(ref)
        report = {"project": str(project_path), "document": doc.name, "file": str(file), "dry_run": dry_run,
                  "changed": False, "backup": None}
        if parsed.text == doc.text:
            n = len(project.codings.list(document=doc.uuid))
            return {**report, "counts": {"codings": n, "unchanged": n, "moved_exactly": 0, "moved_fuzzily": 0,
                                         "flagged": 0}, "flagged": [], "fuzzy": [], "note": "the text is the same"}
        other = project.team.document_with_text(parsed.text, exclude=doc.uuid)
        if other:
            raise ProjectError(f"{file}: this text is already in the project as document '{other}'.")
        plan = plan_reanchor(project, doc, parsed.text, min_confidence)
        report.update(counts=plan["counts"], fuzzy=plan["fuzzy"], flagged=[
            {"coding": r["coding"], "code": r["path"], "coder": r["coder"], "old_text": r["old_text"],
             "suggested_text": r["new_text"], "confidence": r["confidence"], "reason": r["reason"]}
            for r in plan["reviews"]])
        if dry_run:
            return report
        if backup:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            report["backup"] = str(project.backup(Path(project_path).with_name(f"{Path(project_path).name}.bak-{stamp}")))
        with project.transaction():
            apply_reanchor(project, doc, parsed.text, parsed.turns, plan, str(file), parsed.source_format)
        report["changed"] = True
    return report


def place_review(project, review_id: int, start: int | None = None, end: int | None = None) -> dict:
    """Put a flagged coding back: at the suggested span, or at ``start``-``end``."""
    from qualcode.store.codings import NewCoding

    r = project.reviews.get(review_id)
    if r is None or r["status"] != "open":
        raise ProjectError(f"no open review {review_id} (see 'qualcode flagged').")
    if start is None or end is None:
        if r["new_start"] is None:
            raise ProjectError(f"review {review_id} has no suggested place; give --start and --end or --quote.")
        start, end = r["new_start"], r["new_end"]
    with project.transaction():
        added, _ = project.codings.add_many([NewCoding(
            r["document"], r["code"], r["coder"], start, end, r["memo"] or "", r["origin"] or "human",
            uuid=r["coding"], created_at=r["created_at"], source=r["source"])], description="placed a flagged coding")
        project.reviews.resolve(review_id, "placed")
    return {"review": review_id, "coding": added[0].uuid, "start": start, "end": end, "text": added[0].text}


def discard_review(project, review_id: int) -> None:
    r = project.reviews.get(review_id)
    if r is None or r["status"] != "open":
        raise ProjectError(f"no open review {review_id} (see 'qualcode flagged').")
    with project.transaction():
        project.reviews.resolve(review_id, "discarded")
