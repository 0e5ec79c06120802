"""Which codings cover which characters of the open document (pure Python).

Built once per change of the document's codings; the transcript view asks it, per display
line, for the runs of text and the codings over each run.
"""

from __future__ import annotations

from bisect import bisect_left

MAX_STRIPES = 4


BUCKET = 256


class Coverage:
    """Codings of one document, indexed in fixed-size buckets of text so that the codings over
    any short stretch (a display line) are found without scanning the whole document."""

    def __init__(self, codings: list):
        self.codings = sorted(codings, key=lambda c: (c.start, -c.end, c.code, c.coder))
        self._buckets: dict[int, list] = {}
        for c in self.codings:
            for b in range(c.start // BUCKET, (max(c.end, c.start + 1) - 1) // BUCKET + 1):
                self._buckets.setdefault(b, []).append(c)
        self.column = self._columns()
        self._starts = [c.start for c in self.codings]

    def _near(self, start: int, end: int) -> list:
        """Codings overlapping ``[start, end)`` (``end > start``), in start order."""
        first, last = start // BUCKET, (end - 1) // BUCKET
        if first == last:
            return [c for c in self._buckets.get(first, ()) if c.start < end and c.end > start]
        seen: dict[str, object] = {}
        for b in range(first, last + 1):
            for c in self._buckets.get(b, ()):
                if c.start < end and c.end > start:
                    seen[c.uuid] = c
        return sorted(seen.values(), key=lambda c: (c.start, -c.end, c.code, c.coder))

    def _columns(self) -> dict[str, int]:
        """A margin column for each coding, so that overlapping codings get different columns."""
        column: dict[str, int] = {}
        ends: list[int] = []  # per column: where its last coding ends
        for c in self.codings:
            for i, end in enumerate(ends):
                if end <= c.start:
                    ends[i] = c.end
                    column[c.uuid] = i
                    break
            else:
                column[c.uuid] = len(ends)
                ends.append(c.end)
        return column

    def __len__(self) -> int:
        return len(self.codings)

    def segments(self, start: int, end: int) -> list[tuple[int, int, tuple]]:
        """``(s, e, codings)`` runs covering ``[start, end)`` in order (codings may be empty)."""
        if end <= start:
            return []
        near = self._near(start, end)
        if not near:
            return [(start, end, ())]
        cuts = sorted({start, end} | {p for c in near for p in (c.start, c.end) if start < p < end})
        out = []
        for a, b in zip(cuts, cuts[1:]):
            out.append((a, b, tuple(c for c in near if c.start <= a and c.end >= b)))
        return out

    def at(self, pos: int) -> list:
        return self._near(pos, pos + 1)

    def overlapping(self, start: int, end: int) -> list:
        """Codings that share at least one character with ``[start, end)``, in text order."""
        return self._near(start, max(end, start + 1))

    def starting_in(self, start: int, end: int) -> list:
        lo = bisect_left(self._starts, start)
        out = []
        for c in self.codings[lo:]:
            if c.start >= end:
                break
            out.append(c)
        return out

    def covered(self, start: int, end: int) -> bool:
        return end > start and bool(self._near(start, end))
