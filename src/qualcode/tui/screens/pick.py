"""A modal list with a filter line: type to narrow, arrows to choose, enter to take, escape to cancel."""

from __future__ import annotations

from rapidfuzz import fuzz, utils
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

PICKER_CSS = """
FuzzyPicker { align: center middle; }
FuzzyPicker > Vertical {
    width: 90%; max-width: 100; height: 80%; max-height: 30;
    border: round $primary; background: $surface; padding: 0 1;
}
FuzzyPicker .title { text-style: bold; color: $primary; height: 1; }
FuzzyPicker .hint { color: $text-muted; height: auto; }
FuzzyPicker Input, FuzzyPicker Input:focus { border: none; height: 1; padding: 0; margin: 0 0 1 0; }
FuzzyPicker OptionList, FuzzyPicker OptionList:focus { border: none; height: 1fr; padding: 0; }
"""


class FuzzyPicker(ModalScreen):
    """Subclasses implement :meth:`options` (query -> list of (id, label))."""

    DEFAULT_CSS = PICKER_CSS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "cursor(1)", show=False, priority=True),
        Binding("up", "cursor(-1)", show=False, priority=True),
        Binding("pagedown", "cursor(10)", show=False, priority=True),
        Binding("pageup", "cursor(-10)", show=False, priority=True),
    ]

    def __init__(self, title: str, hint: str = "", query: str = "") -> None:
        super().__init__()
        self.title_text, self.hint, self.initial = title, hint, query

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            if self.hint:
                yield Static(self.hint, classes="hint")
            yield Input(value=self.initial, placeholder="type to filter…", id="picker-input")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._fill(self.initial)

    def options(self, query: str) -> list[tuple[str, Text | str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _fill(self, query: str) -> None:
        lst = self.query_one(OptionList)
        lst.clear_options()
        opts = self.options(query)
        lst.add_options([Option(label, id=oid) for oid, label in opts])
        if opts:
            lst.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        lst = self.query_one(OptionList)
        if lst.highlighted is not None and lst.option_count:
            self.dismiss(lst.get_option_at_index(lst.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def action_cursor(self, step: int) -> None:
        lst = self.query_one(OptionList)
        if lst.option_count:
            cur = lst.highlighted if lst.highlighted is not None else 0
            lst.highlighted = max(0, min(lst.option_count - 1, cur + step))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ListPicker(FuzzyPicker):
    """Pick one of a fixed list of (id, label, search text) items."""

    def __init__(self, title: str, items: list[tuple[str, Text | str, str]], hint: str = "") -> None:
        super().__init__(title, hint)
        self.items = items

    def options(self, query: str) -> list[tuple[str, Text | str]]:
        q = utils.default_process(query)
        if not q:
            return [(i, label) for i, label, _ in self.items]
        scored = [(fuzz.WRatio(q, utils.default_process(search)), i, label) for i, label, search in self.items]
        scored = [s for s in scored if s[0] >= 50]
        scored.sort(key=lambda s: -s[0])
        return [(i, label) for _, i, label in scored]
