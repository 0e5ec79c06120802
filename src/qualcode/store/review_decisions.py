"""Review decisions that leave no coding behind: a passage settled as "not coded" for a code.

Settling a disagreement as coded leaves consensus codings (they are the record); settling it as
not coded used to leave nothing, so the passage came back open next time. Each such decision is
a row here, written in the same undoable step as the settlement (see
:func:`qualcode.agreement.consensus.settle`), so ``u`` and ``qualcode undo`` take it back too.
"""

from __future__ import annotations

from qualcode.store.documents import new_uuid
from qualcode.store.history import now

NOT_CODED = "not_coded"


class ReviewDecisions:
    def __init__(self, project):
        self.project = project
        self.db = project.db

    def not_coded(self, document: str) -> list[tuple[str, int, int]]:
        """(code, start, end) of every passage of ``document`` settled as not coded."""
        rows = self.db.execute(
            "SELECT code, start, [end] FROM review_decisions WHERE document = ? AND decision = ? "
            "ORDER BY start, [end]", [document, NOT_CODED]).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def record(self, document: str, code: str, start: int, end: int, not_coded: bool) -> list:
        """Inside the caller's transaction: forget the not-coded decisions on ``code`` that
        overlap ``[start, end)`` and, if ``not_coded``, record one for the passage. Returns the
        row operations for the caller's history entry (empty when nothing changed)."""
        p = self.project
        cols = ["uuid", "document", "code", "start", "end", "decision", "coder", "created_at"]
        rows = [dict(zip(cols, r)) for r in self.db.execute(
            "SELECT uuid, document, code, start, [end], decision, coder, created_at FROM review_decisions "
            "WHERE document = ? AND code = ? AND start < ? AND [end] > ?", [document, code, end, start])]
        if not_coded and any(r["start"] == start and r["end"] == end for r in rows) and len(rows) == 1:
            return []  # already decided so
        ops = []
        for row in rows:
            p.history.delete_row("review_decisions", row)
            ops.append(["delete", "review_decisions", row])
        if not_coded:
            row = {"uuid": new_uuid(), "document": document, "code": code, "start": start, "end": end,
                   "decision": NOT_CODED, "coder": p.coder or "", "created_at": now()}
            p.history.insert_row("review_decisions", row)
            ops.append(["insert", "review_decisions", row])
        return ops
