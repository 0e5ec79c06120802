"""Where the margin names the codes: one label block per code, word-wrapped, never mid-word.

For each code, the display rows its codings cover are merged into runs (codings of one code in
one unbroken stack of coded lines make one run). Runs are placed in
order of their first row; each takes the free text rows of its run from the top, as many as its
name needs when wrapped at word boundaries. A run that finds fewer free rows than it needs
shortens the rest of its name at a word boundary ("Lerarentekort en…"); a run that finds none
adds a "+n" to the label that took its rows (its colour is still in the stripes). The full name
is always in the details panel.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from qualcode.tui.doc_model import TEXT


@dataclass
class Label:
    code: str
    text: str
    first: bool  # the block's first row (drawn bold, with the colour chip)
    hidden: int = 0  # other codes on these rows without a label of their own


def shorten(name: str, room: int) -> str:
    """``name`` in ``room`` cells: whole, else the words that fit and "…", else a cut word."""
    name = " ".join(name.split())
    if len(name) <= room:
        return name
    if room <= 1:
        return name[:room]
    out = ""
    for word in name.split(" "):
        candidate = f"{out} {word}" if out else word
        if len(candidate) + 1 > room:
            break
        out = candidate
    if out:
        return out.rstrip(" ,;:-/") + "…"
    return name[: room - 1] + "…"


def wrap_name(name: str, room: int, rows: int) -> list[str]:
    """``name`` over at most ``rows`` lines of ``room`` cells, broken at word boundaries."""
    if rows <= 0 or room <= 0:
        return []
    pieces = textwrap.wrap(name, room, break_long_words=False, break_on_hyphens=False) or [name]
    pieces = [p if len(p) <= room else shorten(p, room) for p in pieces]
    if len(pieces) > rows:
        rest = " ".join(textwrap.wrap(name, room, break_long_words=False)[rows - 1:])
        pieces = pieces[: rows - 1] + [shorten(rest, room)]
    return pieces


def plan_labels(layout, coverage, codes: dict, room: int) -> dict[int, Label]:
    """Display row -> the label drawn there, for the whole document at this layout."""
    if room <= 0 or not coverage.codings:
        return {}
    lines = layout.lines
    spans = [(c.code, layout.row_of(c.start), layout.row_of(max(c.start, c.end - 1))) for c in coverage.codings]
    covered: set[int] = set()
    for _, r0, r1 in spans:
        covered.update(range(r0, r1 + 1))

    def one_stack(a: int, b: int) -> bool:  # rows a..b all under some coding (or not text)
        return all(r in covered or lines[r].kind != TEXT for r in range(a, b + 1))

    runs: dict[str, list[list[int]]] = {}
    for code, r0, r1 in spans:  # in start order
        mine = runs.setdefault(code, [])
        if mine and (r0 <= mine[-1][1] + 1 or one_stack(mine[-1][1] + 1, r0 - 1)):
            mine[-1][1] = max(mine[-1][1], r1)  # same code in the same stack: one label block
        else:
            mine.append([r0, r1])
    order = sorted(((r0, -(r1 - r0), code, r1) for code, rs in runs.items() for r0, r1 in rs))
    taken: dict[int, Label] = {}
    for r0, _, code, r1 in order:
        name = codes.get(code, ("?", ""))[0]
        free: list[int] = []
        for row in range(r0, r1 + 1):
            if lines[row].kind != TEXT:
                continue
            if row in taken:
                if free:
                    break  # the block stays in one piece
                continue
            free.append(row)
        if not free:
            holder = next((taken[r] for r in range(r0, r1 + 1) if r in taken and taken[r].first), None)
            if holder is None:
                holder = next((taken[r] for r in range(r0, r1 + 1) if r in taken), None)
            if holder is not None and holder.code != code:
                holder.hidden += 1
            continue
        pieces = wrap_name(name, room, len(free))
        for i, (row, piece) in enumerate(zip(free, pieces)):
            taken[row] = Label(code, piece, i == 0)
    return taken
