"""Which codings cover which characters of the open document (pure Python).

Built once per change of the document's codings; the transcript view asks it, per display
line, for the runs of text and the codings over each run.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

MAX_STRIPES = 4


class Coverage:
    def __init__(self, codings: list):
        self.codings = sorted(codings, key=lambda c: (c.start, -c.end, c.code, c.coder))
        points = sorted({c.start for c in self.codings} | {c.end for c in self.codings})
        self.points = points
        self.active: list[tuple] = []
        starts: dict[int, list] = {}
        for c in self.codings:
            starts.setdefault(c.start, []).append(c)
        live: list = []
        for p in points:
            live = [c for c in live if c.end > p] + starts.get(p, [])
            self.active.append(tuple(live))
        self.column = self._columns()
        self._starts = [c.start for c in self.codings]

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
        out = []
        pts = self.points
        if not pts or end <= pts[0] or start >= pts[-1]:
            return [(start, end, ())] if end > start else []
        i = bisect_right(pts, start) - 1
        pos = start
        while pos < end:
            nxt = pts[i + 1] if i + 1 < len(pts) else end
            stop = min(end, nxt)
            active = self.active[i] if i >= 0 else ()
            if stop > pos:
                out.append((pos, stop, active))
            pos = stop
            i += 1
        return out

    def at(self, pos: int) -> list:
        i = bisect_right(self.points, pos) - 1
        return list(self.active[i]) if 0 <= i < len(self.active) else []

    def overlapping(self, start: int, end: int) -> list:
        """Codings that share at least one character with ``[start, end)``, in text order."""
        if end <= start:
            return self.at(start)
        seen: dict[str, object] = {}
        for _, _, active in self.segments(start, end):
            for c in active:
                seen.setdefault(c.uuid, c)
        return sorted(seen.values(), key=lambda c: (c.start, -c.end))

    def starting_in(self, start: int, end: int) -> list:
        lo = bisect_left(self._starts, start)
        out = []
        for c in self.codings[lo:]:
            if c.start >= end:
                break
            out.append(c)
        return out

    def covered(self, start: int, end: int) -> bool:
        return any(active for _, _, active in self.segments(start, end))
