"""A document as the transcript view sees it: blocks (speaker turns), display lines wrapped to a
width, word and sentence boundaries, and which codings cover which characters.

Pure Python (no Textual), so it is fast to test and cheap to rebuild. Positions are code-point
offsets into the canonical text, half-open ``[start, end)``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from rich.cells import cell_len

HEADER, TEXT, BLANK = 0, 1, 2
WORD = re.compile(r"\w[\w'’\-]*")
SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Block:
    """A stretch of text shown together: a speaker turn, or text outside any turn."""

    index: int
    start: int
    end: int
    speaker: str | None = None
    timestamp_ms: int | None = None
    turn: int | None = None  # 0-based turn index, None for text outside turns
    respondent: bool = False


@dataclass(frozen=True)
class Line:
    kind: int
    block: int
    start: int = 0
    end: int = 0


def char_width(ch: str) -> int:
    return 1 if ch.isascii() else max(0, cell_len(ch))


def text_width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def make_blocks(text: str, turns: list, respondent_cases: set[str] | frozenset = frozenset()) -> list[Block]:
    """Turns become blocks; non-blank text before, after or without turns becomes plain blocks."""
    blocks: list[Block] = []

    def plain(start: int, end: int) -> None:
        for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text[start:end]):
            s, e = start + m.start(), start + m.end()
            blocks.append(Block(len(blocks), s, e))

    if not turns:
        plain(0, len(text))
        return blocks
    head = _preamble_end(text, turns[0].start)
    if text[:head].strip():
        plain(0, head)
    for t in turns:
        blocks.append(Block(len(blocks), t.start, t.end, t.speaker, t.timestamp_ms, t.index,
                            bool(t.case and t.case in respondent_cases)))
    if text[turns[-1].end:].strip():
        plain(turns[-1].end, len(text))
    return blocks


def _preamble_end(text: str, first_turn: int) -> int:
    """Where the text before the first turn ends, leaving out the first speaker's label."""
    para = text.rfind("\n\n", 0, first_turn)
    line = text.rfind("\n", 0, first_turn)
    if para >= 0 and first_turn - para < 80:
        return para
    return max(line, 0)


def wrap(text: str, start: int, end: int, width: int, uniform: bool = False) -> list[tuple[int, int]]:
    """Display ranges for ``text[start:end]`` wrapped at ``width`` cells (hard breaks on newlines).

    ``uniform``: every character is one cell wide (true for most transcripts), which allows a
    much faster wrap on offsets alone."""
    width = max(4, width)
    out: list[tuple[int, int]] = []
    pos = start
    line = _wrap_uniform if uniform else _wrap_line
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        line(text, pos, stop, width, out)
        if nl < 0:
            break
        pos = nl + 1
    return out


def _wrap_uniform(text: str, start: int, end: int, width: int, out: list) -> None:
    line_start, line_end = -1, start
    for m in TOKEN.finditer(text, start, end):
        s, e = m.span()
        if line_start < 0:
            line_start = s
        elif e - line_start > width:
            out.append((line_start, line_end))
            line_start = s
        while e - line_start > width:  # a token longer than a line: cut it
            out.append((line_start, line_start + width))
            line_start += width
        line_end = e
    if line_start >= 0:
        out.append((line_start, line_end))
    elif not out or out[-1][1] < start:
        out.append((start, start))


def _wrap_line(text: str, start: int, end: int, width: int, out: list) -> None:
    line_start, line_end, used = start, start, 0
    for m in TOKEN.finditer(text, start, end):
        s, e = m.span()
        w = text_width(text[s:e])
        gap = text_width(text[line_end:s]) if line_end > line_start else 0
        if line_end > line_start and used + gap + w > width:
            out.append((line_start, line_end))
            line_start, used = s, 0
            gap = 0
        elif line_end == line_start:
            line_start = s
        while w > width:  # a token longer than a line: cut it
            cut, acc = s, 0
            while cut < e and acc + char_width(text[cut]) <= width:
                acc += char_width(text[cut])
                cut += 1
            cut = max(cut, s + 1)
            out.append((s, cut))
            s = line_start = cut
            w = text_width(text[s:e])
            used = gap = 0
        used += gap + w
        line_end = e
    if line_end > line_start:
        out.append((line_start, line_end))
    elif not out or out[-1][1] < start:
        out.append((start, start))


