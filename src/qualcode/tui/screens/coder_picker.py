"""Choosing the coders to compare in the review: space ticks, enter applies, escape keeps the choice."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static


class CoderPicker(ModalScreen):
    """Returns the chosen coders (at least two), or None."""

    DEFAULT_CSS = """
    CoderPicker { align: center middle; }
    CoderPicker > Vertical { width: 60; height: auto; max-height: 80%; border: round $primary;
                             background: $surface; padding: 0 1; }
    CoderPicker .title { text-style: bold; color: $primary; }
    CoderPicker .hint { color: $text-muted; }
    CoderPicker SelectionList { height: auto; max-height: 20; border: none; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("enter", "apply", "Apply", priority=True)]

    def __init__(self, coders: list[tuple[str, str]], chosen: list[str]) -> None:
        """``coders``: (name, description such as '12 codings, coded fully')."""
        super().__init__()
        self.coders, self.chosen = coders, chosen

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Compare which coders?", classes="title")
            yield Static("space ticks · enter applies · esc cancels · default: who coded the document fully",
                         classes="hint")
            yield SelectionList[str](*[(f"{name}  ({info})", name, name in self.chosen) for name, info in self.coders])

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        picked = [name for name, _ in self.coders if name in self.query_one(SelectionList).selected]
        if len(picked) < 2:
            self.notify("choose at least two coders", severity="warning")
            return
        self.dismiss(picked)

    def action_cancel(self) -> None:
        self.dismiss(None)
