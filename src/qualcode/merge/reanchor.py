"""Re-anchoring: moving coded spans from an old text to a new version of it. Pure functions.

The two texts are aligned once — by lines, then sentences, then words, then characters, each
level with rapidfuzz's Levenshtein opcodes on the list of units and refining only what changed —
and each span's first and last character are mapped through that alignment. The covered text in
the new place is compared with the old one:

* identical — an **exact** move (confidence 1.0);
* otherwise the confidence is the normalised Levenshtein similarity of old and new covered text
  (halfway to 1 when the span still starts and ends with the same words); when the mapped place
  is poor, the old text is searched for (exactly, on word boundaries; then fuzzily with
  ``fuzz.partial_ratio_alignment`` in a window around the mapped place) and the best candidate
  wins. At or above ``min_confidence`` it is a **fuzzy** move; below it the coding is **flagged**
  with the best guess (if any) as a suggestion — it is never dropped or silently moved.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

MIN_CONFIDENCE = 0.9
MIN_SUGGESTION = 0.5  # below this a flagged coding gets no suggested place
CHAR_ALIGN_LIMIT = 400_000  # longest changed stretch (old + new characters) aligned per character
MAX_HITS = 50
_EDGE = re.compile(r"\W*\w+")
# Units for aligning, coarse to fine; each pattern covers every character of any text.
_UNITS = (
    re.compile(r"[^\n]*\n|[^\n]+"),  # lines
    re.compile(r"[^.!?\n]*[.!?]+\s*|[^.!?\n]+\s*|\n"),  # sentences
    re.compile(r"\w+\s*|[^\w\s]\s*|\s+"),  # words, with the space after them
)


@dataclass(frozen=True)
class Placement:
    """Where a span lands in the new text. ``start``/``end`` are None when nothing plausible was found."""

    start: int | None
    end: int | None
    confidence: float
    method: str  # exact | fuzzy | flagged
    reason: str = ""

    @property
    def placed(self) -> bool:
        return self.method in ("exact", "fuzzy")


def align(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """Opcodes ``(tag, i1, i2, j1, j2)`` turning ``old`` into ``new`` (difflib conventions)."""
    if old == new:
        return [("equal", 0, len(old), 0, len(new))]
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    ops: list[tuple[str, int, int, int, int]] = []
    if prefix:
        ops.append(("equal", 0, prefix, 0, prefix))
    ops.extend(_align_range(old, new, prefix, len(old) - suffix, prefix, len(new) - suffix, 0))
    if suffix:
        ops.append(("equal", len(old) - suffix, len(old), len(new) - suffix, len(new)))
    return ops


def _align_range(old: str, new: str, i1: int, i2: int, j1: int, j2: int, level: int) -> list[tuple]:
    """Align ``old[i1:i2]`` with ``new[j1:j2]`` at ``level`` (lines, sentences, words, characters),
    so that an inserted word stays one insertion and a fixed typo maps letter by letter."""
    if i1 == i2 or j1 == j2:
        return [("delete" if i1 < i2 else "insert", i1, i2, j1, j2)] if (i1 < i2 or j1 < j2) else []
    if level == len(_UNITS):
        if (i2 - i1) + (j2 - j1) > CHAR_ALIGN_LIMIT:
            return [("replace", i1, i2, j1, j2)]
        return [(t, i1 + x1, i1 + x2, j1 + y1, j1 + y2)
                for t, x1, x2, y1, y2 in Levenshtein.opcodes(old[i1:i2], new[j1:j2])]
    a, b = _UNITS[level].findall(old, i1, i2), _UNITS[level].findall(new, j1, j2)
    if len(a) <= 1 and len(b) <= 1:
        return _align_range(old, new, i1, i2, j1, j2, level + 1)
    a_off, b_off = _offsets(a, i1), _offsets(b, j1)
    ops: list[tuple] = []
    for tag, x1, x2, y1, y2 in Levenshtein.opcodes(a, b):
        if tag == "equal":
            ops.append((tag, a_off[x1], a_off[x2], b_off[y1], b_off[y2]))
        else:
            ops.extend(_align_range(old, new, a_off[x1], a_off[x2], b_off[y1], b_off[y2], level + 1))
    return ops


def _offsets(parts: list[str], base: int) -> list[int]:
    out = [base]
    for part in parts:
        out.append(out[-1] + len(part))
    return out


class Aligner:
    """An alignment of ``old`` onto ``new`` that places spans."""

    def __init__(self, old: str, new: str, min_confidence: float = MIN_CONFIDENCE):
        self.old, self.new = old, new
        self.min_confidence = min_confidence
        self.blocks = [op for op in align(old, new) if op[1] < op[2]]  # blocks that hold old characters
        self.starts = [op[1] for op in self.blocks]

    def _block(self, pos: int):
        return self.blocks[bisect_right(self.starts, pos) - 1]

    def map_char(self, pos: int, side: str) -> int:
        """New position of old character ``pos``: its own place when it survives; for a removed or
        rewritten character the start (``side='start'``) or end (``'end'``) of what replaced it."""
        tag, i1, i2, j1, j2 = self._block(pos)
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            return j1 + (pos - i1) + (1 if side == "end" else 0)
        return j1 if side == "start" or tag == "delete" else j2

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.blocks:
            return (0, 0)
        return self.map_char(start, "start"), self.map_char(end - 1, "end")

    def map_offsets(self, start: int, end: int) -> tuple[int, int] | None:
        """A span mapped through the alignment only (no search); None when it vanished."""
        s, e = self.map_span(start, end)
        return (s, e) if s < e else None

    def place(self, start: int, end: int) -> Placement:
        old_text = self.old[start:end]
        if not old_text:
            return Placement(None, None, 0.0, "flagged", "the coding covers no text")
        s, e = self.map_span(start, end)
        if s < e:
            s, e = self._whole_words(start, end, s, e)
        if s < e and self.new[s:e] == old_text:
            return Placement(s, e, 1.0, "exact")
        candidates: list[tuple[float, int, int, str]] = []
        if s < e:
            s, e = _trim_like(old_text, self.new, s, e)
            if s < e:
                candidates.append((_confidence(old_text, self.new[s:e]), s, e, "fuzzy"))
        guess = s if s < e else max(0, min(s, len(self.new)))
        hits = _occurrences(self.new, old_text)
        if _boundary(self.old, start) or _boundary(self.old, end):
            hits = [h for h in hits if (not _boundary(self.old, start) or _boundary(self.new, h))
                    and (not _boundary(self.old, end) or _boundary(self.new, h + len(old_text)))]
        if len(hits) == 1:
            return Placement(hits[0], hits[0] + len(old_text), 1.0, "exact", "found the same text elsewhere")
        if hits:
            near = min(hits, key=lambda h: abs(h - guess))
            if s < e and near < e and near + len(old_text) > s:
                return Placement(near, near + len(old_text), 1.0, "exact", "the same text next to its old place")
            candidates.append((0.8, near, near + len(old_text), f"the text occurs {len(hits)} times"))
        best = max(candidates, default=None)
        if best is None or best[0] < self.min_confidence:
            window = self._window_search(old_text, guess)
            if window and (best is None or window[0] > best[0]):
                best = window
        if best is None:
            return Placement(None, None, 0.0, "flagged", "the coded text is gone from the new text")
        conf, s, e, why = best
        conf = round(conf, 4)
        if conf >= self.min_confidence:
            return Placement(s, e, conf, "fuzzy", "" if why == "fuzzy" else why)
        if conf < MIN_SUGGESTION:
            return Placement(None, None, conf, "flagged", "the coded text is not in the new text")
        reason = why if why not in ("fuzzy", "window") else "the coded text changed too much"
        return Placement(s, e, conf, "flagged", reason)

    def _whole_words(self, start: int, end: int, s: int, e: int) -> tuple[int, int]:
        """When the old span began (ended) on a word boundary, so does the new one: widen it."""
        if _boundary(self.old, start):
            while s > 0 and not _boundary(self.new, s):
                s -= 1
        if _boundary(self.old, end):
            while e < len(self.new) and not _boundary(self.new, e):
                e += 1
        return s, e

    def _window_search(self, old_text: str, guess: int):
        n = len(old_text)
        pad = max(200, 2 * n)
        lo, hi = max(0, guess - pad), min(len(self.new), guess + n + pad)
        window = self.new[lo:hi]
        if not window.strip():
            return None
        if len(window) < n:
            s, e = lo, hi
        else:
            al = fuzz.partial_ratio_alignment(old_text, window)
            if al is None or al.score <= 0:
                return None
            s, e = lo + al.dest_start, lo + al.dest_end
        s, e = _snap_words(old_text, self.new, s, e)
        if s >= e:
            return None
        return (_confidence(old_text, self.new[s:e]), s, e, "window")


def _confidence(old_text: str, new_text: str) -> float:
    """Normalised Levenshtein similarity of the covered texts; when the new span still begins and
    ends with the old span's first and last words (only its inside changed), halfway to 1."""
    sim = Levenshtein.normalized_similarity(old_text, new_text)
    first, last = _EDGE.match(old_text), _EDGE.match(old_text[::-1])
    if (first and last and new_text.startswith(first.group()) and new_text.endswith(last.group()[::-1])
            and len(first.group()) + len(last.group()) >= 4 and 0.5 <= len(new_text) / len(old_text) <= 2):
        return 0.5 + 0.5 * sim
    return sim


