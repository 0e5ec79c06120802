"""Every memo in the study (L): memos on codings, and the memos the project keeps on codes,
documents, respondents and the project itself (``project.memos.list()``, also written with the CLI).
Type to filter; enter goes to what a memo is about (the coding's passage, the document, the
code in the codebook)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.tui.wording import plural
from qualcode.tui.workspace import close_reader, open_project

KINDS = {"coding": "on a coding", "code": "on a code", "document": "on a document", "case": "on a respondent",
         "project": "on the project"}
MANY = {"coding": "on codings", "code": "on codes", "document": "on documents", "case": "on respondents",
        "project": "on the project"}


def memo_rows(project) -> list[dict]:
    """The memos as rows: kind, target, where (a label), author, at, text, and for a coding its
    document, start, end and quote. Newest first."""
    tree = project.codebook.tree()
    names = project.documents.names()
    cases = {c.uuid: c.name for c in project.cases.list()}
    rows = []
    for c in project.codings.list():
        if c.memo:
            rows.append({"kind": "coding", "target": c.uuid, "where": f"{tree.path(c.code) if c.code in tree else '?'}"
                         f" · {names.get(c.document, '?')}", "author": c.coder, "at": c.created_at or "",
                         "text": c.memo, "document": c.document, "start": c.start, "end": c.end,
                         "quote": " ".join(c.text.split()), "code": c.code})
    for m in project.memos.list():
        if m.target_type == "code":
            where = tree.path(m.target) if m.target in tree else "a deleted code"
        elif m.target_type == "document":
            where = names.get(m.target, "a deleted document")
        elif m.target_type == "case":
            where = cases.get(m.target, "a respondent")
        elif m.target_type == "project":
            where = "the project"
        else:
            where = f"{m.target_type} {m.target or ''}".strip()
        rows.append({"kind": m.target_type, "target": m.target, "where": where, "author": m.author,
                     "at": m.updated_at or m.created_at or "", "text": m.text})
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows


def memo_label(row: dict) -> Text:
    t = Text()
    t.append(row["where"], style="bold")
    t.append(f"  {KINDS.get(row['kind'], row['kind'])} · {row['author']}", style="dim")
    if row["at"]:
        t.append(f" · {row['at'][:10]}", style="dim")
    t.append("\n")
    t.append("✎ " + row["text"].strip(), style="italic")
    if row.get("quote"):
        quote = row["quote"] if len(row["quote"]) <= 200 else row["quote"][:200].rsplit(" ", 1)[0] + " …"
        t.append(f"\n“{quote}”", style="dim")
    return t


class MemosScreen(ModalScreen):
    """Returns the chosen row (dict), or None."""

    DEFAULT_CSS = """
    MemosScreen { align: center middle; }
    MemosScreen > Vertical { width: 96%; height: 94%; border: round $primary; background: $surface; padding: 0 1; }
    MemosScreen .title { text-style: bold; color: $primary; }
    MemosScreen .hint { color: $text-muted; }
    MemosScreen Input, MemosScreen Input:focus { border: none; height: 1; padding: 0; margin: 0 0 1 0; }
    MemosScreen OptionList, MemosScreen OptionList:focus { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down", "cursor(1)", show=False, priority=True),
        Binding("up", "cursor(-1)", show=False, priority=True),
    ]

    def __init__(self, path) -> None:
        super().__init__()
        self.path = path
        self.rows: list[dict] = []
        self.shown: list[dict] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Memos", classes="title")
            yield Static("loading…", classes="hint", id="memos-hint")
            yield Input(placeholder="type to filter the memos…", id="memos-filter")
            yield OptionList(id="memos-list")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        project = open_project(self.path)
        try:
            rows = memo_rows(project)
        finally:
            close_reader(project)
        self.app.call_from_thread(self.show, rows)

    def show(self, rows: list[dict]) -> None:
        self.rows = rows
        self.refilter(self.query_one(Input).value)

    def refilter(self, query: str) -> None:
        words = query.casefold().split()
        self.shown = [r for r in self.rows
                      if all(w in f"{r['where']} {r['author']} {r['text']} {r.get('quote', '')}".casefold()
                             for w in words)]
        lst = self.query_one(OptionList)
        lst.clear_options()
        lst.add_options([Option(memo_label(r), id=str(i)) for i, r in enumerate(self.shown)])
        if self.shown:
            lst.highlighted = 0
        kinds = {}
        for r in self.rows:
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
        parts = ", ".join(f"{n} {KINDS.get(k, k) if n == 1 else MANY.get(k, k)}" for k, n in kinds.items())
        found = f" · {len(self.shown)} shown" if words else ""
        if self.rows:
            summary = f"{plural(len(self.rows), 'memo')} ({parts}){found}"
        else:
            summary = "no memos yet: m writes one on the coding under the cursor"
        self.query_one("#memos-hint", Static).update(f"{summary} · enter goes there · esc closes")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refilter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        lst = self.query_one(OptionList)
        if self.shown and lst.highlighted is not None:
            self.dismiss(self.shown[lst.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[int(event.option_id)])

    def action_cursor(self, step: int) -> None:
        lst = self.query_one(OptionList)
        if not lst.option_count:
            return
        lst.highlighted = max(0, min(lst.option_count - 1, (lst.highlighted or 0) + step))

    def action_close(self) -> None:
        self.dismiss(None)
