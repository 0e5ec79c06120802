"""Search (/): the open document or the whole study; enter jumps, n / N step through matches."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.tui.workspace import close_reader, open_project


def hit_label(hit: dict, show_doc: bool) -> Text:
    t = Text(no_wrap=True, overflow="ellipsis")
    if show_doc:
        t.append(hit["document_name"] + "  ", style="bold")
    before, after = hit["before"], hit["after"]
    b = " ".join(before.split()) + (" " if before[-1:].isspace() else "")
    a = (" " if after[:1].isspace() else "") + " ".join(after.split())
    t.append(b[-40:], style="dim")
    t.append(" ".join(hit["match"].split()), style="bold reverse")
    t.append(a[:60], style="dim")
    return t


class SearchScreen(ModalScreen):
    """Returns {"query", "study", "hits", "index"} or None."""

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical { width: 96%; height: 80%; margin: 2 0 0 0; border: round $primary;
                              background: $surface; padding: 0 1; }
    SearchScreen .hint { color: $text-muted; }
    SearchScreen Input, SearchScreen Input:focus { border: none; height: 1; padding: 0; margin: 0 0 1 0; }
    SearchScreen OptionList, SearchScreen OptionList:focus { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+t", "toggle_scope", "Document / study", priority=True),
        Binding("down", "cursor(1)", show=False, priority=True),
        Binding("up", "cursor(-1)", show=False, priority=True),
    ]

    def __init__(self, path, doc_uuid: str | None, doc_name: str, query: str = "", study: bool = False) -> None:
        super().__init__()
        self.path, self.doc_uuid, self.doc_name = path, doc_uuid, doc_name
        self.initial, self.study = query, study or doc_uuid is None
        self.hits: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", classes="hint", id="search-scope")
            yield Input(value=self.initial, placeholder="search text…", id="search-input")
            yield OptionList(id="search-hits")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._scope_hint()
        if self.initial:
            self.run_search(self.initial)

    def _scope_hint(self, note: str = "") -> None:
        where = "the whole study" if self.study else f"'{self.doc_name}'"
        self.query_one("#search-scope", Static).update(
            f"Search {where}  ·  ctrl+t: {'this document' if self.study else 'whole study'}  ·  enter jumps{note}")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True)
    def run_search(self, query: str) -> None:
        if len(query.strip()) < 2:
            self.app.call_from_thread(self.show, query, [])
            return
        project = open_project(self.path)
        try:
            hits = project.documents.search(query, None if self.study else self.doc_uuid)
        finally:
            close_reader(project)
        self.app.call_from_thread(self.show, query, hits)

    def show(self, query: str, hits: list[dict]) -> None:
        if query != self.query_one(Input).value:
            return
        self.hits = hits
        lst = self.query_one(OptionList)
        lst.clear_options()
        lst.add_options([Option(hit_label(h, self.study), id=str(i)) for i, h in enumerate(hits)])
        if hits:
            lst.highlighted = 0
        self._scope_hint(f"  ·  {len(hits)}{'+' if len(hits) >= 500 else ''} matches" if query.strip() else "")

    def _done(self, index: int) -> None:
        self.dismiss({"query": self.query_one(Input).value, "study": self.study, "hits": self.hits, "index": index})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        lst = self.query_one(OptionList)
        if self.hits and lst.highlighted is not None:
            self._done(lst.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._done(int(event.option_id))

    def action_cursor(self, step: int) -> None:
        lst = self.query_one(OptionList)
        if lst.option_count:
            lst.highlighted = max(0, min(lst.option_count - 1, (lst.highlighted or 0) + step))

    def action_toggle_scope(self) -> None:
        if self.doc_uuid is None:
            return
        self.study = not self.study
        self._scope_hint()
        self.run_search(self.query_one(Input).value)

    def action_cancel(self) -> None:
        self.dismiss(None)
