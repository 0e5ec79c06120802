"""The place for code suggestions (filled by the suggestion engine; see ``set_items``).

The workspace calls :meth:`SuggestionsPanel.set_items` with objects that have ``code`` (a code
uuid), ``score`` (0–1) and ``reason`` (a sentence), and optionally ``start``/``end`` (the span
to code; the current passage when absent) — ``qualcode.nlp.Suggestion`` fits. The app fills it
from the suggester that ``make_app(nlp_factory=...)`` builds (see :mod:`qualcode.tui.app`). Choosing an item posts :class:`Accepted`; the app
codes the passage with origin ``suggestion``. Until a suggester is loaded the panel says so.
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


class SuggestionsPanel(OptionList):
    DEFAULT_CSS = """
    SuggestionsPanel, SuggestionsPanel:focus { border: none; padding: 0; height: auto; max-height: 8; }
    """

    class Accepted(Message):
        def __init__(self, item) -> None:
            super().__init__()
            self.item = item

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list = []
        self.codes: dict = {}  # code uuid -> (name, colour)

    def on_mount(self) -> None:
        self.set_status("no suggester loaded")

    def set_status(self, message: str) -> None:
        """Show a one-line state (loading, no suggester, nothing to suggest) instead of items."""
        self.items = []
        self.clear_options()
        self.add_option(Option(Text(message, style="dim italic"), disabled=True))

    def set_items(self, items: list, codes: dict | None = None) -> None:
        if codes is not None:
            self.codes = codes
        if not items:
            self.set_status("no suggestions here")
            return
        self.items = list(items)
        self.clear_options()
        for i, item in enumerate(self.items):
            name, colour = self.codes.get(item.code, (str(item.code), "#7f7f7f"))
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append("■ ", style=colour)
            label.append(name)
            label.append(f"  {item.score:.2f}", style="dim")
            if item.reason:
                label.append(f"\n  {item.reason}", style="dim")
            self.add_option(Option(label, id=str(i)))
        self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None and self.items:
            self.post_message(self.Accepted(self.items[int(event.option_id)]))
