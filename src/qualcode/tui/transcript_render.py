"""Turning one display line of a transcript into a Strip: speaker headers, coded text tinted in
its code's colour, the selection and cursor, a gutter marking the passage, and a margin naming
the codes on the line (with a coloured stripe per coding, like a coding-stripe view)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from qualcode.tui.colours import Palette
from qualcode.tui.coverage import Coverage
from qualcode.tui.doc_model import HEADER, TEXT, DocModel, Layout, text_width

GUTTER = 2


def fmt_time(ms: int | None) -> str:
    if ms is None:
        return ""
    s = ms // 1000
    h, m, s = s // 3600, (s // 60) % 60, s % 60
    return f"{h}:{m:02}:{s:02}" if h else f"{m:02}:{s:02}"


def margin_width(total: int) -> int:
    """How wide the code margin is for a view ``total`` cells wide: room for a short name and
    the code's colour from 40 cells up (an 80-column terminal)."""
    if total >= 90:  # 160 columns with the document list: a 67-character text column
        return 28
    if total >= 76:
        return 20
    if total >= 54:
        return 14
    if total >= 40:
        return 12
    return 3


@dataclass
class RenderContext:
    doc: DocModel
    layout: Layout
    coverage: Coverage
    palette: Palette
    codes: dict  # code uuid -> (name, colour)
    width: int  # whole line, cells
    margin: int
    cursor: int
    selection: tuple[int, int] | None
    passage: tuple[int, int] | None
    show_cursor: bool = True
    suggested: list = ()  # (start, end, code) spans with a pending suggestion, sorted
    labels: dict | None = None  # display row -> margin_labels.Label (see margin_labels.plan_labels)

    @property
    def text_width(self) -> int:
        return max(4, self.width - GUTTER - self.margin - (1 if self.margin else 0))


def render_row(ctx: RenderContext, row: int) -> Strip:
    pal = ctx.palette
    if row >= len(ctx.layout.lines):
        return Strip([Segment(" " * ctx.width, pal.base)], ctx.width)
    ln = ctx.layout.lines[row]
    block = ctx.doc.blocks[ln.block]
    in_passage = ctx.passage is not None and ln.kind != 2 and _touches(ctx.passage, block, ln)
    suggested = ln.kind != 2 and _suggested(ctx, block, ln)
    segs = [Segment("▌" if in_passage else " ", pal.gutter), Segment("┊" if suggested else " ", pal.dim)]
    if ln.kind == HEADER:
        segs.extend(_header(ctx, block))
        segs.append(Segment(" " * (ctx.width - GUTTER - sum(text_width(s.text) for s in segs[2:])), pal.base))
    elif ln.kind == TEXT:
        segs.extend(_text(ctx, ln.start, ln.end))
        if ctx.margin:
            segs.append(Segment(" ", pal.base))
            segs.extend(_margin(ctx, ln.start, ln.end))
    else:
        segs.append(Segment(" " * (ctx.width - GUTTER), pal.base))
    return Strip(segs).adjust_cell_length(ctx.width, pal.base)


def _suggested(ctx: RenderContext, block, ln) -> bool:
    if not ctx.suggested:
        return False
    if ln.kind == HEADER:
        return any(s <= block.start < e or block.start <= s < block.end for s, e, _ in ctx.suggested)
    return any(s < max(ln.end, ln.start + 1) and e > ln.start for s, e, _ in ctx.suggested)


def _touches(passage: tuple[int, int], block, ln) -> bool:
    s, e = passage
    if ln.kind == HEADER:
        return s <= block.start < e or (s == e and block.start <= s <= block.end)
    return ln.start < e and ln.end > s or (ln.start == ln.end and s <= ln.start <= e)


def _header(ctx: RenderContext, block) -> list[Segment]:
    pal = ctx.palette
    out = []
    name = block.speaker or ""
    if name:
        out.append(Segment(name, pal.speaker if block.respondent else pal.interviewer))
    ts = fmt_time(block.timestamp_ms)
    if ts:
        out.append(Segment(("  " if name else "") + ts, pal.dim))
    if block.turn is not None:
        out.append(Segment(f"  #{block.turn + 1}", pal.dim))
    room = ctx.width - GUTTER
    used = 0
    clipped = []
    for seg in out:
        w = text_width(seg.text)
        if used + w > room:
            clipped.append(Segment(seg.text[: max(0, room - used)], seg.style))
            break
        clipped.append(seg)
        used += w
    return clipped


