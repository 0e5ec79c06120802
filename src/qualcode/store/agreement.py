"""Store operations for settling disagreements: replace codings in one undoable step."""

from __future__ import annotations

from qualcode.domain.models import Coding
from qualcode.store.codings import CODING_COLUMNS, NewCoding, _coding


class AgreementStoreMixin:
    """Mixed into :class:`~qualcode.store.project.Project`."""

    db: object

    def replace_codings(self, remove: list[str], add: list[NewCoding],
                        description: str, also=None) -> tuple[list[Coding], int]:
        """Remove the codings ``remove`` (uuids) and add ``add``, in one transaction and one
        undoable step. A coding to add that equals one to remove (same document, code, coder and
        span) keeps the existing coding; one that equals a coding that stays is skipped.
        ``also`` (optional) writes more rows in the same transaction and returns their row
        operations, recorded in the same undoable step. Returns (the codings added, the number
        removed)."""
        cache: dict = {}
        ops, added = [], []
        with self.db.atomic():
            old = []
            for uuid in dict.fromkeys(remove):
                rows = self._coding_rows("uuid = ?", [uuid])
                if rows:
                    old.append(rows[0])
            key = lambda r: (r["document"], r["code"], r["coder"], r["start"], r["end"])  # noqa: E731
            new_rows = [self._validate(n, cache) for n in add]
            kept = {key(r) for r in new_rows}
            for row in old:
                if key(row) not in kept:
                    self._delete_row("codings", row)
                    ops.append(["delete", "codings", row])
            seen = set()
            for row in new_rows:
                k = key(row)
                exists = self.db.execute(
                    "SELECT 1 FROM codings WHERE document = ? AND code = ? AND coder = ? AND start = ? AND end = ?",
                    list(k),
                ).fetchone()
                if exists or k in seen:
                    continue
                seen.add(k)
                self._insert_row("codings", row)
                ops.append(["insert", "codings", row])
                added.append(_coding(tuple(row[c] for c in CODING_COLUMNS)))
            if also is not None:  # more row operations for the same step (review decisions)
                ops += also()
            if ops:
                self._record("replace_codings", description, ops)
        self._changed()
        return added, sum(op[0] == "delete" for op in ops)
