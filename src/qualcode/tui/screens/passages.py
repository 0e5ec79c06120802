"""All passages of a code across the study, with context; enter jumps to one. Also shows a given
list of passages (a cell of the code matrix)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualcode.tui.workspace import close_reader, open_project


def squash(text: str) -> str:
    """White space collapsed to single spaces, keeping a space at either end if there was one."""
    core = " ".join(text.split())
    if not core:
        return " " if text else ""
    return (" " if text[:1].isspace() else "") + core + (" " if text[-1:].isspace() else "")


def _clip(text: str, n: int, tail: bool) -> str:
    text = squash(text)
    if len(text) <= n:
        return text
    return "…" + text[-n:] if tail else text[:n] + "…"


def passage_label(row: dict, colour: str, me: str | None) -> Text:
    t = Text()
    t.append(row["document_name"], style="bold")
    if row.get("speaker"):
        t.append(f" · {row['speaker']}")
    t.append(f" · {row['coder']}{' (me)' if row['coder'] == me else ''}", style="dim")
    t.append("\n")
    t.append(_clip(row["before"], 70, tail=True), style="dim")
    coded = squash(row["text"]).strip()
    if len(coded) > 360:
        coded = coded[:250] + " … " + coded[-100:]
    t.append(coded, style=f"bold underline {colour}")
    t.append(_clip(row["after"], 70, tail=False), style="dim")
    if row.get("memo"):
        t.append(f"\n✎ {row['memo']}", style="italic")
    return t


class PassagesScreen(ModalScreen):
    """Returns (document uuid, start, end) of the chosen passage, or None."""

    DEFAULT_CSS = """
    PassagesScreen { align: center middle; }
    PassagesScreen > Vertical { width: 96%; height: 94%; border: round $primary; background: $surface;
                                padding: 0 1; }
    PassagesScreen .title { text-style: bold; color: $primary; }
    PassagesScreen .hint { color: $text-muted; }
    PassagesScreen OptionList, PassagesScreen OptionList:focus { height: 1fr; border: none; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close"), Binding("s", "toggle_sub", "With sub-codes")]

    def __init__(self, path, code: str, tree, colour: str, coder: str, mine_only: bool,
                 rows: list[dict] | None = None, title: str | None = None) -> None:
        super().__init__()
        self.path, self.code, self.code_tree, self.colour = path, code, tree, colour
        self.coder, self.mine_only, self.with_sub = coder, mine_only, True
        self.given = rows  # shown as they are (nothing to load, no sub-code toggle)
        self.title_text = title or f"Passages: {tree.path(code)}"
        self.rows: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield Static("loading…", classes="hint", id="passages-hint")
            yield OptionList(id="passages-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        if self.given is not None:
            self.show(self.given)
        else:
            self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        codes = [self.code] + ([c.uuid for c in self.code_tree.descendants(self.code)] if self.with_sub else [])
        project = open_project(self.path)
        try:
            rows = project.codings.passages(codes, coder=self.coder if self.mine_only else None)
        finally:
            close_reader(project)
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[dict]) -> None:
        self.rows = rows
        lst = self.query_one(OptionList)
        lst.clear_options()
        options: list = []
        for i, r in enumerate(rows):
            if i:
                options.append(None)  # a separator line between passages
            options.append(Option(passage_label(r, self.colour, self.coder), id=str(i)))
        lst.add_options(options)
        docs = len({r["document"] for r in rows})
        who = "my codings" if self.mine_only else "all coders"
        sub = "with sub-codes" if self.with_sub else "without sub-codes"
        limit = " (first 2000)" if len(rows) >= 2000 else ""
        scope = f"{who} · {sub} (s toggles)" if self.given is None else who
        self.query_one("#passages-hint", Static).update(
            f"{len(rows)} passages{limit} in {docs} documents · {scope} · enter jumps · esc closes")
        if rows:
            lst.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        r = self.rows[int(event.option_id)]
        self.dismiss((r["document"], r["start"], r["end"]))

    def action_toggle_sub(self) -> None:
        if self.given is not None:
            return
        self.with_sub = not self.with_sub
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
