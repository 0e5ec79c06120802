"""Cells for spreadsheets and CSV files that never run as formulas.

Every tabular output of qualcode (exports, the codings CSV, the agreement workbook, the
disagreement list) passes its cells through :func:`safe` (CSV) or writes string cells as
string cells (xlsx, see :mod:`qualcode.export.writers`). A spreadsheet program treats a cell
beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula (OWASP's "CSV
injection"); such a text gets a leading apostrophe, which Excel and LibreOffice show as text and
:func:`unescape` removes again when qualcode reads its own CSV back.

No third-party imports: the lowest layer, usable from ingest, team and export alike.
"""

from __future__ import annotations

import csv
import io

RISKY = ("=", "+", "-", "@", "\t", "\r")


def plain(value) -> object:
    """Numbers stay numbers; None is empty; booleans are yes/no; everything else becomes text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    return str(value)


def risky(text: str) -> bool:
    """Whether a spreadsheet could read the text as a formula (also after leading white space)."""
    return text.startswith(RISKY) or text.lstrip().startswith(RISKY)


def safe(value) -> object:
    """A CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe.

    Carriage returns inside a cell become line feeds: Python's csv module leaves a field holding
    a lone CR unquoted, and every CSV reader then breaks the row there."""
    value = plain(value)
    if isinstance(value, str):
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if risky(value):
            return "'" + value
    return value


def unescape(value: str) -> str:
    """The text :func:`safe` was given (for reading qualcode's own CSV files back)."""
    if value[:1] == "'" and value[1:2] and risky(value[1:]):
        return value[1:]
    return value


def csv_text(columns, rows) -> str:
    """A whole CSV file (comma-separated, ``\\n`` line ends), every cell through :func:`safe`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([safe(c) for c in columns])
    for row in rows:
        writer.writerow([safe(v) for v in row])
    return buf.getvalue()