def _text(ctx: RenderContext, start: int, end: int) -> list[Segment]:
    pal, text = ctx.palette, ctx.doc.text
    cuts = {start, end}
    sel = ctx.selection
    if sel:
        cuts.update(p for p in sel if start < p < end)
    cur = ctx.cursor if ctx.show_cursor else -1
    if start <= cur <= end:
        cuts.update(p for p in (cur, cur + 1) if start < p < end)
    out: list[Segment] = []
    used = 0
    for s, e, active in ctx.coverage.segments(start, end):
        pts = sorted(p for p in cuts if s < p < e)
        for a, b in zip([s, *pts], [*pts, e]):
            style = pal.base
            if active:
                inner = min(active, key=lambda c: c.end - c.start)
                style = pal.tint(ctx.codes.get(inner.code, ("", "#7f7f7f"))[1])
                if len({c.code for c in active}) > 1:
                    style = style + Style(underline=True)
            if sel and sel[0] <= a < sel[1]:
                style = pal.selection + Style(bold=bool(active))
            if a == cur:
                style = style + pal.cursor
            piece = text[a:b].replace("\t", " ")
            out.append(Segment(piece, style))
            used += text_width(piece)
    if start == end and cur == start:
        out.append(Segment(" ", pal.base + pal.cursor))
        used += 1
    elif cur == end and ctx.show_cursor and not text[end:end + 1].strip() and end < len(text) + 1:
        if used < ctx.text_width:
            out.append(Segment(" ", pal.base + pal.cursor))
            used += 1
    if used < ctx.text_width:
        out.append(Segment(" " * (ctx.text_width - used), pal.base))
    return out


def stripe_count(coverage: Coverage, width: int) -> int:
    """How many coloured stripe columns a margin ``width`` cells wide gives this document."""
    used = max(coverage.column.values(), default=0) + 1  # margin columns this document needs
    return min(used, 3, max(1, width // 6)) if width > 3 else width - 1


def label_room(coverage: Coverage, width: int) -> int:
    """The cells left for a code's name after the stripes, a gap and (when wide) a colour chip."""
    room = width - stripe_count(coverage, width) - 1
    if room <= 2:
        return 0
    return room - (2 if width >= 20 else 0)


def _margin(ctx: RenderContext, start: int, end: int) -> list[Segment]:
    pal, width = ctx.palette, ctx.margin
    codings = ctx.coverage.overlapping(start, max(end, start + 1))
    stripes = stripe_count(ctx.coverage, width)
    cells = [Segment(" ", pal.base)] * stripes
    for c in codings:
        col = ctx.coverage.column.get(c.uuid, 0)
        colour = ctx.codes.get(c.code, ("", "#7f7f7f"))[1]
        if col < stripes:
            cells[col] = Segment("┃" if c.start >= start or c.end <= end else "│", pal.chip(colour))
        elif stripes:
            cells[-1] = Segment("+", pal.dim)
    out = list(cells)
    rest = width - stripes
    room = label_room(ctx.coverage, width)
    label = ctx.labels.get(ctx.layout.row_of(start)) if ctx.labels and room else None
    if label is None or not label.text:
        return out + [Segment(" " * max(0, rest), pal.base)]
    out.append(Segment(" ", pal.base))
    rest -= 1
    name, colour = ctx.codes.get(label.code, ("?", "#7f7f7f"))
    chips = width >= 20  # a colour swatch before the name; narrower margins colour the name itself
    if chips:
        out.append(Segment("■ " if label.first else "  ", pal.chip(colour)))
        rest -= 2
    style = (pal.base if chips else pal.chip(colour)) + Style(bold=label.first)
    out.append(Segment(label.text, style))
    rest -= text_width(label.text)
    if label.hidden and rest >= 3:
        more = f" +{label.hidden}"[:rest]
        out.append(Segment(more, pal.dim))
        rest -= len(more)
    if rest > 0:
        out.append(Segment(" " * rest, pal.base))
    return out
