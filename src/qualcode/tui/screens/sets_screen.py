"""Sets (S): the project's sets with their members; a adds the open document to the highlighted
set (or takes it out again), r does the same for the respondents of the open document, n makes a
new set holding the open document, delete removes a set (asks first). Each change is one undo step."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError


class SetsScreen(ModalScreen):
    DEFAULT_CSS = """
    SetsScreen { align: center middle; }
    SetsScreen > Vertical { width: 90%; height: 80%; border: round $primary; background: $surface; padding: 0 1; }
    SetsScreen .title { text-style: bold; color: $primary; }
    SetsScreen .hint { color: $text-muted; }
    SetsScreen OptionList { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("a", "toggle_document", "Document in/out"),
        Binding("r", "toggle_respondents", "Respondents in/out"),
        Binding("n", "new_set", "New set"),
        Binding("delete", "delete_set", "Delete set"),
    ]

    def __init__(self, project, doc_uuid: str | None) -> None:
        super().__init__()
        self.project, self.doc_uuid = project, doc_uuid
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Sets of documents, respondents and codes", classes="title")
            yield Static("a: open document in/out · r: its respondents in/out · n: new set · delete: remove set · "
                         "usable in exports as --where set=NAME", classes="hint")
            yield OptionList(id="sets-list")

    def on_mount(self) -> None:
        self.refresh_list()
        self.query_one(OptionList).focus()

    def _respondents(self) -> list[str]:
        return list(self.project.cases.by_document().get(self.doc_uuid, [])) if self.doc_uuid else []

    def refresh_list(self) -> None:
        lst = self.query_one(OptionList)
        keep = lst.highlighted
        names = self.project.documents.names()
        cases = {c.uuid: c.name for c in self.project.cases.list()}
        tree = self.project.codebook.tree()
        self.groups = self.project.sets.all()
        lst.clear_options()
        for g in self.groups:
            t = Text(no_wrap=False)
            here = self.doc_uuid in g.documents
            t.append("● " if here else "○ ", style="bold green" if here else "dim")
            t.append(g.name, style="bold")
            if g.description:
                t.append(f" — {g.description}", style="italic")
            parts = []
            if g.documents:
                parts.append("documents: " + ", ".join(names.get(d, "?") for d in g.documents))
            if g.cases:
                parts.append("respondents: " + ", ".join(cases.get(c, "?") for c in g.cases))
            if g.codes:
                parts.append("codes: " + ", ".join(tree.path(c) for c in g.codes if c in tree))
            t.append("\n    " + (" · ".join(parts) or "(empty)"), style="dim")
            lst.add_option(Option(t, id=g.uuid))
        if self.groups:
            lst.highlighted = min(keep or 0, len(self.groups) - 1)

    def _current(self):
        lst = self.query_one(OptionList)
        if not self.groups or lst.highlighted is None:
            self.notify("no set yet: n makes one", timeout=2)
            return None
        return self.groups[lst.highlighted]

    def _change(self, fn) -> None:
        try:
            fn()
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.changed = True
        self.refresh_list()

    def action_toggle_document(self) -> None:
        g = self._current()
        if g is None or not self.doc_uuid:
            return
        if self.doc_uuid in g.documents:
            self._change(lambda: self.project.sets.remove(g.uuid, documents=[self.doc_uuid]))
        else:
            self._change(lambda: self.project.sets.add(g.name, documents=[self.doc_uuid]))

    def action_toggle_respondents(self) -> None:
        g = self._current()
        people = self._respondents()
        if g is None or not people:
            return
        if all(c in g.cases for c in people):
            self._change(lambda: self.project.sets.remove(g.uuid, cases=people))
        else:
            self._change(lambda: self.project.sets.add(g.name, cases=people))

    def action_new_set(self) -> None:
        from qualcode.tui.screens.prompts import TextPrompt

        def made(name: str | None) -> None:
            if name:
                self._change(lambda: self.project.sets.add(name, documents=[self.doc_uuid] if self.doc_uuid else []))

        self.app.push_screen(TextPrompt("New set (holds the open document)", placeholder="e.g. Wave 1"), made)

    def action_delete_set(self) -> None:
        g = self._current()
        if g is None:
            return
        from qualcode.tui.screens.prompts import Confirm

        n = len(g.documents) + len(g.cases) + len(g.codes)
        self.app.push_screen(Confirm("Delete set", f"Delete the set '{g.name}' ({n} member(s))? u undoes it.",
                                     yes="Delete", danger=True),
                             lambda yes: yes and self._change(lambda: self.project.sets.remove(g.uuid, whole=True)))

    def action_close(self) -> None:
        self.dismiss(self.changed)
