"""Positions from another tool → qualcode positions (code points into the canonical text).

A REFI-QDA selection counts characters in the source text *as the other tool read it*: the raw
text (after decoding and removing a BOM), with its CRLF line ends and perhaps decomposed accents,
and, for NVivo for Windows, in UTF-16 code units rather than code points. :class:`TextMap` maps
such a position to the canonical text qualcode stores (NFC, ``\\n``, no BOM, no controls), and
:func:`choose_positions` decides, with reasons, whether a file counts in UTF-16 units.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache

from qualcode.ingest.encoding import _DROP_RE, _LINE_BREAK_RE, canonicalise

_CHANGES = re.compile(f"(?:{_LINE_BREAK_RE.pattern})|(?:{_DROP_RE.pattern})")
_HIGH = re.compile("[^\x00-\u02ff]+")  # below U+0300 every character is a stable NFC starter
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_TRAILING = re.compile(r"(…|\.\.\.)$")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _composing_seconds() -> frozenset[str]:
    """Starters that can compose with the character before them (so no NFC boundary before them)."""
    out = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}  # Hangul V, T
    for cp in range(0x300, 0x110000):
        ch = chr(cp)
        d = unicodedata.decomposition(ch)
        if not d or d.startswith("<"):
            continue
        parts = d.split()
        if len(parts) == 2 and unicodedata.normalize("NFC", ch) == ch:
            second = chr(int(parts[1], 16))
            if unicodedata.combining(second) == 0:
                out.add(second)
    return frozenset(out)


@lru_cache(maxsize=4096)
def _boundary_before(ch: str) -> bool:
    if unicodedata.combining(ch) or ch in _composing_seconds():
        return False
    if not unicodedata.is_normalized("NFC", ch):
        return False
    return unicodedata.combining(unicodedata.normalize("NFD", ch)[0]) == 0


def _stage_lines(raw: str) -> tuple[str, list[int] | None]:
    """Line ends → ``\\n`` and controls dropped, with the map of boundaries (None: unchanged)."""
    if not _CHANGES.search(raw):
        return raw, None
    out: list[str] = []
    bmap: list[int] = []
    j = pos = 0
    for m in _CHANGES.finditer(raw):
        s, e = m.span()
        out.append(raw[pos:s])
        bmap.extend(range(j, j + s - pos))
        j += s - pos
        token = m.group()
        if _LINE_BREAK_RE.fullmatch(token):
            out.append("\n")
            bmap.append(j)
            if len(token) == 2:  # a position between \r and \n lands after the new line end
                bmap.append(j + 1)
            j += 1
        else:
            bmap.append(j)
        pos = e
    out.append(raw[pos:])
    bmap.extend(range(j, j + len(raw) - pos))
    bmap.append(j + len(raw) - pos)
    return "".join(out), bmap


def _stage_nfc(mid: str) -> tuple[str, list[int] | None]:
    """NFC, segment by segment, with the map of boundaries (None: already NFC)."""
    if unicodedata.is_normalized("NFC", mid):
        return mid, None
    out: list[str] = []
    bmap: list[int] = []
    j = pos = 0
    for m in _HIGH.finditer(mid):
        s, e = max(m.start() - 1, pos), m.end()
        if unicodedata.is_normalized("NFC", mid[s:e + 1]):
            continue  # this run (with its neighbours) is already NFC: it stays in the identity stretch
        out.append(mid[pos:s])
        bmap.extend(range(j, j + s - pos))
        j += s - pos
        seg_start = s
        for i in range(s + 1, e + 1):
            if i == e or _boundary_before(mid[i]):
                seg = mid[seg_start:i]
                norm = unicodedata.normalize("NFC", seg)
                out.append(norm)
                if len(norm) == len(seg):
                    bmap.extend(range(j, j + len(seg)))
                else:
                    bmap.extend(j + min(k, len(norm)) for k in range(len(seg)))
                j += len(norm)
                seg_start = i
        pos = e
    out.append(mid[pos:])
    bmap.extend(range(j, j + len(mid) - pos))
    bmap.append(j + len(mid) - pos)
    return "".join(out), bmap


def _aligned_map(raw: str, canonical: str) -> list[int]:
    """A fallback map by alignment, should the staged mapping ever disagree with canonicalise()."""
    from difflib import SequenceMatcher

    bmap = [0] * (len(raw) + 1)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, raw, canonical, autojunk=False).get_opcodes():
        for k in range(i1, i2 + 1):
            bmap[k] = j1 + (k - i1 if tag == "equal" else min(k - i1, j2 - j1))
    return bmap


class TextMap:
    """A source text as another tool saw it (``raw``) and as qualcode stores it (``canonical``)."""

    def __init__(self, raw: str):
        self.raw = raw
        self.astral = [m.start() for m in _ASTRAL.finditer(raw)]
        self._u16 = [a + k for k, a in enumerate(self.astral)]  # UTF-16 index of each astral char
        self.utf16_length = len(raw) + len(self.astral)
        mid, map1 = _stage_lines(raw)
        canonical, map2 = _stage_nfc(mid)
        self.canonical = canonicalise(raw)
        if canonical != self.canonical:
            self._map: list[int] | None = _aligned_map(raw, self.canonical)
        elif map1 is None:
            self._map = map2
        elif map2 is None:
            self._map = map1
        else:
            self._map = [map2[i] for i in map1]

    def from_utf16(self, u: int, end: bool = False) -> int:
        """A UTF-16 offset → a code-point offset into the raw text (a split pair rounds outward)."""
        k = bisect_left(self._u16, u)
        if k and self._u16[k - 1] == u - 1:
            return self.astral[k - 1] + (1 if end else 0)
        return u - k

    def to_canonical(self, i: int) -> int:
        i = max(0, min(i, len(self.raw)))
        return i if self._map is None else self._map[i]

    def span(self, start: int, end: int, utf16: bool) -> tuple[int, int, str | None]:
        """Map a selection; returns (start, end, problem). An empty span means 'cannot be placed'."""
        length = self.utf16_length if utf16 else len(self.raw)
        problem = None
        if start < 0 or end <= start:
            return 0, 0, f"the span {start}-{end} is empty or reversed"
        if start >= length:
            return 0, 0, f"the span {start}-{end} starts beyond the end of the text ({length})"
        if end > length:
            problem = f"the span {start}-{end} ends beyond the text ({length}); cut at its end"
            end = length
        if utf16:
            start, end = self.from_utf16(start), self.from_utf16(end, end=True)
        cs, ce = self.to_canonical(start), self.to_canonical(end)
        if ce <= cs:
            return 0, 0, f"the span {start}-{end} covers only characters qualcode drops (line ends, controls)"
        return cs, ce, problem


def _clean_cut(text: str, i: int) -> bool:
    """True when offset ``i`` does not split a word or a surrogate-free character run."""
    return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())


def _name_fits(text: str, start: int, name: str | None) -> bool:
    if not name:
        return False
    want = _SPACE.sub(" ", _TRAILING.sub("", name.strip())).strip()
    if len(want) < 4:
        return False
    want = want[:40]
    got = _SPACE.sub(" ", text[start:start + len(want) * 2 + 20]).strip()
    return got.startswith(want)


def choose_positions(units: list[tuple[TextMap, list[tuple[int, int, str | None]]]], origin: str | None,
                     forced: bool | None = None) -> tuple[bool, str]:
    """Decide whether positions count UTF-16 code units (True) or code points (False), and why.

    ``units`` holds each text with its selections (start, end, name). The two readings differ only
    after a character outside the Basic Multilingual Plane (an emoji, say). Evidence, strongest
    first: a selection that ends beyond the text in code points but fits in UTF-16 units; selection
    names that quote the text (ATLAS.ti does) and where they match; which reading cuts fewer words
    in half; finally the exporting tool (NVivo for Windows counts UTF-16).
    """
    if forced is not None:
        return forced, "chosen with --positions"
    relevant = [(tm, sels) for tm, sels in units if tm.astral and sels]
    if not relevant:
        return False, "code points (no text has characters outside the Basic Multilingual Plane, so both readings agree)"
    over = [(tm, e) for tm, sels in relevant for _, e, _ in sels if e > len(tm.raw)]
    if over and all(e <= tm.utf16_length for tm, e in over):
        return True, "UTF-16 code units (a selection ends beyond the text counted in code points)"
    score_cp = score_16 = 0
    for tm, sels in relevant:
        first = tm.astral[0]
        for s, e, name in sels:
            if e <= first:
                continue  # both readings agree here
            if 0 <= s < e <= len(tm.raw):
                score_cp += _clean_cut(tm.raw, s) + _clean_cut(tm.raw, e) + 3 * _name_fits(tm.raw, s, name)
            if 0 <= s < e <= tm.utf16_length:
                s16, e16 = tm.from_utf16(s), tm.from_utf16(e, end=True)
                split = (tm.from_utf16(s, end=True) != s16) + (tm.from_utf16(e) != e16)
                score_16 += _clean_cut(tm.raw, s16) + _clean_cut(tm.raw, e16) + 3 * _name_fits(tm.raw, s16, name) - 2 * split
    if score_16 > score_cp:
        return True, f"UTF-16 code units (selections fit the text better that way: {score_16} to {score_cp})"
    if score_cp > score_16:
        return False, f"code points (selections fit the text better that way: {score_cp} to {score_16})"
    tool = (origin or "").lower()
    if "nvivo" in tool and "mac" not in tool:
        return True, "UTF-16 code units (written by NVivo for Windows, which counts that way)"
    return False, "code points (as the standard says; nothing suggested UTF-16)"
