"""Laying out a data matrix so that it reads: row order, group headings, continuation rows.

- ``sort`` / ``group_by`` an attribute: rows ordered by its value (respondents without it last),
  with ``group_by`` a heading row per value ("perspective: organisatie (N=5)").
- ``rows`` layout: a cell holds at most :data:`MAX_LINES` wrapped lines (a row stays within
  Excel's 409-point height and within one printed page); the passages that do not fit go on
  continuation rows under it ("R01 (continued)"), a passage longer than a whole cell is split at
  a word boundary. Nothing is hidden, however much a respondent said.
"""

from __future__ import annotations

MAX_LINES = 24
LINE_WIDTH = 60  # the column width of passage columns (writers.column_widths)


def lines(text: str, width: float = LINE_WIDTH) -> int:
    """About how many lines a wrapped cell of this column width needs (as the xlsx writer estimates)."""
    if not text:
        return 1
    per_line = max(1.0, width * 1.1)
    if "\n" not in text:
        return 1 + int(len(text) / per_line)
    return sum(1 + int(len(part) / per_line) for part in text.split("\n"))


def pack(parts: list[str], max_lines: int = MAX_LINES, width: float = LINE_WIDTH, with_lines: bool = False) -> list:
    """Passages (each a string) into cells of at most ``max_lines`` lines; blank line between
    passages. ``with_lines``: (cell text, its lines) pairs instead of the texts."""
    chunks: list[list[str]] = [[]]
    sizes = [0]
    used = 0
    for part in parts:
        n = lines(part, width)
        pieces = [(part, n)] if n <= max_lines else [(x, lines(x, width)) for x in _split(part, max_lines, width)]
        for piece, n in pieces:
            need = n + (1 if chunks[-1] else 0)
            if chunks[-1] and used + need > max_lines:
                chunks.append([])
                sizes.append(0)
                need, used = n, 0
            chunks[-1].append(piece)
            used += need
            sizes[-1] = used
    if with_lines:
        return [("\n\n".join(c), max(1, size)) for c, size in zip(chunks, sizes)]
    return ["\n\n".join(c) for c in chunks]


def _split(text: str, max_lines: int, width: float) -> list[str]:
    """A passage too long for one cell, cut at spaces into pieces that fit (marked with …)."""
    if lines(text, width) <= max_lines:
        return [text]
    budget = int(max_lines * width * 1.1 * 0.8)  # characters: leave room for the wrap losses
    out, rest = [], text
    while rest:
        if len(rest) <= budget and lines(rest, width) <= max_lines:
            out.append(rest)
            break
        cut = rest.rfind(" ", 0, budget)
        if cut <= budget // 2:
            cut = budget
        out.append(rest[:cut].rstrip() + " …")
        rest = "… " + rest[cut:].lstrip()
    return out


def order_rows(rows: list, key) -> list:
    """Rows sorted by ``key(row)`` (a display string; empty last), stable otherwise."""
    return sorted(rows, key=lambda r: (key(r) == "", key(r).casefold()))