class DocModel:
    """Blocks, layout cache and boundaries for one document."""

    def __init__(self, uuid: str, name: str, text: str, turns: list, respondent_cases=frozenset()):
        self.uuid, self.name, self.text = uuid, name, text
        self.turns = turns
        self.blocks = make_blocks(text, turns, set(respondent_cases))
        self.uniform = all(ch == "\n" or (ch.isprintable() and cell_len(ch) == 1) for ch in set(text))
        self._block_starts = [b.start for b in self.blocks]
        self._layouts: dict[int, Layout] = {}
        self._words: list[tuple[int, int]] | None = None
        self._sentences: list[tuple[int, int]] | None = None
        self._unit_cache: dict[str, tuple] = {}

    # -- layout -----------------------------------------------------------------------------------
    def layout(self, width: int) -> "Layout":
        lay = self._layouts.get(width)
        if lay is None:
            if len(self._layouts) > 4:
                self._layouts.clear()
            lay = self._layouts[width] = Layout(self, width)
        return lay

    # -- blocks -----------------------------------------------------------------------------------
    def block_at(self, pos: int) -> Block | None:
        if not self.blocks:
            return None
        i = max(0, bisect_right(self._block_starts, pos) - 1)
        return self.blocks[i]

    def turn_block(self, turn_index: int) -> Block | None:
        for b in self.blocks:
            if b.turn == turn_index:
                return b
        return None

    # -- units: words, sentences, blocks ------------------------------------------------------------
    def words(self) -> list[tuple[int, int]]:
        if self._words is None:
            self._words = [m.span() for m in WORD.finditer(self.text)]
        return self._words

    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            out = []
            for b in self.blocks:
                pos = b.start
                while pos < b.end and self.text[pos].isspace():
                    pos += 1
                for m in SENTENCE_END.finditer(self.text, pos, b.end):
                    if m.end() > pos:
                        out.append((pos, m.end()))
                    pos = m.end()
                    while pos < b.end and self.text[pos].isspace():
                        pos += 1
                if pos < b.end and self.text[pos:b.end].strip():
                    end = b.end
                    while end > pos and self.text[end - 1].isspace():
                        end -= 1
                    out.append((pos, end))
            self._sentences = out
        return self._sentences

    def units(self, unit: str) -> list[tuple[int, int]]:
        return self._unit_index(unit)[0]

    def _unit_index(self, unit: str):
        cached = self._unit_cache.get(unit)
        if cached is None:
            if unit == "word":
                spans = self.words()
            elif unit == "sentence":
                spans = self.sentences()
            else:
                spans = [(b.start, b.end) for b in self.blocks]
            cached = self._unit_cache[unit] = (spans, [s for s, _ in spans], [e for _, e in spans])
        return cached

    def unit_at(self, unit: str, pos: int) -> tuple[int, int] | None:
        """The unit containing ``pos``, else the next one, else the last one."""
        spans, starts, _ = self._unit_index(unit)
        if not spans:
            return None
        i = bisect_right(starts, pos) - 1
        if i >= 0 and spans[i][0] <= pos < spans[i][1]:
            return spans[i]
        return spans[min(i + 1, len(spans) - 1)]

    def next_start(self, unit: str, pos: int) -> int:
        spans, starts, _ = self._unit_index(unit)
        i = bisect_right(starts, pos)
        return spans[i][0] if i < len(spans) else pos

    def prev_start(self, unit: str, pos: int) -> int:
        spans, starts, _ = self._unit_index(unit)
        i = bisect_left(starts, pos) - 1
        return spans[i][0] if i >= 0 else (spans[0][0] if spans else 0)

    def prev_end(self, unit: str, pos: int) -> int:
        spans, _, ends = self._unit_index(unit)
        i = bisect_left(ends, pos) - 1
        return spans[i][1] if i >= 0 else pos

    def next_end(self, unit: str, pos: int) -> int:
        spans, _, ends = self._unit_index(unit)
        i = bisect_right(ends, pos)
        return spans[i][1] if i < len(spans) else pos


class Layout:
    """Display lines of a document at one width: a header line per turn, wrapped text, a blank
    line between blocks. Maps offsets to lines and back."""

    def __init__(self, doc: DocModel, width: int):
        self.width = width
        lines: list[Line] = []
        for b in doc.blocks:
            if lines:
                lines.append(Line(BLANK, b.index))
            if b.speaker or b.timestamp_ms is not None:
                lines.append(Line(HEADER, b.index, b.start, b.start))
            for s, e in wrap(doc.text, b.start, b.end, width, doc.uniform):
                lines.append(Line(TEXT, b.index, s, e))
        self.lines = lines
        self._text_rows = [i for i, ln in enumerate(lines) if ln.kind == TEXT]
        self._text_starts = [lines[i].start for i in self._text_rows]
        self._header_rows = {ln.block: i for i, ln in enumerate(lines) if ln.kind == HEADER}
        self._first_rows: dict[int, int] = {}
        for i, ln in enumerate(lines):
            if ln.kind != BLANK:
                self._first_rows.setdefault(ln.block, i)

    def __len__(self) -> int:
        return len(self.lines)

    def row_of(self, pos: int) -> int:
        """The display row holding offset ``pos`` (text between lines belongs to the line before)."""
        if not self._text_rows:
            return 0
        i = max(0, bisect_right(self._text_starts, pos) - 1)
        return self._text_rows[i]

    def block_top(self, block: int) -> int:
        return self._first_rows.get(block, 0)

    def offset_at(self, row: int, x: int, text: str) -> int:
        """The offset under cell ``x`` of display row ``row`` (clamped into the line)."""
        row = max(0, min(row, len(self.lines) - 1)) if self.lines else 0
        if not self.lines:
            return 0
        ln = self.lines[row]
        if ln.kind != TEXT:
            j = bisect_left(self._text_rows, row)
            if j >= len(self._text_rows):
                j = len(self._text_rows) - 1
            return self.lines[self._text_rows[j]].start if self._text_rows else 0
        acc, pos = 0, ln.start
        while pos < ln.end:
            w = char_width(text[pos])
            if acc + w > x:
                return pos
            acc += w
            pos += 1
        return ln.end

    def column_of(self, pos: int, text: str) -> int:
        ln = self.lines[self.row_of(pos)]
        return text_width(text[ln.start:max(ln.start, min(pos, ln.end))])
