"""Writing tables as .xlsx, .csv, .md and .html — atomically, and never as formulas.

A :class:`Table` is a plain list of rows with a kind per column; each writer lays it out the way a
researcher would by hand: in .xlsx a bold frozen header row and first column, wrapped text,
widths by content; in .md and .html one section per table.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.domain.cells import RISKY, csv_text, plain
from qualcode.domain.cells import safe as csv_safe
from qualcode.errors import ProjectError
from qualcode.export.progress import of
from qualcode.store.files import atomic_output

XLSX_CELL_LIMIT = 32767
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
KIND_WIDTH = {"key": 24, "attr": 16, "text": 60, "number": 11, "percent": 11, "percent1": 11, "decimal": 11,
              "short": 30}
NUMERIC = ("number", "percent", "percent1", "decimal")


@dataclass
class Table:
    title: str  # sheet name / section heading
    columns: list[str]
    rows: list[list]
    kinds: list[str] = field(default_factory=list)  # per column: key, attr, short, text, number, percent, percent1, decimal
    caption: str = ""
    bold_rows: set[int] = field(default_factory=set)  # row indexes to set in bold (e.g. top 3)
    band_rows: set[int] = field(default_factory=set)  # row indexes shaded as group headings
    freeze_columns: int = 1
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> number format
    text_width: float = 60  # width of the passage ("text") columns in .xlsx
    row_lines: list[int] | None = None  # wrapped lines per row, when the table's maker knows them

    def kind(self, i: int) -> str:
        return self.kinds[i] if i < len(self.kinds) else "attr"

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


# -- files -------------------------------------------------------------------------------------------
@contextmanager
def atomic_path(target: str | Path):
    """Yield a temporary path next to ``target``; it replaces ``target`` only if the block succeeds
    (never a project file, never into a missing folder: :mod:`qualcode.store.files`)."""
    with atomic_output(target) as tmp:
        yield tmp


def atomic_write_text(target: str | Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")


def check_suffix(path: str | Path, allowed: tuple[str, ...], what: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise ProjectError(f"{path}: {what} can be written as {', '.join(allowed)}; "
                           f"choose an output name ending in one of those (not '{suffix or 'no suffix'}').")
    return suffix


def write_tables(path: str | Path, tables: list[Table], title: str, about: list[tuple[str, str]] = (),
                 allowed=(".xlsx", ".csv", ".md", ".html"), progress=None) -> Written:
    """Write ``tables`` in the format the suffix names. CSV holds one table per file: the first
    goes to ``path``, further ones to ``path`` with the table title added to the name."""
    suffix = check_suffix(path, allowed, title)
    path = Path(path)
    if suffix == ".xlsx":
        return Written([path], write_xlsx(path, tables, about, progress))
    if suffix == ".csv":
        out = []
        for i, table in enumerate(tables):
            target = path if i == 0 else path.with_name(f"{path.stem}_{slug(table.title)}{path.suffix}")
            write_csv(target, table)
            out.append(target)
        return Written(out)
    text = markdown(tables, title, about) if suffix == ".md" else html_page(tables, title, about)
    atomic_write_text(path, text)
    return Written([path])


@dataclass
class Written:
    """What an export wrote: the files, and how many xlsx cells had to be cut at Excel's limit."""

    paths: list[Path]
    truncated: int = 0
    notes: list[str] = field(default_factory=list)  # warnings and reports for the user (one sentence each)


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "_", text.casefold()).strip("_")[:40] or "table"


# -- cells ---------------------------------------------------------------------------------------------
def write_csv(path: str | Path, table: Table) -> None:
    text = csv_text(table.columns, table.rows)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8-sig", newline="")


def xlsx_text(value: str) -> tuple[str, bool]:
    """(cell text, truncated?) within Excel's limit, without characters XML cannot hold."""
    value = _ILLEGAL.sub("", value)
    if len(value) <= XLSX_CELL_LIMIT:
        return value, False
    note = "\n\n[… cut here: Excel holds at most 32,767 characters per cell; see the CSV or Markdown export]"
    return value[: XLSX_CELL_LIMIT - len(note)] + note, True


