"""A transcript's text replaced on the server while I coded on the old one: my codings move along.

After a pull brings a new text for a document, the replica looks at its own coder's codings in it
whose covered text no longer matches (those the manager's ``replace-text`` could not move, because
they reached the server later) and re-anchors them with the existing machinery (team/reanchor.py):
exact and confident moves are applied; the rest are flagged for review (``qualcode flagged``),
never dropped. The moves are ordinary edits of my own codings, so the next sync sends them.
"""

from __future__ import annotations

from qualcode.store.history import now
from qualcode.merge.reanchor import MIN_CONFIDENCE, Aligner


def reanchor_own(project, coder: str, changed: list[tuple[str, str]]) -> dict:
    """``changed``: (document uuid, its text before the pull). Returns counts moved / flagged."""
    counts = {"moved": 0, "flagged": 0}
    for doc_uuid, old_text in changed:
        new_text = project.documents.get(doc_uuid).text
        stale = [c for c in project.codings.list(document=doc_uuid, coder=coder) if new_text[c.start:c.end] != c.text]
        if not stale:
            continue
        aligner = Aligner(old_text, new_text, MIN_CONFIDENCE)
        moves, reviews = [], []
        for c in stale:
            p = aligner.place(c.start, c.end)
            if p.placed:
                moves.append((c.uuid, p.start, p.end, new_text[p.start:p.end]))
                continue
            reviews.append({
                "coding": c.uuid, "document": doc_uuid, "code": c.code, "coder": c.coder, "old_start": c.start,
                "old_end": c.end, "old_text": c.text, "new_start": p.start, "new_end": p.end,
                "new_text": new_text[p.start:p.end] if p.start is not None else None, "confidence": p.confidence,
                "reason": p.reason or "the transcript was replaced on the server meanwhile", "memo": c.memo,
                "origin": c.origin, "created_at": c.created_at, "source": c.source, "flagged_at": now(),
                "flagged_by": "sync", "status": "open",
            })
        with project.transaction():
            if reviews:
                project.team.flag_codings(reviews, remove=True)
            if moves:
                project.team.move_codings(moves)
        counts["moved"] += len(moves)
        counts["flagged"] += len(reviews)
    return counts
