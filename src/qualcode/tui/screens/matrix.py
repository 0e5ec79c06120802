"""The code matrix: codes (rows, grouped by theme) × respondents (columns), each cell the number
of that respondent's passages with the code, shaded by count like MAXQDA's Code Matrix Browser.
Arrows move, enter lists the cell's passages (enter there jumps to one), m switches between
every coder's codings and the coder's own, g groups the respondents by an attribute (the next
one each time), w keeps only the respondents that meet KEY=VALUE conditions, escape closes."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from qualcode.errors import QualcodeError
from qualcode.tui.matrix_model import CodeMatrix, build_code_matrix
from qualcode.tui.screens.passages import PassagesScreen
from qualcode.tui.wording import plural
from qualcode.tui.workspace import close_reader, open_project

LABEL_WIDTH = 34
CELL_WIDTH = 6  # five shaded cells and a gap, like the squares of a code matrix browser
NAME_WIDTH = 16  # the widest a respondent's column gets for the name


def group_heads(values: list[str], widths: list[int]) -> list[str]:
    """Each column's piece of the group line: a group's value runs on over its columns (cut
    where the group ends), each group starting with "┃"."""
    out = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        room = sum(widths[i:j + 1])
        text = ("┃" + (values[i] or "(none)")).ljust(room)
        if len(text) > room:
            text = text[: room - 1] + "…"
        pos = 0
        for k in range(i, j + 1):
            out.append(text[pos:pos + widths[k]])
            pos += widths[k]
        i = j + 1
    return out


def column_width(name: str) -> int:
    """A respondent's column: wide enough for the whole name (up to NAME_WIDTH), never narrower
    than a shaded cell."""
    return max(CELL_WIDTH, min(NAME_WIDTH, len(name) + 2))


class MatrixScreen(ModalScreen):
    """Returns (document uuid, start, end) of a passage to jump to, or None."""

    DEFAULT_CSS = """
    MatrixScreen { align: center middle; }
    MatrixScreen > Vertical { width: 98%; height: 96%; border: round $primary; background: $surface; padding: 0 1; }
    MatrixScreen .title { text-style: bold; color: $primary; height: 1; }
    MatrixScreen .hint { color: $text-muted; height: auto; }
    MatrixScreen #matrix-cell { height: 2; color: $text; }
    MatrixScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close"), Binding("m", "toggle_mine", "Mine/all"),
                Binding("s", "summary", "Summary"),
                Binding("g", "group", "Group by"), Binding("w", "where", "Where")]

    def __init__(self, path, coder: str, mine_only: bool, codes: dict, attributes: list[str] = ()) -> None:
        super().__init__()
        self.path, self.coder, self.mine_only, self.codes = path, coder, mine_only, codes
        self.attributes = list(attributes)
        self.group: str | None = None
        self.where: list[str] = []
        self.matrix: CodeMatrix | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Code matrix: codes × respondents", classes="title")
            yield Static("computing…", classes="hint", id="matrix-hint")
            yield DataTable(id="matrix-table", cursor_type="cell", fixed_columns=2, zebra_stripes=False,
                            cell_padding=0, header_height=2)
            yield Static("", id="matrix-cell")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        project = open_project(self.path)
        try:
            matrix = build_code_matrix(project, self.coder if self.mine_only else None, where=self.where,
                                       group=self.group)
        except Exception as exc:  # noqa: BLE001 - say it in the screen
            self.app.call_from_thread(self.query_one("#matrix-hint", Static).update, f"cannot build the matrix: {exc}")
            return
        finally:
            close_reader(project)
        self.app.call_from_thread(self.show, matrix)

    # -- drawing ---------------------------------------------------------------------------------
    def _shades(self):
        v = self.app.theme_variables
        bg = Color.parse(v.get("surface", v.get("background", "#1e1e1e")))
        return bg, Color.parse(v.get("primary", "#0178d4")), Color.parse(v.get("accent", "#ffa62b"))

    def _cell(self, n: int, top: int, theme: bool, width: int = CELL_WIDTH) -> Text:
        if not n:
            return Text("·".center(width - 1) + " ", style="dim")
        bg, primary, accent = self._shades()
        level = 0.2 + 0.75 * (n / max(1, top))
        shade = bg.blend(accent if theme else primary, level)
        fg = Color(255, 255, 255) if shade.brightness < 0.55 else Color(0, 0, 0)
        cell = Text(str(n).center(width - 1), style=Style(color=fg.rich_color, bgcolor=shade.rich_color, bold=theme))
        return cell.append(" ")

    def show(self, matrix: CodeMatrix) -> None:
        self.matrix = matrix
        table = self.query_one(DataTable)
        where = table.cursor_coordinate if table.row_count else None
        table.clear(columns=True)
        longest = max((4 + 2 * r.depth + len(r.label) for r in matrix.rows), default=LABEL_WIDTH)
        label_width = max(LABEL_WIDTH, min(longest + 1, 56, int(self.app.size.width * 0.4)))
        table.add_column(Text(f"{self.group or ''}\n code"), width=label_width, key="code")
        table.add_column(Text("\n   Σ "), width=CELL_WIDTH, key="total")
        widths = self.widths = [column_width(r.label) for r in matrix.columns]
        groups = group_heads([r.group for r in matrix.columns], widths) if self.group else [""] * len(widths)
        for i, r in enumerate(matrix.columns):
            w = widths[i]
            head = Text(no_wrap=True, overflow="crop")
            head.append(groups[i].ljust(w)[:w] + "\n", style="bold")
            head.append(r.label.center(w - 1))
            table.add_column(head, width=w, key=f"r{i}")
        top, top_theme = matrix.max_count(), matrix.max_count(themes=True)
        for i, row in enumerate(matrix.rows):
            theme = row.depth == 0
            colour = self.codes.get(row.code, ("", "#7f7f7f"))[1]
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(" " + "  " * row.depth)
            label.append("■ ", style=colour)
            room = label_width - 4 - 2 * row.depth
            name = row.label if len(row.label) <= room else row.label[: room - 1] + "…"
            label.append(name, style="bold" if theme else "")
            total = matrix.row_total(i)
            cells = [self._cell(matrix.count(i, c), top_theme if theme else top, theme, widths[c])
                     for c in range(len(matrix.columns))]
            table.add_row(label, Text(str(total).rjust(CELL_WIDTH - 2) + "  ", style="bold" if theme else "dim"), *cells,
                          key=str(i))
        who = f"{self.coder}'s codings" if self.mine_only else "all coders"
        extra = f" · {plural(matrix.unassigned, 'passage')} of no respondent left out" if matrix.unassigned else ""
        grouped = f"grouped by {self.group}" if self.group else "not grouped"
        kept = f"where {'; '.join(self.where)}" if self.where else "every respondent"
        self.query_one("#matrix-hint", Static).update(
            f"{plural(len(matrix.rows), 'code')} × {plural(len(matrix.columns), 'respondent')} · {who} (m) · "
            f"{grouped} (g) · {kept} (w) · enter lists a cell's passages · s writes its summary · esc closes{extra}")
        if where is not None and where.row < table.row_count:
            table.cursor_coordinate = where
        else:
            table.cursor_coordinate = (0, 2) if matrix.columns else (0, 0)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        m = self.matrix
        if m is None or not m.rows:
            return
        r, c = event.coordinate.row, event.coordinate.column - 2
        row = m.rows[r]
        theme = " (the theme and all its codes)" if row.depth == 0 else ""
        if c < 0:
            people = sum(1 for x in range(len(m.columns)) if m.count(r, x))
            text = f"{row.label}{theme}: {plural(m.row_total(r), 'passage')} by {plural(people, 'respondent')}"
        else:
            who = m.columns[c]
            n = m.count(r, c)
            group = f", {self.group} {who.group}" if self.group else ""
            text = f"{row.label}{theme} × {who.label} ({who.documents}{group}): {plural(n, 'passage')}"
        self.query_one("#matrix-cell", Static).update(Text(text, no_wrap=False))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        self.open_cell(event.coordinate.row, event.coordinate.column - 2)

    def open_cell(self, r: int, c: int) -> None:
        m = self.matrix
        if m is None or c < 0 or not m.count(r, c):
            self.notify("no passages in this cell", timeout=2)
            return
        row, who = m.rows[r], m.columns[c]
        colour = self.codes.get(row.code, ("", "#7f7f7f"))[1]
        screen = PassagesScreen(self.path, row.code, None, colour, self.coder, self.mine_only,
                                rows=m.passage_rows(r, c), title=f"Passages: {row.label} × {who.label}")
        def back(target) -> None:
            if target:
                self.dismiss(target)

        self.app.push_screen(screen, back)

    def action_summary(self) -> None:
        """Write the summary of the highlighted cell (respondent × code) next to its passages."""
        m = self.matrix
        table = self.query_one(DataTable)
        r, c = table.cursor_coordinate.row, table.cursor_coordinate.column - 2
        if m is None or c < 0 or not m.rows:
            self.notify("choose a respondent's cell first", timeout=2)
            return
        from qualcode.tui.screens.summary_screen import SummaryScreen

        ws = getattr(self.app, "ws", None)
        if ws is None:
            self.notify("summaries are written in the workspace ('qualcode tui')", severity="warning")
            return
        row, who = m.rows[r], m.columns[c]
        self.app.push_screen(SummaryScreen(ws.project, who.uuid, row.code, f"{who.label} × {row.label}",
                                           m.passage_rows(r, c), self.coder),
                             lambda changed: changed and self.notify("✓ summary saved (u undoes)", timeout=3))

    def action_toggle_mine(self) -> None:
        self.mine_only = not self.mine_only
        self.query_one("#matrix-hint", Static).update("computing…")
        self.load()

    def action_group(self) -> None:
        """Group the respondents by the next attribute (after the last one: no grouping)."""
        if not self.attributes:
            self.notify("the respondents have no attributes to group by (qualcode attributes imports them)",
                        severity="warning")
            return
        options = [None, *self.attributes]
        self.group = options[(options.index(self.group) + 1) % len(options)]
        self.query_one("#matrix-hint", Static).update("computing…")
        self.load()

    def action_where(self) -> None:
        from qualcode.tui.screens.prompts import TextPrompt

        keys = ", ".join(self.attributes) or "none yet"
        prompt = TextPrompt("Only the respondents where…", "; ".join(self.where),
                            hint=f"KEY=VALUE or KEY!=VALUE, several with ; (as qualcode export --where). "
                                 f"Attributes: {keys}. Empty shows everyone. enter applies · esc cancels",
                            placeholder="e.g. role=leraar; region!=Noord")

        def done(value: str | None) -> None:
            if value is None:
                return
            where = [w.strip() for w in value.split(";") if w.strip()]
            try:
                from qualcode.export.options import parse_where

                parse_where(where)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error")
                return
            self.where = where
            self.query_one("#matrix-hint", Static).update("computing…")
            self.load()

        self.app.push_screen(prompt, done)

    def action_close(self) -> None:
        self.dismiss(None)
