"""Writing tables as .xlsx, .csv, .md and .html — atomically, and never as formulas.

A :class:`Table` is a plain list of rows with a kind per column; each writer lays it out the way a
researcher would by hand: in .xlsx a bold frozen header row and first column, wrapped text,
widths by content; in .md and .html one section per table.
"""

from __future__ import annotations

import csv
import html
import io
import re
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.export.progress import of
from qualcode.store.files import atomic_output

XLSX_CELL_LIMIT = 32767
RISKY = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
KIND_WIDTH = {"key": 24, "attr": 16, "text": 60, "number": 11, "percent": 11, "short": 30}


@dataclass
class Table:
    title: str  # sheet name / section heading
    columns: list[str]
    rows: list[list]
    kinds: list[str] = field(default_factory=list)  # per column: key, attr, short, text, number, percent
    caption: str = ""
    bold_rows: set[int] = field(default_factory=set)  # row indexes to set in bold (e.g. top 3)
    band_rows: set[int] = field(default_factory=set)  # row indexes shaded as group headings
    freeze_columns: int = 1

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


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "_", text.casefold()).strip("_")[:40] or "table"


# -- cells ---------------------------------------------------------------------------------------------
def plain(value) -> object:
    """Numbers stay numbers; everything else becomes text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    return str(value)


def csv_safe(value):
    """Spreadsheet programs run cells that begin with = + - @ as formulas; quote those as text."""
    value = plain(value)
    if isinstance(value, str) and value.startswith(RISKY):
        return "'" + value
    return value


def write_csv(path: str | Path, table: Table) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_safe(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_safe(v) for v in row])
    with atomic_path(path) as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8-sig", newline="")


def xlsx_text(value: str) -> tuple[str, bool]:
    """(cell text, truncated?) within Excel's limit, without characters XML cannot hold."""
    value = _ILLEGAL.sub("", value)
    if len(value) <= XLSX_CELL_LIMIT:
        return value, False
    note = "\n\n[… cut here: Excel holds at most 32,767 characters per cell; see the CSV or Markdown export]"
    return value[: XLSX_CELL_LIMIT - len(note)] + note, True


def write_xlsx(path: str | Path, tables: list[Table], about: list[tuple[str, str]] = (), progress=None) -> int:
    """Write one sheet per table (plus an 'About' sheet). Returns how many cells were cut short."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    band_fill = PatternFill("solid", fgColor="EEF2F7")
    rule = Border(bottom=Side(style="thin", color="8899AA"))
    wb = Workbook(write_only=True)
    cut = 0
    used_titles: set[str] = set()

    styles: dict[tuple, object] = {}  # one StyleArray per combination: setting styles per cell is slow

    def style(ws, font, fill, align, border, number_format, quote_prefix):
        key = (id(font), id(fill), id(align), id(border), number_format, quote_prefix)
        if key not in styles:
            c = WriteOnlyCell(ws)
            for attr, val in (("font", font), ("fill", fill), ("alignment", align), ("border", border),
                              ("number_format", number_format), ("quotePrefix", quote_prefix)):
                if val:
                    setattr(c, attr, val)
            styles[key] = c._style
        return styles[key]

    def cell(ws, value, font=None, fill=None, align=None, border=None, number_format=None):
        nonlocal cut
        value = plain(value)
        c = WriteOnlyCell(ws)
        risky = False
        if isinstance(value, str):
            value, was_cut = xlsx_text(value)
            cut += was_cut
            c._value = value
            c.data_type = "s"  # never a formula
            risky = value.startswith(RISKY)
        else:
            c._value = value
            c.data_type = "n"
        c._style = copy(style(ws, font, fill, align, border, number_format, risky))
        return c

    for table in tables:
        ws = wb.create_sheet(sheet_title(table.title, used_titles))
        widths = column_widths(table)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = f"{get_column_letter(table.freeze_columns + 1)}2"
        ws.append([cell(ws, h, bold, header_fill, wrap, rule) for h in table.columns])
        text_columns = [(i, w) for i, w in enumerate(widths) if table.kind(i) in ("text", "short")]
        for r, row in enumerate(of(progress).track(table.rows, f"writing sheet '{table.title}'")):
            if text_columns:
                lines = max(_lines(row[i], w) if i < len(row) else 1 for i, w in text_columns)
                if lines > 1:
                    ws.row_dimensions[r + 2].height = min(409, 15 * lines)
            strong = bold if r in table.bold_rows or r in table.band_rows else None
            fill = band_fill if r in table.band_rows else None
            cells = []
            for i, value in enumerate(row):
                kind = table.kind(i)
                cells.append(cell(
                    ws, value, font=bold if (i < table.freeze_columns) else strong, fill=fill,
                    align=wrap if kind in ("text", "key", "short") else top,
                    number_format="0%" if kind == "percent" else None,
                ))
            ws.append(cells)
        if table.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    if about:
        ws = wb.create_sheet(sheet_title("About", used_titles))
        ws.column_dimensions["A"].width = 28
        ws.column_dimensions["B"].width = 80
        for label, value in about:
            ws.append([cell(ws, label, bold), cell(ws, value, align=wrap)])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return cut


def _lines(value, width: float) -> int:
    """About how many lines a wrapped cell needs at this column width."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1.0, width * 1.1)
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


def column_widths(table: Table) -> list[float]:
    """Widths from the content: wide wrapped columns for passages, snug ones for attributes."""
    out = []
    for i, name in enumerate(table.columns):
        kind = table.kind(i)
        longest = max([len(str(name))] + [min(len(str(row[i])), 200) for row in table.rows[:500] if i < len(row)])
        if kind == "text":
            width = 60 if longest > 40 else max(14, longest + 2)
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
        out.append("|" + "|".join("---:" if table.kind(i) in ("number", "percent") else "---"
                                  for i in range(len(table.columns))) + "|")
        for r, row in enumerate(table.rows):
            cells = [md_cell(format_value(v, table.kind(i))) for i, v in enumerate(row)]
            if r in table.bold_rows or r in table.band_rows:
                cells = [f"**{c}**" if c else c for c in cells]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def format_value(value, kind: str) -> str:
    if kind == "percent" and isinstance(value, (int, float)):
        return f"{value:.0%}"
    return str(plain(value))


HTML_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccd; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #dde4ee; position: sticky; top: 0; }
td.text { min-width: 24em; max-width: 48em; white-space: pre-wrap; }
td.number, td.percent { text-align: right; }
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
