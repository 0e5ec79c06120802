"""Flagged codings: codings that could not be re-anchored confidently after a transcript's text
changed (``project.reviews.list()``), with the same actions as ``qualcode flagged``: place one back at
its suggested span (p) or at the selection you made in the transcript (P), discard it (d), or
look at the place in the document (enter)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualcode.errors import QualcodeError


def _clip(text: str | None, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


class FlaggedScreen(ModalScreen):
    """Returns (document uuid, start, end) to show, or None; ``self.changed`` says whether
    anything was placed or discarded."""

    DEFAULT_CSS = """
    FlaggedScreen { align: center middle; }
    FlaggedScreen > Vertical { width: 96%; height: 94%; border: round $primary; background: $surface; padding: 0 1; }
    FlaggedScreen .title { text-style: bold; color: $primary; }
    FlaggedScreen .hint { color: $text-muted; }
    FlaggedScreen OptionList, FlaggedScreen OptionList:focus { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("p", "place", "Place at suggestion"),
        Binding("P", "place_selection", "Place at my selection"),
        Binding("d", "discard", "Discard"),
        Binding("escape,q", "close", "Close"),
    ]

    def __init__(self, project, selection: tuple[str, int, int] | None = None) -> None:
        super().__init__()
        self.project, self.selection = project, selection
        self.rows: list[dict] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Flagged codings (could not be re-anchored after a text change)", classes="title")
            yield Static("", classes="hint", id="flagged-hint")
            yield OptionList(id="flagged-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    def reload(self) -> None:
        names, tree = self.project.documents.names(), self.project.codebook.tree()
        self.rows = self.project.reviews.list("open")
        lst = self.query_one(OptionList)
        keep = lst.highlighted or 0
        lst.clear_options()
        options: list = []
        for i, r in enumerate(self.rows):
            if i:
                options.append(None)
            t = Text()
            t.append(f"#{r['id']} ", style="dim")
            t.append(tree.path(r["code"]) if r["code"] in tree else r["code"], style="bold")
            t.append(f"  {names.get(r['document'], r['document'])} · {r['coder']}", style="dim")
            if r.get("reason"):
                t.append(f" · {r['reason']}", style="dim")
            t.append(f"\n  was: “{_clip(r['old_text'], 110)}”")
            if r["new_start"] is not None:
                t.append(f"\n  suggested ({r['confidence'] or 0:.2f}): “{_clip(r['new_text'], 100)}”", style="green")
            else:
                t.append("\n  no place found: select the text in the transcript, come back and press P",
                         style="yellow")
            options.append(Option(t, id=str(i)))
        lst.add_options(options)
        if self.rows:
            lst.highlighted = min(keep, len(self.rows) - 1)
        sel = "P places it at your selection · " if self.selection else ""
        self.query_one("#flagged-hint", Static).update(
            f"{len(self.rows)} open · p places a coding at its suggested span · {sel}d discards it (kept as "
            "discarded) · enter shows the place · esc closes" if self.rows else
            "Nothing to review: every coding found its place. (esc closes)")

    def current(self) -> dict | None:
        lst = self.query_one(OptionList)
        if lst.highlighted is None or not self.rows:
            return None
        opt = lst.get_option_at_index(lst.highlighted)
        return self.rows[int(opt.id)] if opt.id is not None else None

    def _do(self, fn, *args) -> None:
        try:
            result = fn(self.project, *args)
        except QualcodeError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.changed = True
        if isinstance(result, dict):
            self.notify(f"placed at {result['start']}-{result['end']}: “{_clip(result['text'], 60)}”")
        else:
            self.notify("discarded (kept in the review list as discarded)")
        self.reload()

    def action_place(self) -> None:
        from qualcode.merge.replace import place_review

        r = self.current()
        if r is not None:
            self._do(place_review, r["id"])

    def action_place_selection(self) -> None:
        from qualcode.merge.replace import place_review

        r = self.current()
        if r is None:
            return
        if not self.selection or self.selection[0] != r["document"]:
            self.notify("select the passage in that document's transcript first (enter takes you there)",
                        severity="warning")
            return
        self._do(place_review, r["id"], self.selection[1], self.selection[2])

    def action_discard(self) -> None:
        from qualcode.merge.replace import discard_review

        r = self.current()
        if r is not None:
            self._do(discard_review, r["id"])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        r = self.rows[int(event.option_id)]
        start = r["new_start"] if r["new_start"] is not None else r["old_start"]
        end = r["new_end"] if r["new_start"] is not None else None
        self.dismiss((r["document"], start or 0, end))

    def action_close(self) -> None:
        self.dismiss(None)