NUMBER_FORMATS = {"percent": "0%", "percent1": "0.0%", "decimal": "0.000"}


def write_xlsx(path: str | Path, tables: list[Table], about: list[tuple[str, str]] = (), progress=None) -> int:
    """Write one sheet per table (plus an 'About' sheet). Returns how many cells were cut short.

    Every sheet is set up to print: landscape A4, fitted to the page width, the header row (and
    the first column) repeated on every page. Text cells are always string cells (never formulas).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    band_fill = PatternFill("solid", fgColor="EEF2F7")
    rule = Border(bottom=Side(style="thin", color="8899AA"))
    wb = Workbook(write_only=True)
    cells = _CellMaker(wb)
    used_titles: set[str] = set()

    for table in tables:
        ws = wb.create_sheet(sheet_title(table.title, used_titles))
        cells.attach(ws)
        widths = column_widths(table)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = f"{get_column_letter(table.freeze_columns + 1)}2"
        _print_setup(ws, table, widths)
        header = cells.style(bold, header_fill, wrap, rule)
        ws.append([cells.make(h, header) for h in table.columns])
        text_columns = [(i, w) for i, w in enumerate(widths) if table.kind(i) in ("text", "short")]
        # per column: the style of a plain row, a bold row and a band (group heading) row
        plain_styles, bold_styles, band_styles = [], [], []
        for i in range(len(table.columns)):
            kind = table.kind(i)
            align = wrap if kind in ("text", "key", "short") else top
            number_format = NUMBER_FORMATS.get(kind)
            first = bold if i < table.freeze_columns else None
            plain_styles.append(cells.style(first, None, align, None, number_format))
            bold_styles.append(cells.style(bold, None, align, None, number_format))
            band_styles.append(cells.style(bold, band_fill, align, None, number_format))
        formats = table.formats
        make = cells.make
        known = table.row_lines
        heights = cells.heights(ws)
        for r, row in enumerate(of(progress).track(table.rows, f"writing sheet '{table.title}'")):
            if known is not None:
                lines = known[r]
            elif text_columns:
                lines = max(_lines(row[i], w) if i < len(row) else 1 for i, w in text_columns)
            else:
                lines = 1
            if lines > 1:
                heights[r + 2] = {"ht": str(min(409, 15 * lines + 4)), "customHeight": "1"}
            styles = band_styles if r in table.band_rows else bold_styles if r in table.bold_rows else plain_styles
            if formats:
                out = []
                for i, value in enumerate(row):
                    fmt = formats.get((r, i))
                    out.append(make(value, cells.with_format(styles[i], fmt) if fmt else styles[i]))
                ws.append(out)
            else:
                ws.append([make(value, styles[i]) for i, value in enumerate(row)])
        if table.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    if about:
        ws = wb.create_sheet(sheet_title("About", used_titles))
        cells.attach(ws)
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 80
        label_style, value_style = cells.style(bold, None, top), cells.style(None, None, wrap)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for r, (label, value) in enumerate(about, start=1):
            lines = _lines(str(value), 80)
            if lines > 1:
                ws.row_dimensions[r].height = min(409, 15 * lines + 4)
            ws.append([cells.make(label, label_style), cells.make(value, value_style)])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return cells.cut


PAGE_WIDTH = 150  # column-width units across a landscape A4 page at 100 % (27.7 cm of ~0.19 cm)
MIN_SCALE = 0.75  # fitting more on a page than this makes 11 pt text too small to read


def _print_setup(ws, table: Table, widths: list[float]) -> None:
    """Landscape A4, header row (and key columns) on every page, as many pages wide as it takes
    to print at no less than 75 % — one page wide for tables that fit."""
    import math

    repeated = sum(widths[: table.freeze_columns])
    total = sum(widths)
    per_page = PAGE_WIDTH / MIN_SCALE
    pages = 1 if total <= per_page else math.ceil((total - repeated) / max(1.0, per_page - repeated))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = pages
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    if table.freeze_columns and len(widths) > table.freeze_columns:
        from openpyxl.utils import get_column_letter

        ws.print_title_cols = f"A:{get_column_letter(table.freeze_columns)}"
    ws.print_options.gridLines = True


class _CellMaker:
    """Cells for openpyxl's write-only sheets, made directly.

    ``ws.append`` would bind every value again (and a string starting with '=' would become a
    formula); here text is always a string cell, each style combination is one shared StyleArray
    whose id is looked up once, and rows go to the writer without openpyxl re-wrapping each cell
    (a third of the time of a large sheet)."""

    def __init__(self, wb):
        from openpyxl.cell.cell import Cell

        class _Cell(Cell):
            __slots__ = ("_sid",)

            @property
            def style_id(self):
                return self._sid

            @property
            def has_style(self):
                return self._sid != 0

        self.wb = wb
        self._cls = _Cell
        self.ws = None
        self.cut = 0
        self._styles: dict[tuple, tuple] = {}

    def attach(self, ws) -> None:
        self.ws = ws

        def values_to_row(values, row_idx):
            for col_idx, cell in enumerate(values, 1):
                cell.column = col_idx
                cell.row = row_idx
                yield cell

        ws._values_to_row = values_to_row  # our cells are final: no re-binding per value

    @staticmethod
    def heights(ws) -> dict:
        """Row heights as the row attributes openpyxl's writer merges in (``{"ht": …}``): a
        RowDimension per row costs more than the row's cells."""
        plain_rows: dict[int, dict] = {}
        ws.row_dimensions = plain_rows  # write-only sheets read it only as ``get(row, {})``
        return plain_rows

    def style(self, font=None, fill=None, align=None, border=None, number_format=None, quote=False) -> tuple:
        """(StyleArray, its id in the workbook, the arguments) for this combination."""
        key = (id(font), id(fill), id(align), id(border), number_format, quote)
        found = self._styles.get(key)
        if found is None:
            from openpyxl.cell import WriteOnlyCell

            c = WriteOnlyCell(self.ws)
            for attr, val in (("font", font), ("fill", fill), ("alignment", align), ("border", border),
                              ("number_format", number_format), ("quotePrefix", quote)):
                if val:
                    setattr(c, attr, val)
            sid = self.wb._cell_styles.add(c._style) if any(c._style) else 0
            found = (c._style, sid, (font, fill, align, border, number_format))
            self._styles[key] = found
        return found

    def with_format(self, style: tuple, number_format: str) -> tuple:
        font, fill, align, border, _ = style[2]
        return self.style(font, fill, align, border, number_format)

    def make(self, value, style: tuple):
        cell = self._cls.__new__(self._cls)
        cell.parent = self.ws
        cell._hyperlink = None
        cell._comment = None
        if value is None or value == "":
            cell._value = None
            cell.data_type = "n"
        elif isinstance(value, str) or not isinstance(value, (int, float)) or isinstance(value, bool):
            text = value if isinstance(value, str) else str(plain(value))
            if len(text) > XLSX_CELL_LIMIT or _ILLEGAL.search(text):
                text, was_cut = xlsx_text(text)
                self.cut += was_cut
            cell._value = text
            cell.data_type = "s"  # never a formula
            if text.startswith(RISKY):
                font, fill, align, border, number_format = style[2]
                style = self.style(font, fill, align, border, number_format, True)
        else:
            cell._value = value
            cell.data_type = "n"
        cell._style = style[0]
        cell._sid = style[1]
        return cell


