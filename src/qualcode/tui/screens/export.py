"""The export screen: every ``qualcode export`` action with its options, run in a worker.

Left, the actions (matrix, quotes, frequencies, co-occurrence, tidy, charts, REFI-QDA, and any
other registered one); right, the output (prefilled under exports/ next to the project) and the
action's options as its command-line parser declares them. enter on an action or in a text field
(ctrl+s anywhere) exports; tab goes to the options; the files written are listed below.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, OptionList, ProgressBar, Select, Static
from textual.widgets.option_list import Option

from qualcode.tui import export_jobs


class ExportScreen(ModalScreen):
    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical { width: 96%; max-width: 130; height: 94%; border: round $primary;
                              background: $surface; padding: 0 1; }
    ExportScreen .title { text-style: bold; color: $primary; height: 1; }
    ExportScreen .hint { color: $text-muted; height: auto; }
    ExportScreen #export-actions, ExportScreen #export-actions:focus { width: 24; height: 1fr; border: none;
                                                                       border-right: vkey $panel; }
    ExportScreen #export-form { width: 1fr; height: 1fr; padding: 0 0 0 1; }
    ExportScreen .row { height: auto; margin: 0 0 0 0; }
    ExportScreen .label { width: 16; padding: 0 1 0 0; text-style: bold; }
    ExportScreen .field-help { color: $text-muted; margin: 0 0 1 16; height: auto; }
    ExportScreen Input, ExportScreen Input:focus { width: 1fr; border: none; height: 1; padding: 0; background: $boost; }
    ExportScreen Select { width: 1fr; }
    ExportScreen SelectCurrent { border: none; height: 1; padding: 0; }
    ExportScreen Checkbox { border: none; padding: 0; height: 1; background: transparent; }
    ExportScreen #export-body { height: 1fr; }
    ExportScreen #export-status { height: auto; max-height: 5; border-top: hkey $panel; }
    ExportScreen ProgressBar { display: none; }
    ExportScreen ProgressBar.running { display: block; }
    """
    BINDINGS = [
        Binding("ctrl+s", "run", "Export", priority=True),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, project_path, coders: list[str], attribute_keys: list[str]) -> None:
        super().__init__()
        self.project_path = project_path
        self.coders, self.attribute_keys = coders, attribute_keys
        self.exporters = export_jobs.exporters()
        self._said: list[str] = []
        self.values: dict[str, dict] = {}  # action -> the values typed, kept when switching
        self.action_name = self.exporters[0].name if self.exporters else ""
        self.running = False
        self.written: list = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Export", classes="title")
            yield Static("↑↓ choose · enter exports · tab to the options (enter in a field, or ctrl+s, exports) · esc closes", classes="hint")
            with Horizontal(id="export-body"):
                yield OptionList(*[Option(self._action_label(e), id=e.name) for e in self.exporters],
                                 id="export-actions")
                yield VerticalScroll(id="export-form", can_focus=False)
            yield ProgressBar(total=None, show_eta=False, id="export-progress")
            yield Static("", id="export-status")

    @staticmethod
    def _action_label(e) -> Text:
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(f"{e.name:<13}", style="bold")
        kinds = [s.lstrip(".") for s in e.suffixes if s != "/"]
        t.append(f"{kinds[0]}{' …' if len(kinds) > 1 else ''}" if kinds else "folder", style="dim")
        return t

    def on_mount(self) -> None:
        lst = self.query_one("#export-actions", OptionList)
        lst.highlighted = 0
        lst.focus()
        self.build_form()

    # -- the form -------------------------------------------------------------------------------
    def exporter(self):
        return next(e for e in self.exporters if e.name == self.action_name)

    def build_form(self) -> None:
        form = self.query_one("#export-form", VerticalScroll)
        form.remove_children()
        e = self.exporter()
        saved = self.values.get(e.name, {})
        widgets = [Static(e.help, classes="hint"), Static("")]
        output = saved.get("output", export_jobs.default_output(self.project_path, e))
        widgets += self._row("output", Input(output, id="opt-output"),
                             f"where to write ({', '.join(e.suffixes) if e.suffixes != ('/',) else 'a folder'})")
        for f in export_jobs.fields(e):
            value = saved.get(f.dest, f.default)
            widgets += self._row(f.label, self._widget(f, value), f.help)
        form.mount(*widgets)

    def _row(self, label: str, widget, helptext: str) -> list:
        return [Horizontal(Static(label, classes="label"), widget, classes="row"),
                Static(helptext, classes="field-help", markup=False)]

    def _widget(self, f, value):
        wid = f"opt-{f.dest}"
        if f.kind == "check":
            return Checkbox("", bool(value), id=wid)
        options = None
        if f.kind == "choice":
            options = list(f.choices)
        elif f.dest == "coder":
            options = ["all", "consensus", *[c for c in self.coders if c != "consensus"]]
        elif f.dest == "by" and self.attribute_keys:
            options = ["", *self.attribute_keys]
        if options is not None:
            value = str(value or "")
            if value not in options:
                options.insert(0, value)
            return Select([(o or "(none)", o) for o in options], value=value, allow_blank=False, id=wid)
        hint = "KEY=VALUE; another one after ;" if f.multi == "append" and f.dest == "where" else (
            "separate several with ;" if f.multi == "append" else "")
        return Input(str(value or ""), placeholder=hint, id=wid)

    def read_values(self) -> dict:
        out = {"output": self.query_one("#opt-output", Input).value}
        for f in export_jobs.fields(self.exporter()):
            w = self.query_one(f"#opt-{f.dest}")
            out[f.dest] = w.value
        return out

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "export-actions" or event.option.id == self.action_name:
            return
        if self.query("#opt-output"):
            self.values[self.action_name] = self.read_values()
        self.action_name = event.option.id
        self.build_form()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "export-actions":
            self.action_run()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    # -- running --------------------------------------------------------------------------------
    def action_run(self) -> None:
        if self.running:
            self.notify("an export is still running", timeout=2)
            return
        values = self.read_values()
        self.values[self.action_name] = values
        self.running = True
        self._said: list[str] = []
        self.app.begin_capture_print(self)  # what the action prints (the CLI's notes) comes here
        self.query_one(ProgressBar).add_class("running")
        self.query_one("#export-status", Static).update(Text(f"exporting {self.action_name}…", style="bold"))
        self.export(self.action_name, values)

    @work(thread=True, exclusive=True, group="export")
    def export(self, name: str, values: dict) -> None:
        output = values.pop("output")
        try:
            result = export_jobs.run_export(self.project_path, name, output, values)
        except Exception as exc:  # noqa: BLE001 - every error is shown, none ends the app
            self.app.call_from_thread(self.done, name, None, str(exc))
            return
        self.app.call_from_thread(self.done, name, result, None)

    def on_print(self, event) -> None:
        self._said.append(event.text)

    def done(self, name: str, result, error: str | None) -> None:
        self.running = False
        self.app.end_capture_print(self)
        said = Text.from_ansi("".join(self._said)).plain.splitlines()
        if result is not None:
            result.notes = [line.strip() for line in said if line.strip() and not line.startswith("wrote ")]
        self.query_one(ProgressBar).remove_class("running")
        status = self.query_one("#export-status", Static)
        if error:
            status.update(Text(f"✗ {error}", style="bold red"))
            self.notify(error, severity="error", timeout=6)
            return
        paths = self.written = list(result.paths)
        t = Text()
        if not paths:
            t.append("nothing written: no coded passages match (check coder and where)\n", style="yellow")
        else:
            folder = paths[0].parent
            if len(paths) > 2 and all(p.parent == folder for p in paths):
                t.append(f"✓ {name}: wrote {len(paths)} files in {folder}\n", style="bold green")
                t.append("  " + ", ".join(p.name for p in paths[:6]) + (" …" if len(paths) > 6 else "") + "\n")
            else:
                t.append(f"✓ {name}: wrote {len(paths)} file{'' if len(paths) == 1 else 's'}\n", style="bold green")
                for p in paths[:3]:
                    t.append(f"  {p}\n")
        for note in result.notes[:2]:
            t.append(f"{note}\n", style="yellow")
        status.update(t)
        if paths:
            self.notify(f"exported {name}: {paths[0]}" + (f" (+{len(paths) - 1})" if len(paths) > 1 else ""),
                        timeout=6)

    def action_close(self) -> None:
        self.dismiss(self.written or None)
