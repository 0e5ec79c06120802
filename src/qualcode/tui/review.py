"""Review mode: one document, each coder's codings side by side, disagreements settled into the
``consensus`` coder's codings.

The transcript is wrapped into lines; left of each line, one column per coder (and one for the
consensus) shows whether that coder applied the *focus code* (the code of the current
disagreement) there: ``██`` green where the coders agree, red where they differ, ``··`` when the
coder applied other codes there. The current passage is highlighted; the panel on the right says
who coded what.

Keys: ``n``/``p`` next/previous disagreement; ``1``…``9`` accept that coder's version (their
spans of the code in the passage, or "not coded" if they left it out); ``a`` code the whole
passage; ``0`` settle it as not coded; ``m`` mark a new span (``←``/``→`` move its end by a word,
``shift+←``/``shift+→`` its start, ``enter`` saves, ``escape`` cancels); ``u`` undo; ``q`` close.
Every settlement is one undoable step (``qualcode undo`` too).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from qualcode.errors import QualcodeError
from qualcode.agreement.data import CONSENSUS, turn_label
from qualcode.agreement.consensus import ReviewData, review_data, settle

AGREE, DISAGREE, OTHER, CONS = Style(color="green"), Style(color="red"), Style(dim=True), Style(color="cyan")
CURRENT, MARK, DISPUTED = Style(reverse=True), Style(bgcolor="blue", color="white"), Style(underline=True)
WORD = re.compile(r"\w+", re.UNICODE)


def wrap_lines(text: str, width: int) -> list[tuple[int, int]]:
    """Display lines as ``(start, end)`` offsets: paragraphs split at newlines, then greedily
    at white space so that no line is longer than ``width`` (unless a word is)."""
    out, pos = [], 0
    width = max(10, width)
    for para in text.split("\n"):
        start, end = pos, pos + len(para)
        while end - start > width:
            cut = text.rfind(" ", start, start + width + 1)
            cut = cut if cut > start else start + width
            out.append((start, cut))
            start = cut + 1 if cut < end and text[cut] == " " else cut
        out.append((start, end))
        pos = end + 1
    return out


def word_step(text: str, pos: int, forward: bool, to_end: bool) -> int:
    """The next (or previous) word end (``to_end``) or word start from ``pos``."""
    marks = [m.end() if to_end else m.start() for m in WORD.finditer(text)]
    if forward:
        later = [m for m in marks if m > pos]
        return later[0] if later else len(text)
    earlier = [m for m in marks if m < pos]
    return earlier[-1] if earlier else 0


class ReviewScreen(Screen):
    """Review one document's disagreements and settle them into consensus."""

    DEFAULT_CSS = """
    ReviewScreen #review-title { height: 1; background: $primary; color: $text; padding: 0 1; }
    ReviewScreen #review-body { width: 1fr; }
    ReviewScreen #review-panel { width: 42; border-left: solid $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n", "move(1)", "Next"),
        Binding("p", "move(-1)", "Previous"),
        *[Binding(str(k), f"accept({k})", f"Coder {k}", show=k <= 3) for k in range(1, 10)],
        Binding("a", "whole", "Code passage"),
        Binding("0", "reject", "Not coded"),
        Binding("m", "mark", "Mark span"),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("right", "adjust(1, 1)", show=False, priority=True),
        Binding("left", "adjust(1, -1)", show=False, priority=True),
        Binding("shift+right", "adjust(0, 1)", show=False, priority=True),
        Binding("shift+left", "adjust(0, -1)", show=False, priority=True),
        Binding("enter", "save_mark", "Save span", show=False, priority=True),
        Binding("escape", "cancel_or_close", "Close", priority=True),
        Binding("q", "close", "Close"),
    ]

    def __init__(self, project, document: str, coders: list[str] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._given = project
        self.document_ref, self.coders = document, coders
        self.project = None
        self.data: ReviewData | None = None
        self.index = 0
        self.mark: list[int] | None = None
        self.rejected: set[tuple[str, int, int]] = set()  # settled as not coded this session
        self.settled_here = 0  # settlements made in this review (what u may undo)
        self.lines: list[tuple[int, int]] = []
        self.rendered = Text()

    # -- life cycle ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="review-title")
        with Horizontal():
            with VerticalScroll(id="review-body", can_focus=False):
                yield Static("", id="review-text")
            yield Static("", id="review-panel")
        yield Footer()

    def on_mount(self) -> None:
        if isinstance(self._given, (str, Path)):
            from qualcode.store.project import Project

            self.project = Project.open(self._given, coder=CONSENSUS)
            self._owned = True
        else:
            self.project, self._owned = self._given, False
        try:
            self.data = review_data(self.project, self.document_ref, self.coders)
        except QualcodeError as exc:
            self.query_one("#review-text", Static).update(str(exc))
            self.notify(str(exc), severity="error")
            return
        self.refresh_view(scroll=True)

    def on_unmount(self) -> None:
        if getattr(self, "_owned", False) and self.project is not None:
            self.project.close()
            self.project = None

    def on_resize(self) -> None:
        if self.data is not None:
            self.refresh_view()

    # -- state -----------------------------------------------------------------------------------
    @property
    def current(self):
        if self.data is None or not self.data.disagreements:
            return None
        return self.data.disagreements[self.index % len(self.data.disagreements)]

    def _reload(self) -> None:
        self.data = review_data(self.project, self.data.document, self.data.coders)
        self.index = min(self.index, max(0, len(self.data.disagreements) - 1))

    def is_settled(self, d) -> bool:
        return self.data.settled(d) or (d.code, d.start, d.end) in self.rejected

    # -- rendering -------------------------------------------------------------------------------
    def _layout(self, width: int) -> None:
        """Wrap the text and index, per display line, the codes each coder applied there."""
        data = self.data
        self.lines = wrap_lines(data.text, width)
        starts = [s for s, _ in self.lines]
        self.occupancy: dict[str, list[set[str]]] = {}
        for coder, by_code in data.spans.items():
            rows: list[set[str]] = [set() for _ in self.lines]
            for code, spans in by_code.items():
                for a, b in spans:
                    first = max(0, bisect_right(starts, a) - 1)
                    for i in range(first, len(self.lines)):
                        ls, le = self.lines[i]
                        if ls >= b:
                            break
                        if a < max(le, ls + 1) and b > ls:
                            rows[i].add(code)
            self.occupancy[coder] = rows
        self.turn_at = {}
        for n, t in enumerate(data.turns, start=1):
            self.turn_at.setdefault(max(0, bisect_right(starts, t.start) - 1), n)
        self._layout_key = (width, id(data))

    def refresh_view(self, scroll: bool = False) -> None:
        data, d = self.data, self.current
        columns = [*data.coders, CONSENSUS]
        gutter = 5 + 3 * len(columns)
        width = (self.query_one("#review-body").size.width or 80) - gutter - 2
        if getattr(self, "_layout_key", None) != (width, id(data)):
            self._layout(width)
        code = d.code if d else None
        disputed = [x for x in data.disagreements if x.code == code]
        out = Text()
        out.append(" " * 5 + "".join(f"{c[:2]:<3}" for c in data.coders) + "C\n", style="bold")
        empty = [set() for _ in self.lines]
        for i, (start, end) in enumerate(self.lines):
            turn = self.turn_at.get(i)
            out.append(f"{turn:>4} " if turn else " " * 5, style="bold cyan")
            line_disputed = any(x.start < max(end, start + 1) and x.end > start for x in disputed)
            for c in columns:
                here = self.occupancy.get(c, empty)[i]
                if code in here:
                    style = CONS if c == CONSENSUS else (DISAGREE if line_disputed else AGREE)
                    out.append("██ ", style=style)
                elif here:
                    out.append("·· ", style=OTHER)
                else:
                    out.append("   ")
            line = Text(data.text[start:end])
            for x in disputed:
                self._paint(line, start, end, x.start, x.end, DISPUTED)
            if d:
                self._paint(line, start, end, d.start, d.end, CURRENT)
            if self.mark:
                self._paint(line, start, end, self.mark[0], self.mark[1], MARK)
            out.append_text(line)
            out.append("\n")
        self.rendered = out
        self.query_one("#review-text", Static).update(out)
        self.query_one("#review-panel", Static).update(self._panel())
        self.query_one("#review-title", Static).update(self._title())
        if scroll and d:
            line_no = bisect_right([s for s, _ in self.lines], d.start)
            self.query_one("#review-body", VerticalScroll).scroll_to(y=max(0, line_no - 4), animate=False)

    @staticmethod
    def _paint(line: Text, start: int, end: int, a: int, b: int, style: Style) -> None:
        lo, hi = max(a, start) - start, min(b, end) - start
        if hi > lo:
            line.stylize(style, lo, hi)

    def _title(self) -> str:
        data = self.data
        n = len(data.disagreements)
        open_ = sum(not self.is_settled(x) for x in data.disagreements)
        where = f"{self.index + 1} of {n}" if n else "none"
        return f"Review '{data.name}': {', '.join(data.coders)} - disagreement {where}, {open_} open"

    def _panel(self) -> Text:
        data, d = self.data, self.current
        out = Text()
        if d is None:
            out.append("The coders agree on every code in this document.\n", style="bold green")
            return out
        out.append(f"{data.paths.get(d.code, d.code)}\n", style="bold")
        turn, speaker = turn_label(data.turns, [t.start for t in data.turns], d.start, d.end)
        if turn:
            out.append(f"turn {turn}" + (f" ({speaker})" if speaker else "") + ", ", style="cyan")
        out.append(f"characters {d.start}-{d.end}\n\n")
        for i, c in enumerate(data.coders, start=1):
            out.append(f"{i} {c}: ", style="bold")
            mine = [(max(a, d.start), min(b, d.end)) for a, b in data.spans.get(c, {}).get(d.code, [])
                    if a < d.end and b > d.start]
            if c in d.coded_by:
                out.append("coded " + ", ".join(f"{a}-{b}" for a, b in mine) + "\n", style=AGREE)
            elif c in d.not_coded_by:
                others = [data.paths.get(x, x) for x in data.codes_at(c, d.start, d.end) if x != d.code]
                out.append("not coded" + (f" (coded {', '.join(others)})" if others else "") + "\n", style=DISAGREE)
            else:
                out.append("did not code this document\n", style=OTHER)
        out.append("\nconsensus: ", style="bold")
        cons = [(a, b) for a, b in data.spans.get(CONSENSUS, {}).get(d.code, []) if a < d.end and b > d.start]
        if cons:
            out.append("coded " + ", ".join(f"{a}-{b}" for a, b in cons) + "\n", style=CONS)
        elif (d.code, d.start, d.end) in self.rejected:
            out.append("settled as not coded\n", style=CONS)
        else:
            out.append("open\n", style="yellow")
        if self.mark:
            out.append(f"\nmarking {self.mark[0]}-{self.mark[1]}: ←/→ end, shift+←/→ start, "
                       "enter saves, escape cancels\n", style="bold blue")
        out.append("\n1-9 accept a coder  a code passage  0 not coded\nm mark a span  n/p move  u undo",
                   style="dim")
        return out

    # -- actions ---------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("adjust", "save_mark"):
            return self.mark is not None
        return True

    def action_move(self, step: int) -> None:
        if self.current is None:
            return
        self.mark = None
        self.index = (self.index + step) % len(self.data.disagreements)
        self.refresh_view(scroll=True)

    def _settle(self, **kwargs) -> None:
        d = self.current
        if d is None:
            return
        try:
            done = settle(self.project, self.data.document, d.code, d.start, d.end, **kwargs)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        key = (d.code, d.start, d.end)
        if kwargs.get("none") or (kwargs.get("accept") and not done.added):
            self.rejected.add(key)
        else:
            self.rejected.discard(key)
        self.notify(done.description)
        self.settled_here += 1
        self.mark = None
        self._reload()
        self.index = (self.index + 1) % max(1, len(self.data.disagreements))
        self.refresh_view(scroll=True)

    def action_accept(self, k: int) -> None:
        d = self.current
        if d is None or not 1 <= k <= len(self.data.coders):
            return
        coder = self.data.coders[k - 1]
        if coder in d.coded_by:
            self._settle(accept=coder)
        elif coder in d.not_coded_by:
            self._settle(none=True)
        else:
            self.notify(f"{coder} did not code this document.", severity="warning")

    def action_whole(self) -> None:
        self._settle()

    def action_reject(self) -> None:
        self._settle(none=True)

    def action_mark(self) -> None:
        d = self.current
        if d is not None:
            self.mark = [d.start, d.end]
            self.refresh_view()

    def action_adjust(self, which: int, step: int) -> None:
        text, (start, end) = self.data.text, self.mark
        if which == 1:
            end = word_step(text, end, step > 0, to_end=True)
            self.mark = [start, max(end, start + 1)]
        else:
            start = word_step(text, start, step > 0, to_end=False)
            self.mark = [min(start, end - 1), end]
        self.refresh_view()

    def action_save_mark(self) -> None:
        if self.mark:
            self._settle(span=tuple(self.mark))

    def action_undo(self) -> None:
        if self.data is None or not self.settled_here:
            self.notify("nothing settled in this review to undo")
            return
        entry = self.project.history.undo()
        self.settled_here -= 1
        self.notify(f"undid: {entry.description}" if entry else "nothing to undo")
        self._reload()
        self.refresh_view()

    def action_cancel_or_close(self) -> None:
        if self.mark is not None:
            self.mark = None
            self.refresh_view()
        else:
            self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)


class ReviewApp(App):
    """A minimal app around :class:`ReviewScreen` for ``qualcode review``."""

    TITLE = "qualcode review"

    def __init__(self, project, document: str, coders: list[str] | None = None) -> None:
        super().__init__()
        self.args = (project, document, coders)

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(*self.args), callback=lambda _: self.exit())


def run_review(project_path: str, document: str, coders: list[str] | None = None) -> None:
    ReviewApp(project_path, document, coders).run()
