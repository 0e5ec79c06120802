"""The suggestions for the passage under the cursor: ranked codes with score and reason.

The app fills it (see :mod:`qualcode.tui.actions_suggest`) with objects that have ``code`` (a
code uuid), ``score`` (0–1) and ``reason`` (a sentence) — ``qualcode.nlp.Suggestion`` and
:class:`SuggestionItem` fit. ``a`` accepts the highlighted item, ``x`` rejects it, ``.``/``,``
highlight the next/previous one (from anywhere in the workspace); with the panel focused, the
arrows move and enter accepts. Choosing an item posts :class:`Accepted`. Until a suggester is
loaded the panel says what it is doing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class SuggestionItem:
    code: str
    score: float
    reason: str
    start: int | None = None
    end: int | None = None
    id: int | None = None  # the suggestions-log row, when logged
    document: str | None = None


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


class SuggestionsPanel(OptionList):
    DEFAULT_CSS = """
    SuggestionsPanel, SuggestionsPanel:focus { border: none; padding: 0; height: auto; max-height: 9; }
    """

    class Accepted(Message):
        def __init__(self, item) -> None:
            super().__init__()
            self.item = item

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list = []
        self.codes: dict = {}  # code uuid -> (name, colour)
        self.status = ""

    def on_mount(self) -> None:
        self.set_status("suggestions are off")

    def set_status(self, message: str) -> None:
        """Show a one-line state (loading, no suggester, nothing to suggest) instead of items."""
        self.items, self.status = [], message
        self.clear_options()
        self.add_option(Option(Text(message, style="dim italic", overflow="fold"), disabled=True))

    def set_items(self, items: list, codes: dict | None = None, empty: str = "no suggestions here") -> None:
        if codes is not None:
            self.codes = codes
        if not items:
            self.set_status(empty)
            return
        keep = self.current()
        self.items, self.status = list(items), ""
        self._render_items()
        codes_now = [it.code for it in self.items]
        self.highlighted = codes_now.index(keep.code) if keep is not None and keep.code in codes_now else 0

    def _render_items(self) -> None:
        """The code's whole name and its score (the name wraps at word boundaries, up to two
        lines), then the reason on one line cut to the panel's width."""
        import textwrap

        width = max(16, (self.scrollable_content_region.width or self.size.width or 34) - 1)
        keep = self.highlighted
        self.clear_options()
        for i, item in enumerate(self.items):
            name, colour = self.codes.get(item.code, (str(item.code), "#7f7f7f"))
            score = f" {item.score:.2f}"
            lines = textwrap.wrap(name, width - 2 - len(score), break_long_words=False) or [name]
            if len(lines) > 2:
                lines = [lines[0], _cut(" ".join(lines[1:]), width - 2 - len(score))]
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append("◇ ", style=colour)
            label.append("\n  ".join(lines))
            label.append(score, style="dim")
            if item.reason:
                label.append("\n  " + _cut(item.reason, width - 2), style="dim")
            self.add_option(Option(label, id=str(i)))
        if keep is not None and self.items:
            self.highlighted = min(keep, len(self.items) - 1)

    def on_resize(self) -> None:
        if self.items:
            self._render_items()

    def current(self):
        """The highlighted item (the top one when nothing is highlighted), or None."""
        if not self.items:
            return None
        i = self.highlighted if self.highlighted is not None else 0
        return self.items[min(max(i, 0), len(self.items) - 1)]

    def cycle(self, step: int) -> None:
        if self.items:
            i = self.highlighted if self.highlighted is not None else 0
            self.highlighted = (i + step) % len(self.items)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None and self.items:
            self.post_message(self.Accepted(self.items[int(event.option_id)]))
