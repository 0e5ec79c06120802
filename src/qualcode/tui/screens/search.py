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


def _words_before(text: str, room: int) -> str:
    """The end of ``text`` in at most ``room`` characters, starting at a word (… if cut)."""
    if len(text) <= room:
        return text
    cut = text[len(text) - room + 1:]
    space = cut.find(" ")
    return "…" + (cut[space + 1:] if 0 <= space < len(cut) - 1 else cut)


def _words_after(text: str, room: int) -> str:
    if len(text) <= room:
        return text
    cut = text[: room - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut) + "…"


def hit_label(hit: dict, show_doc: bool, width: int = 110) -> Text:
    """One line per match: where (document, speaker, turn), then the match in as much of its
    context as the line holds, cut at word boundaries."""
    t = Text(no_wrap=True, overflow="ellipsis")
    where = hit["document_name"] if show_doc else ""
    if hit.get("speaker"):
        where += (" · " if where else "") + hit["speaker"]
    if hit.get("turn") is not None:
        where += f" #{hit['turn'] + 1}"
    if where:
        t.append(where + "  ", style="bold")
    before, after = hit["before"], hit["after"]
    b = " ".join(before.split()) + (" " if before[-1:].isspace() else "")
    a = (" " if after[:1].isspace() else "") + " ".join(after.split())
    match = " ".join(hit["match"].split())
    room = max(20, width - len(t.plain) - len(match))
    t.append(_words_before(b, room * 2 // 5), style="dim")
    t.append(match, style="bold reverse")
    t.append(_words_after(a, room - min(len(b), room * 2 // 5)), style="dim")
    return t


def add_turns(project, hits: list[dict]) -> None:
    """Give each hit the speaker and number of the turn it falls in."""
    from bisect import bisect_right

    by_doc: dict[str, list] = {}
    for h in hits:
        if h["document"] not in by_doc:
            by_doc[h["document"]] = project.documents.turns(h["document"])
        turns = by_doc[h["document"]]
        i = bisect_right([t.start for t in turns], h["start"]) - 1 if turns else -1
        if i >= 0 and turns[i].start <= h["start"] < max(turns[i].end, turns[i].start + 1):
            h["speaker"], h["turn"] = turns[i].speaker, turns[i].index


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
            hits = project.documents.search(query, None if self.study else self.doc_uuid, context=200)
            add_turns(project, hits)
        finally:
            close_reader(project)
        self.app.call_from_thread(self.show, query, hits)

    def show(self, query: str, hits: list[dict]) -> None:
        if query != self.query_one(Input).value:
            return
        self.hits = hits
        lst = self.query_one(OptionList)
        lst.clear_options()
        width = (lst.scrollable_content_region.width or self.app.size.width - 8) - 2
        lst.add_options([Option(hit_label(h, self.study, width), id=str(i)) for i, h in enumerate(hits)])
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