def _lines(value, width: float) -> int:
    """About how many lines a wrapped cell needs at this column width."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1.0, width * 1.1)  # as matrix_layout.lines (Calibri/Carlito 11: ~1.15 characters per unit)
    if "\n" not in value:
        return 1 + int(len(value) / per_line)
    return sum(1 + int(len(part) / per_line) for part in value.split("\n"))


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\ ."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Sheet"
    base = base[:31]
    name, n = base, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.casefold())
    return name


def _longest_line(value) -> int:
    text = str(value)
    return max(len(line) for line in text.split("\n")) if "\n" in text else len(text)


def column_widths(table: Table) -> list[float]:
    """Widths from the content: wide wrapped columns for passages, snug ones for attributes."""
    out = []
    sample = table.rows[:500]
    for i, name in enumerate(table.columns):
        kind = table.kind(i)
        if kind == "text" and any(i < len(row) and len(str(row[i])) > 40 for row in sample):
            out.append(table.text_width)  # passages: the wide wrapped column
            continue
        longest = max([len(str(name))] + [min(_longest_line(row[i]), 200) for row in sample if i < len(row)])
        if kind == "text":
            width = table.text_width if longest > 40 else max(14, longest + 2)
        else:
            cap = KIND_WIDTH.get(kind, 16) + 16
            width = max(8, min(cap, longest + 2))
        out.append(width)
    return out


# -- markdown and html -------------------------------------------------------------------------------
def md_cell(value) -> str:
    text = str(plain(value))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def markdown(tables: list[Table], title: str, about: list[tuple[str, str]] = ()) -> str:
    out = [f"# {title}", ""]
    for label, value in about:
        out.append(f"- **{label}**: {value}")
    if about:
        out.append("")
    for table in tables:
        if len(tables) > 1:
            out += [f"## {table.title}", ""]
        if table.caption:
            out += [table.caption, ""]
        out.append("| " + " | ".join(md_cell(c) for c in table.columns) + " |")
        out.append("|" + "|".join("---:" if table.kind(i) in NUMERIC else "---"
                                  for i in range(len(table.columns))) + "|")
        for r, row in enumerate(table.rows):
            cells = [md_cell(format_value(v, table.kind(i))) for i, v in enumerate(row)]
            if r in table.bold_rows or r in table.band_rows:
                cells = [f"**{c}**" if c else c for c in cells]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def format_value(value, kind: str) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "percent":
            return f"{value:.0%}"
        if kind == "percent1":
            return f"{value:.1%}"
        if kind == "decimal":
            return f"{value:.3f}"
    return str(plain(value))


HTML_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccd; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #dde4ee; position: sticky; top: 0; }
td.text { min-width: 24em; max-width: 48em; white-space: pre-wrap; }
td.number, td.percent, td.percent1, td.decimal { text-align: right; }
tr.band td { background: #eef2f7; font-weight: bold; }
tr.bold td { font-weight: bold; }
td:first-child { font-weight: bold; }
"""


def html_page(tables: list[Table], title: str, about: list[tuple[str, str]] = ()) -> str:
    e = html.escape
    out = ["<!DOCTYPE html>", '<html><head><meta charset="utf-8">', f"<title>{e(title)}</title>",
           f"<style>{HTML_STYLE}</style></head><body>", f"<h1>{e(title)}</h1>"]
    if about:
        out.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in about) + "</dl>")
    for table in tables:
        if len(tables) > 1:
            out.append(f"<h2>{e(table.title)}</h2>")
        if table.caption:
            out.append(f"<p>{e(table.caption)}</p>")
        out.append("<table><thead><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in table.columns) + "</tr></thead><tbody>")
        for r, row in enumerate(table.rows):
            cls = ' class="band"' if r in table.band_rows else (' class="bold"' if r in table.bold_rows else "")
            cells = "".join(f'<td class="{table.kind(i)}">{e(format_value(v, table.kind(i)))}</td>'
                            for i, v in enumerate(row))
            out.append(f"<tr{cls}>{cells}</tr>")
        out.append("</tbody></table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
