"""The help screen (?): every binding, by where it works, with the keys in force."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Static

from qualcode.config import config_path
from qualcode.tui.bindings import SCOPE_TITLES, SPECS

INTRO = (
    "Move through the transcript, select a passage (or just stand in a turn), press c and pick "
    "a code — or take a suggestion from the right: a accepts it (on your selection, if you made "
    "one), x rejects it; ┊ in the gutter marks turns with a suggestion. Everything is saved at "
    "once; u undoes. R reviews agreement, X shows the code matrix, E exports. Keys can be changed "
    "in the [keys] table of {config} (binding id = keys). ctrl+p opens the command palette."
)


def keys_text(keys: str) -> str:
    return "  ".join(format_key(k.strip()) for k in keys.split(",") if k.strip())


def help_table(keymap: dict[str, str]) -> Table:
    table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold", expand=True)
    table.add_column("keys", no_wrap=True, style="bold")
    table.add_column("what it does", ratio=1)
    table.add_column("id", style="dim", no_wrap=True)
    for scope, title in SCOPE_TITLES.items():
        table.add_row(Text(title, style="bold underline"), "", "")
        recent_done = False
        for s in SPECS:
            if s.scope != scope:
                continue
            if s.id.startswith("code-recent-"):
                if recent_done:
                    continue
                recent_done = True
                table.add_row("1 … 9", "Apply one of the nine codes used last", "code-recent-N")
                continue
            table.add_row(keys_text(keymap.get(s.id, s.keys)), s.description, s.id)
        table.add_row("", "", "")
    return table


class HelpScreen(ModalScreen):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 95%; max-width: 110; height: 95%; border: round $primary;
                            background: $surface; padding: 0 1; }
    HelpScreen .title { text-style: bold; color: $primary; }
    HelpScreen .intro { color: $text-muted; margin: 0 0 1 0; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, keymap: dict[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("qualcode — keys", classes="title")
            yield Static(INTRO.format(config=config_path()), classes="intro", markup=False)
            with VerticalScroll(id="help-body"):
                yield Static(help_table(self.keymap))

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
