"""Study search with coding of hits (ctrl+f): every hit across the study with speaker, turn and
context; c codes the highlighted hit, A codes all hits after a look (one undo step, origin
``auto``), u undoes the last coding made here, t switches the unit (hit, sentence, turn), enter
jumps to a hit. The search itself is :func:`qualcode.retrieve.textsearch.search`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError

UNITS = ("hit", "sentence", "turn")


def study_hit_label(hit, coded: bool, width: int = 150) -> Text:
    """One line: coded mark, document · turn · speaker, and the hit in its context, fitted to ``width``."""
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append("✓ " if coded else "  ", style="bold green")
    room = max(20, width - 4)
    where_w = min(40, room // 3)
    where = f"{hit.document_name} · {hit.turn or '-'} · {hit.speaker or '?'}"
    where = where if len(where) < where_w else where[:where_w - 2] + "…"
    t.append(where.ljust(where_w), style="bold")
    match = " ".join(hit.match.split())
    left = max(0, room - where_w - len(match) - 2)
    before = " ".join(hit.before.split()) + (" " if hit.before[-1:].isspace() else "")
    after = (" " if hit.after[:1].isspace() else "") + " ".join(hit.after.split())
    b_w = min(len(before), left * 2 // 5)
    a_w = max(0, left - b_w)
    t.append(" " + before[len(before) - b_w:], style="dim")
    t.append(match, style="bold reverse")
    t.append(after[:a_w], style="dim")
    return t


class StudySearchScreen(ModalScreen):
    """Returns (document uuid, start, end) to jump to, or None. ``changed`` says whether it coded."""

    DEFAULT_CSS = """
    StudySearchScreen { align: center top; }
    StudySearchScreen > Vertical { width: 98%; height: 90%; margin: 1 0 0 0; border: round $primary;
                                   background: $surface; padding: 0 1; }
    StudySearchScreen .hint { color: $text-muted; }
    StudySearchScreen Input, StudySearchScreen Input:focus { border: none; height: 1; padding: 0; margin: 0 0 1 0; }
    StudySearchScreen OptionList, StudySearchScreen OptionList:focus { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("c", "code_one", "Code hit"),
        Binding("A", "code_all", "Code all"),
        Binding("u", "undo", "Undo"),
        Binding("t", "unit", "Unit"),
        Binding("slash", "edit_query", "Search", show=False),
    ]

    def __init__(self, project, codes: dict, coder: str, query: str = "") -> None:
        super().__init__()
        self.project, self.codes, self.coder, self.initial = project, codes, coder, query
        self.hits: list = []
        self.coded: set[int] = set()
        self.unit = "hit"
        self.done_here = 0  # coding steps made in this screen (what u may undo)
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", classes="hint", id="study-hint")
            yield Input(value=self.initial, placeholder="search the whole study (enter) — 'word*' finds longer words",
                        id="study-input")
            yield OptionList(id="study-hits")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._hint()
        if self.initial:
            self.run_search(self.initial)

    def _hint(self, note: str = "") -> None:
        self.query_one("#study-hint", Static).update(
            f"Study search · {len(self.hits)} hit(s) · unit: {self.unit} (t) · c code hit · A code all · "
            f"u undo · enter jumps · / edits the search{note}")

    # -- searching --------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.run_search(event.value)
        if self.hits:
            self.query_one(OptionList).focus()

    def run_search(self, query: str) -> None:
        from qualcode.retrieve.textsearch import search

        query = query.strip()
        try:
            self.hits = search(self.project, query, whole_words=False) if len(query) >= 2 else []
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            self.hits = []
        self.coded = set()
        self._redraw()

    def _redraw(self) -> None:
        lst = self.query_one(OptionList)
        keep = lst.highlighted
        lst.clear_options()
        width = max(40, (lst.size.width or self.size.width - 6) - 4)  # room for the scroll bar
        lst.add_options([Option(study_hit_label(h, i in self.coded, width), id=str(i)) for i, h in enumerate(self.hits)])
        if self.hits:
            lst.highlighted = min(keep or 0, len(self.hits) - 1)
        self._hint()

    def action_edit_query(self) -> None:
        self.query_one(Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        h = self.hits[int(event.option_id)]
        self.dismiss((h.document, h.start, h.end))

    # -- coding -------------------------------------------------------------------------------------
    def _pick(self, title: str, then) -> None:
        from qualcode.tui.code_picker import CodePicker

        self.app.push_screen(CodePicker(self.project.codebook.tree(), self.codes, title=title), lambda uuid: uuid and then(uuid))

    def _planned(self, code: str, indexes: list[int]):
        from qualcode.retrieve.autocode import Planned, unit_span

        out, seen = [], set()
        texts: dict[str, str] = {}
        for i in indexes:
            h = self.hits[i]
            text = texts.setdefault(h.document, self.project.documents.get(h.document).text)
            s, e = unit_span(text, h, self.unit)
            if (h.document, s, e) in seen:
                continue
            seen.add((h.document, s, e))
            out.append(Planned(h.document, h.document_name, code, s, e, text[s:e], h.turn, h.speaker, h.match))
        existing = {(c.document, c.start, c.end) for c in self.project.codings.list(code=code, coder=self.coder)}
        for p in out:
            p.exists = (p.document, p.start, p.end) in existing
        return out

    def _apply(self, code: str, indexes: list[int], origin: str) -> None:
        from qualcode.store.codings import NewCoding

        planned = [p for p in self._planned(code, indexes) if not p.exists]
        if not planned:
            self.notify("already coded", timeout=2)
            return
        name = self.project.codebook.tree().by_uuid[code].name
        items = [NewCoding(p.document, code, self.coder, p.start, p.end, origin=origin) for p in planned]
        try:
            added, _ = self.project.codings.add_many(items, skip_duplicates=True,
                                                description=f"coded {len(items)} search hit(s) as '{name}'")
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        if added:
            self.done_here += 1
            self.changed = True
        self.coded.update(indexes)
        self._redraw()
        self.notify(f"✓ coded {len(added)} passage(s) as {name}", timeout=3)

    def action_code_one(self) -> None:
        lst = self.query_one(OptionList)
        if not self.hits or lst.highlighted is None:
            return
        i = lst.highlighted
        self._pick("Code this hit", lambda code: self._apply(code, [i], "human"))

    def action_code_all(self) -> None:
        if not self.hits:
            return
        from qualcode.tui.screens.prompts import Confirm

        def chosen(code: str) -> None:
            planned = self._planned(code, list(range(len(self.hits))))
            new = sum(1 for p in planned if not p.exists)
            name = self.project.codebook.tree().by_uuid[code].name
            self.app.push_screen(
                Confirm("Code all hits", f"Code {new} passage(s) ({self.unit}s of {len(self.hits)} hits) as "
                                         f"'{name}'? One undo step (u)."),
                lambda yes: yes and self._apply(code, list(range(len(self.hits))), "auto"))

        self._pick(f"Code all {len(self.hits)} hits", chosen)

    def action_undo(self) -> None:
        if not self.done_here:
            self.notify("nothing coded here to undo", timeout=2)
            return
        entry = self.project.history.undo()
        self.done_here -= 1
        self.coded = set()
        self._redraw()
        self.notify(f"undid: {entry.description}" if entry else "nothing to undo", timeout=3)

    def action_unit(self) -> None:
        self.unit = UNITS[(UNITS.index(self.unit) + 1) % len(UNITS)]
        self._hint()

    def action_cancel(self) -> None:
        self.dismiss(None)
