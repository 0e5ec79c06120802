"""Writing the summary of one matrix cell (respondent × code), next to that cell's passages:
ctrl+s saves (an empty text removes it), escape leaves it as it was. One undo step."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea


class SummaryScreen(ModalScreen):
    """Returns True when the summary changed."""

    DEFAULT_CSS = """
    SummaryScreen { align: center middle; }
    SummaryScreen > Vertical { width: 94%; height: 92%; border: round $primary; background: $surface; padding: 0 1; }
    SummaryScreen .title { text-style: bold; color: $primary; }
    SummaryScreen .hint { color: $text-muted; }
    SummaryScreen VerticalScroll { height: 1fr; border: round $panel; }
    SummaryScreen TextArea { height: 8; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, project, case: str, code: str, title: str, passages: list[dict], author: str) -> None:
        super().__init__()
        self.project, self.case, self.code, self.title_text = project, case, code, title
        self.passages, self.author = passages, author

    def compose(self) -> ComposeResult:
        old = self.project.summaries.get(self.case, self.code)
        with Vertical():
            yield Static(f"Summary: {self.title_text}", classes="title")
            yield Static(f"{len(self.passages)} passage(s) · write what this respondent says about it · "
                         "ctrl+s saves · esc cancels · an empty summary removes it", classes="hint")
            with VerticalScroll():
                text = Text()
                for p in self.passages:
                    text.append(f"{p.get('document_name', '')} · {p.get('speaker', '')}\n", style="bold")
                    text.append(" ".join(p["text"].split()) + "\n\n")
                yield Static(text or Text("(no passages in this cell)", style="dim"))
            yield TextArea(old.text if old else "", id="summary-text", soft_wrap=True)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        from qualcode.errors import QualcodeError

        text = self.query_one(TextArea).text.strip()
        old = self.project.summaries.get(self.case, self.code)
        if (old.text if old else "") == text:
            self.dismiss(False)
            return
        try:
            self.project.coder = self.author
            self.project.summaries.write(self.case, self.code, text, self.author)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
