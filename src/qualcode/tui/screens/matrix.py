"""The code matrix: codes (rows, grouped by theme) × respondents (columns), each cell the number
of that respondent's passages with the code, shaded by count like MAXQDA's Code Matrix Browser.
Arrows move, enter lists the cell's passages (enter there jumps to one), m switches between
every coder's codings and the coder's own, escape closes."""

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

from qualcode.tui.matrix_model import CodeMatrix, build_code_matrix
from qualcode.tui.screens.passages import PassagesScreen
from qualcode.tui.workspace import close_reader, open_project

LABEL_WIDTH = 34
CELL_WIDTH = 6  # five shaded cells and a gap, like the squares of a code matrix browser


class MatrixScreen(ModalScreen):
    """Returns (document uuid, start, end) of a passage to jump to, or None."""

    DEFAULT_CSS = """
    MatrixScreen { align: center middle; }
    MatrixScreen > Vertical { width: 98%; height: 96%; border: round $primary; background: $surface; padding: 0 1; }
    MatrixScreen .title { text-style: bold; color: $primary; height: 1; }
    MatrixScreen .hint { color: $text-muted; height: 1; }
    MatrixScreen #matrix-cell { height: 2; color: $text; }
    MatrixScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close"), Binding("m", "toggle_mine", "Mine/all"),
                Binding("s", "summary", "Summary")]

    def __init__(self, path, coder: str, mine_only: bool, codes: dict) -> None:
        super().__init__()
        self.path, self.coder, self.mine_only, self.codes = path, coder, mine_only, codes
        self.matrix: CodeMatrix | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Code matrix: codes × respondents", classes="title")
            yield Static("computing…", classes="hint", id="matrix-hint")
            yield DataTable(id="matrix-table", cursor_type="cell", fixed_columns=2, zebra_stripes=False,
                            cell_padding=0)
            yield Static("", id="matrix-cell")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        project = open_project(self.path)
        try:
            matrix = build_code_matrix(project, self.coder if self.mine_only else None)
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

    def _cell(self, n: int, top: int, theme: bool) -> Text:
        if not n:
            return Text("·".center(CELL_WIDTH - 1) + " ", style="dim")
        bg, primary, accent = self._shades()
        level = 0.2 + 0.75 * (n / max(1, top))
        shade = bg.blend(accent if theme else primary, level)
        fg = Color(255, 255, 255) if shade.brightness < 0.55 else Color(0, 0, 0)
        cell = Text(str(n).center(CELL_WIDTH - 1), style=Style(color=fg.rich_color, bgcolor=shade.rich_color, bold=theme))
        return cell.append(" ")

    def show(self, matrix: CodeMatrix) -> None:
        self.matrix = matrix
        table = self.query_one(DataTable)
        where = table.cursor_coordinate if table.row_count else None
        table.clear(columns=True)
        table.add_column(" code", width=LABEL_WIDTH, key="code")
        table.add_column("   Σ ", width=CELL_WIDTH, key="total")
        for i, r in enumerate(matrix.columns):
            table.add_column(r.label[:CELL_WIDTH - 1].center(CELL_WIDTH - 1), width=CELL_WIDTH, key=f"r{i}")
        top, top_theme = matrix.max_count(), matrix.max_count(themes=True)
        for i, row in enumerate(matrix.rows):
            theme = row.depth == 0
            colour = self.codes.get(row.code, ("", "#7f7f7f"))[1]
            label = Text(no_wrap=True, overflow="ellipsis")
            label.append(" " + "  " * row.depth)
            label.append("■ ", style=colour)
            room = LABEL_WIDTH - 4 - 2 * row.depth
            name = row.label if len(row.label) <= room else row.label[: room - 1] + "…"
            label.append(name, style="bold" if theme else "")
            total = matrix.row_total(i)
            cells = [self._cell(matrix.count(i, c), top_theme if theme else top, theme)
                     for c in range(len(matrix.columns))]
            table.add_row(label, Text(str(total).rjust(CELL_WIDTH - 2) + "  ", style="bold" if theme else "dim"), *cells,
                          key=str(i))
        who = f"{self.coder}'s codings" if self.mine_only else "all coders"
        extra = f" · {matrix.unassigned} passages of no respondent left out" if matrix.unassigned else ""
        self.query_one("#matrix-hint", Static).update(
            f"{len(matrix.rows)} codes × {len(matrix.columns)} respondents · {who} (m switches) · "
            f"enter lists a cell's passages · s writes its summary · esc closes{extra}")
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
            text = f"{row.label}{theme}: {m.row_total(r)} passages by {sum(1 for x in range(len(m.columns)) if m.count(r, x))} respondents"
        else:
            who = m.columns[c]
            n = m.count(r, c)
            text = f"{row.label}{theme} × {who.label} ({who.documents}): {n} passage{'' if n == 1 else 's'}"
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

    def action_close(self) -> None:
        self.dismiss(None)