def _boundary(text: str, i: int) -> bool:
    """Is position ``i`` a word boundary (not between two letters or digits)?"""
    return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())


def _occurrences(text: str, needle: str) -> list[int]:
    out, pos = [], text.find(needle)
    while pos >= 0 and len(out) < MAX_HITS:
        out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


def _trim_like(old_text: str, new: str, s: int, e: int) -> tuple[int, int]:
    """Drop white space at the new span's edges when the old span had none there."""
    if not old_text[:1].isspace():
        while s < e and new[s].isspace():
            s += 1
    if not old_text[-1:].isspace():
        while e > s and new[e - 1].isspace():
            e -= 1
    return s, e


def _snap_words(old_text: str, new: str, s: int, e: int, reach: int = 4) -> tuple[int, int]:
    """Move a fuzzy match's edges to word boundaries (within a few characters) when the old span
    began or ended on one, then trim white space."""
    def boundary(i: int) -> bool:
        return _boundary(new, i)

    if old_text[:1].isalnum() and not boundary(s):
        left = next((s - k for k in range(1, reach + 1) if boundary(s - k)), None)
        right = next((s + k for k in range(1, reach + 1) if boundary(s + k)), None)
        s = min((x for x in (left, right) if x is not None), key=lambda x: abs(x - s), default=s)
    if old_text[-1:].isalnum() and not boundary(e):
        right = next((e + k for k in range(1, reach + 1) if boundary(e + k)), None)
        left = next((e - k for k in range(1, reach + 1) if boundary(e - k)), None)
        e = min((x for x in (right, left) if x is not None), key=lambda x: abs(x - e), default=e)
    return _trim_like(old_text, new, max(0, s), min(len(new), e))


def reanchor(old: str, new: str, spans: list[tuple[int, int]], min_confidence: float = MIN_CONFIDENCE) -> list[Placement]:
    """Place every ``(start, end)`` span of ``old`` in ``new``."""
    aligner = Aligner(old, new, min_confidence)
    return [aligner.place(s, e) for s, e in spans]


def summarise(placements: list[Placement], spans: list[tuple[int, int]] | None = None) -> dict:
    """Counts: unchanged (exact, same offsets), moved exactly, moved fuzzily, flagged."""
    out = {"unchanged": 0, "moved_exactly": 0, "moved_fuzzily": 0, "flagged": 0}
    for i, p in enumerate(placements):
        if p.method == "exact":
            same = spans is not None and (p.start, p.end) == tuple(spans[i])
            out["unchanged" if same else "moved_exactly"] += 1
        elif p.method == "fuzzy":
            out["moved_fuzzily"] += 1
        else:
            out["flagged"] += 1
    return out
