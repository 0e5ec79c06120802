"""Edit a code's name, English label, colour, keywords and definition in one form."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea


class CodeEditor(ModalScreen):
    """Returns a dict of the fields that changed (possibly empty), or None on cancel."""

    DEFAULT_CSS = """
    CodeEditor { align: center middle; }
    CodeEditor > Vertical { width: 90%; max-width: 100; height: 90%; border: round $primary;
                            background: $surface; padding: 0 1; }
    CodeEditor .title { text-style: bold; color: $primary; }
    CodeEditor .hint, CodeEditor .error { color: $text-muted; }
    CodeEditor .error { color: $error; }
    CodeEditor Label { margin: 1 0 0 0; color: $text-muted; }
    CodeEditor Input { border: tall $panel; height: 3; }
    CodeEditor TextArea { height: 6; }
    CodeEditor Horizontal { height: auto; align: right middle; }
    CodeEditor Button { margin: 0 0 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, code) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        c = self.code
        with Vertical():
            yield Static(f"Edit code '{c.name}'", classes="title")
            yield Static("tab moves between fields · ctrl+s saves · esc cancels", classes="hint")
            with VerticalScroll():
                yield Label("Name")
                yield Input(c.name, id="name")
                yield Label("English label")
                yield Input(c.label, id="label")
                yield Label("Colour (#rrggbb or a colour name; empty: inherit)")
                yield Input(c.colour or "", id="colour")
                yield Label("Keywords (comma-separated)")
                yield Input(", ".join(c.keywords), id="keywords")
                yield Label("Definition")
                yield TextArea(c.definition, id="definition", soft_wrap=True)
                yield Label("Include when")
                yield TextArea(c.inclusion, id="inclusion", soft_wrap=True)
                yield Label("Exclude when")
                yield TextArea(c.exclusion, id="exclusion", soft_wrap=True)
            yield Static("", classes="error", id="error")
            with Horizontal():
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#definition", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def values(self) -> dict:
        get = lambda i: self.query_one(f"#{i}", Input).value.strip()  # noqa: E731
        area = lambda i: self.query_one(f"#{i}", TextArea).text.strip()  # noqa: E731
        return {
            "name": get("name"), "label": get("label"), "colour": get("colour") or None,
            "keywords": tuple(k.strip() for k in get("keywords").split(",") if k.strip()),
            "definition": area("definition"), "inclusion": area("inclusion"), "exclusion": area("exclusion"),
        }

    def action_save(self) -> None:
        new = self.values()
        if new["colour"]:
            try:
                new["colour"] = Color.parse(new["colour"]).hex6.lower()
            except Exception:  # noqa: BLE001
                self.query_one("#error", Static).update(f"'{new['colour']}' is not a colour; try #1f77b4 or 'teal'.")
                return
        if not new["name"]:
            self.query_one("#error", Static).update("a code needs a name.")
            return
        changed = {k: v for k, v in new.items() if v != (getattr(self.code, k) or ("" if k != "colour" else None))}
        if "keywords" in changed and tuple(changed["keywords"]) == tuple(self.code.keywords):
            del changed["keywords"]
        self.dismiss(changed)

    def action_cancel(self) -> None:
        self.dismiss(None)
