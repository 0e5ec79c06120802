"""The transcript: a line-based scroll view that renders only the visible display lines.

The document is wrapped into display lines by :class:`~qualcode.tui.doc_model.Layout` (cached
per width); each visible line is drawn on demand by :func:`render_row` and cached until the
cursor, selection or codings change. A 30,000-word focus group is a few thousand short lines,
never one big widget.
"""

from __future__ import annotations

import time

from textual import events
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qualcode.tui.bindings import bindings
from qualcode.tui.colours import Palette
from qualcode.tui.coverage import Coverage
from qualcode.tui.doc_model import TEXT, DocModel
from qualcode.tui.margin_labels import plan_labels
from qualcode.tui.transcript_render import GUTTER, RenderContext, label_room, margin_width, render_row


class TranscriptView(ScrollView, can_focus=True):
    BINDINGS = bindings("transcript")
    DEFAULT_CSS = """
    TranscriptView { overflow-y: scroll; overflow-x: hidden; scrollbar-size-vertical: 1; }
    """

    class CursorMoved(Message):
        def __init__(self, view: "TranscriptView") -> None:
            super().__init__()
            self.view = view

    class Confirmed(Message):
        """Enter: code the passage, or save the span being adjusted."""

        def __init__(self, adjusting: str | None, span: tuple[int, int] | None) -> None:
            super().__init__()
            self.adjusting, self.span = adjusting, span

    class AdjustCancelled(Message):
        pass

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.doc: DocModel | None = None
        self.coverage = Coverage([])
        self.codes: dict = {}
        self.suggested: list[tuple[int, int, str]] = []  # spans with a pending suggestion (start, end, code)
        self.cursor = 0
        self.sel_anchor: int | None = None
        self.selecting = False
        self.adjusting: str | None = None  # uuid of the coding whose span is being adjusted
        self._goal_col: int | None = None
        self._cache: dict[int, Strip] = {}
        self._palette: Palette | None = None
        self._dragging = False
        self._width = 0
        self.first_paint_at: float | None = None  # perf_counter() of the first line drawn (benchmarks)

    # -- content ---------------------------------------------------------------------------------
    def load(self, doc: DocModel, coverage: Coverage, codes: dict, cursor: int | None = None) -> None:
        self.doc, self.coverage, self.codes, self.suggested = doc, coverage, codes, []
        self.sel_anchor, self.selecting, self.adjusting = None, False, None
        first = next((b for b in doc.blocks if b.turn is not None), doc.blocks[0] if doc.blocks else None)
        self.cursor = cursor if cursor is not None else (first.start if first else 0)
        self._relayout()
        self.scroll_to(y=0, animate=False)
        self._changed(scroll=True)

    def set_coverage(self, coverage: Coverage, codes: dict) -> None:
        self.coverage, self.codes = coverage, codes
        self._invalidate()

    def set_suggested(self, spans: list[tuple[int, int, str]]) -> None:
        """Mark spans that have a suggestion waiting (a neutral dotted gutter line, not a coding)."""
        spans = sorted(spans)
        if spans != self.suggested:
            self.suggested = spans
            self._invalidate()

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda *_: self._theme_changed(), init=False)

    def _theme_changed(self) -> None:
        self._palette = None
        self._invalidate()

    def palette(self) -> Palette:
        if self._palette is None:
            v = self.app.theme_variables
            bg = self.background_colors[1] if self.is_mounted else Color.parse(v.get("background", "#000000"))
            self._palette = Palette(bg, Color.parse(v.get("foreground", "#e0e0e0")),
                                    Color.parse(v.get("primary", "#0178d4")), Color.parse(v.get("accent", "#ffa62b")))
        return self._palette

    @property
    def layout_width(self) -> int:
        return max(10, self.scrollable_content_region.width)

    def _margin(self) -> int:
        return margin_width(self.layout_width)

    def _text_width(self) -> int:
        m = self._margin()
        return max(4, self.layout_width - GUTTER - m - (1 if m else 0))

    def doc_layout(self):
        if self.doc is None or not self.size.width:
            return None
        return self.doc.layout(self._text_width())

    def _relayout(self) -> None:
        if self.doc is None or not self.size.width:  # not laid out yet: on_resize will do it
            self.virtual_size = Size(0, 0)
            return
        self._width = self.layout_width
        self.virtual_size = Size(self._width, len(self.doc_layout()))
        self._invalidate()

    def on_resize(self, event: events.Resize) -> None:
        if self.doc is not None and self.size.width and self.layout_width != self._width:
            self._relayout()
            self._scroll_to_cursor(center=True)

    def _labels(self, layout) -> dict:
        """The margin's label plan for the document at this layout (kept until it changes)."""
        room = label_room(self.coverage, self._margin())
        key = (layout, self.coverage, self.codes, room)
        if getattr(self, "_label_key", None) != key:
            self._label_key, self._label_plan = key, plan_labels(layout, self.coverage, self.codes, room)
        return self._label_plan

    def _invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.doc is None:
            return Strip.blank(width, self.rich_style)
        row = y + int(self.scroll_offset.y)
        strip = self._cache.get(row)
        if strip is None:
            layout = self.doc_layout()
            ctx = RenderContext(self.doc, layout, self.coverage, self.palette(), self.codes, width,
                                self._margin(), self.cursor, self.selection(), self.passage(),
                                suggested=self.suggested, labels=self._labels(layout))
            strip = self._cache[row] = render_row(ctx, row)
            if self.first_paint_at is None:
                self.first_paint_at = time.perf_counter()
        return strip

    # -- state -----------------------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        if self.sel_anchor is None or self.sel_anchor == self.cursor:
            return None
        return (min(self.sel_anchor, self.cursor), max(self.sel_anchor, self.cursor))

    def passage(self) -> tuple[int, int] | None:
        """The selection, or else the turn (block) under the cursor."""
        sel = self.selection()
        if sel:
            return sel
        if self.doc is None:
            return None
        block = self.doc.block_at(self.cursor)
        return (block.start, block.end) if block else None

    def goto(self, start: int, end: int | None = None) -> None:
        """Put the cursor at ``start`` (selecting up to ``end``) and scroll it into the middle."""
        self.selecting = False
        self.sel_anchor = start if end is not None and end != start else None
        self.cursor = end if end is not None and end != start else start
        self._goal_col = None
        self._changed()
        self._scroll_to_cursor(center=True, row_of=start)

    def start_adjusting(self, coding) -> None:
        self.adjusting = coding.uuid
        self.sel_anchor, self.cursor, self.selecting = coding.start, coding.end, True
        self._changed(scroll=True)

    def stop_adjusting(self) -> None:
        self.adjusting, self.sel_anchor, self.selecting = None, None, False
        self._changed()

    def _changed(self, scroll: bool = False) -> None:
        if self.doc is not None:
            self.cursor = max(0, min(self.cursor, len(self.doc.text)))
        self._invalidate()
        if scroll:
            self._scroll_to_cursor()
        self.post_message(self.CursorMoved(self))

    def _scroll_to_cursor(self, center: bool = False, row_of: int | None = None) -> None:
        lay = self.doc_layout()
        if lay is None or not self.size.height:
            return
        row = lay.row_of(self.cursor if row_of is None else row_of)
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if center and not (top <= row < top + height - 1):
            self.scroll_to(y=max(0, row - height // 3), animate=False)
        elif row < top + 1:
            self.scroll_to(y=max(0, row - 2), animate=False)
        elif row >= top + height - 1:
            self.scroll_to(y=row - height + 3, animate=False)

    def _move_cursor(self, pos: int, keep_goal: bool = False) -> None:
        if not self.selecting:
            self.sel_anchor = None
        self.cursor = pos
        if not keep_goal:
            self._goal_col = None
        self._changed(scroll=True)

    # -- actions: moving -----------------------------------------------------------------------------
    def action_move(self, unit: str, direction: int) -> None:
        if self.doc is None:
            return
        unit = "block" if unit == "turn" else unit
        pos = self.doc.next_start(unit, self.cursor) if direction > 0 else self.doc.prev_start(unit, self.cursor)
        self._move_cursor(pos)
        if unit == "block":
            self.show_block(self.doc.block_at(pos))

    def show_block(self, block) -> None:
        """Scroll so the whole turn is visible if it fits, else so its header is at the top."""
        lay = self.doc_layout()
        if block is None or lay is None:
            return
        top, bottom = lay.block_top(block.index), lay.row_of(block.end)
        view_top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if top < view_top or bottom >= view_top + height:
            self.scroll_to(y=max(0, min(top - 1, bottom - height + 2)), animate=False)

    def _row_target(self, direction: int, rows: int = 1) -> int | None:
        lay = self.doc_layout()
        if lay is None:
            return None
        row = lay.row_of(self.cursor)
        if self._goal_col is None:
            self._goal_col = lay.column_of(self.cursor, self.doc.text)
        steps, r = 0, row
        while steps < rows:
            r += direction
            if r < 0 or r >= len(lay.lines):
                break
            if lay.lines[r].kind == TEXT:
                row = r
                steps += 1
        return lay.offset_at(row, self._goal_col, self.doc.text)

    def action_line(self, direction: int) -> None:
        pos = self._row_target(direction)
        if pos is not None:
            self._move_cursor(pos, keep_goal=True)

    def action_page(self, direction: int) -> None:
        pos = self._row_target(direction, max(1, self.scrollable_content_region.height - 3))
        if pos is not None:
            self._move_cursor(pos, keep_goal=True)

    def action_edge(self, direction: int) -> None:
        if self.doc and self.doc.blocks:
            self._move_cursor(self.doc.blocks[0].start if direction < 0 else self.doc.blocks[-1].end)

    # -- actions: selecting ----------------------------------------------------------------------------
    def action_select_turn(self) -> None:
        block = self.doc.block_at(self.cursor) if self.doc else None
        if block is not None:
            self.sel_anchor, self.cursor = block.start, block.end
            self._changed(scroll=True)

    def action_extend(self, unit: str, direction: int) -> None:
        if self.doc is None:
            return
        unit = "block" if unit == "turn" else unit
        if self.selection() is None:
            span = self.doc.unit_at(unit, self.cursor)
            if span is None:
                return
            self.sel_anchor, self.cursor = (span[0], span[1]) if direction > 0 else (span[1], span[0])
        elif direction > 0:
            self.cursor = (self.doc.next_end(unit, self.cursor) if self.cursor >= self.sel_anchor
                           else min(self.doc.next_start(unit, self.cursor), self.sel_anchor))
        else:
            self.cursor = (self.doc.prev_start(unit, self.cursor) if self.cursor <= self.sel_anchor
                           else max(self.doc.prev_end(unit, self.cursor), self.sel_anchor))
        self._goal_col = None
        self._changed(scroll=True)

    def action_extend_line(self, direction: int) -> None:
        pos = self._row_target(direction)
        if pos is not None:
            if self.sel_anchor is None:
                self.sel_anchor = self.cursor
            self.cursor = pos
            self._changed(scroll=True)

    def action_toggle_select(self) -> None:
        self.selecting = not self.selecting
        if self.selecting and self.sel_anchor is None:
            self.sel_anchor = self.cursor
        elif not self.selecting and not self.adjusting:
            self.sel_anchor = None
        self._changed()

    def action_swap_ends(self) -> None:
        if self.sel_anchor is not None:
            self.sel_anchor, self.cursor = self.cursor, self.sel_anchor
            self._changed(scroll=True)

    def action_clear_selection(self) -> None:
        if self.adjusting:
            self.stop_adjusting()
            self.post_message(self.AdjustCancelled())
        elif self.sel_anchor is not None or self.selecting:
            self.sel_anchor, self.selecting = None, False
            self._changed()
        else:
            self.app.action_focus_transcript()

    def action_confirm(self) -> None:
        self.post_message(self.Confirmed(self.adjusting, self.selection() or self.passage()))

    # -- mouse -----------------------------------------------------------------------------------------
    def _offset_at(self, event) -> int | None:
        lay = self.doc_layout()
        if lay is None or not lay.lines:
            return None
        row = event.y + int(self.scroll_offset.y)
        return lay.offset_at(row, max(0, event.x - GUTTER), self.doc.text)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        pos = self._offset_at(event)
        if pos is None or event.button != 1:
            return
        self.focus()
        self.cursor, self.sel_anchor, self._dragging = pos, pos, True
        self.capture_mouse()
        self._changed()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            pos = self._offset_at(event)
            if pos is not None and pos != self.cursor:
                self.cursor = pos
                self._changed(scroll=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self.sel_anchor == self.cursor and not self.adjusting:
                self.sel_anchor = None
            self._changed()

    def on_click(self, event: events.Click) -> None:
        if self.doc is None:
            return
        if event.chain == 2:
            span = self.doc.unit_at("word", self.cursor)
        elif event.chain >= 3:
            span = self.doc.unit_at("block", self.cursor)
        else:
            return
        if span:
            self.sel_anchor, self.cursor = span
            self._changed()
