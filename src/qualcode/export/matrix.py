"""The data matrix: one row per respondent (or document), one column per theme or code, each cell
the coded passages, each passage followed by its reference — the WUR-style matrix.

Plain functions for the CLI and the TUI: :func:`build_matrix` returns a :class:`Matrix` (cells as
lists of passages, counts, a ``Table`` or a pandas DataFrame); :func:`export_matrix` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.export.columns import Column, labels, resolve_columns, theme_columns
from qualcode.export.dataset import ExportData, Passage, display, load
from qualcode.export.options import ExportOptions
from qualcode.export.progress import of
from qualcode.export.writers import Table, Written, check_suffix, write_tables

ROW_KINDS = ("respondents", "documents")
CELLS = ("quotes", "summaries", "both")
SUFFIXES = (".xlsx", ".csv", ".md", ".html")


@dataclass
class MatrixRow:
    key: str  # case uuid or document uuid
    label: str
    values: list[str]  # attribute values, in Matrix.attribute_keys order
    context: str  # the respondent's documents, or the document's respondents


@dataclass
class Matrix:
    data: ExportData
    rows_kind: str
    attribute_keys: list[str]
    columns: list[Column]
    rows: list[MatrixRow]
    cells: dict[tuple[int, int], list[tuple[Passage, str | None]]] = field(default_factory=dict)
    cells_mode: str = "quotes"  # quotes | summaries | both

    def passages(self, row: int, column: int) -> list[tuple[Passage, str | None]]:
        return self.cells.get((row, column), [])

    def count(self, row: int, column: int) -> int:
        return len(self.cells.get((row, column), []))

    def summary_text(self, row: int, column: int) -> str:
        """The researcher's summaries of this cell: of the column's code first, then of its sub-codes
        (labelled); on a document row, each respondent's, labelled with the respondent."""
        col = self.columns[column]
        names = labels(self.data.tree)
        key = self.rows[row].key
        cases = [key] if self.rows_kind == "respondents" else list(self.data.documents[key].respondents)
        codes = [col.code] + sorted((c for c in col.codes if c != col.code), key=lambda c: self.data.code_order.get(c, 0))
        parts = []
        for case in cases:
            for code in codes:
                text = self.data.summaries.get((case, code))
                if not text:
                    continue
                tags = ([self.data.cases[case].label] if self.rows_kind == "documents" else []) + \
                    ([names[code]] if code != col.code else [])
                prefix = "".join(f"[{t}] " for t in tags)
                parts.append(prefix + self.data.pseudo.text(text))
        return "\n\n".join(parts)

    def cell_text(self, row: int, column: int) -> str:
        if self.cells_mode == "summaries":
            return self.summary_text(row, column)
        if self.cells_mode == "both":
            summary, quotes = self.summary_text(row, column), self.quote_text(row, column)
            return "\n\n".join(x for x in (f"Summary: {summary}" if summary else "", quotes) if x)
        return self.quote_text(row, column)

    def quote_text(self, row: int, column: int) -> str:
        col = self.columns[column]
        names = labels(self.data.tree)
        parts = []
        for p, case in self.passages(row, column):
            tag = f"[{names[p.code]}] " if col.rollup and p.code != col.code else ""
            parts.append(f"{tag}“{self.data.quote(p)}” ({self.data.reference(p, case)})")
        return "\n\n".join(parts)

    def header(self) -> list[str]:
        first = ["Respondent"] if self.rows_kind == "respondents" else ["Document"]
        context = ["Documents"] if self.rows_kind == "respondents" else ["Respondents"]
        return first + self.attribute_keys + context + [c.label for c in self.columns]

    def table(self, title: str = "Matrix") -> Table:
        rows = []
        for r, row in enumerate(self.rows):
            rows.append([row.label, *row.values, row.context]
                        + [self.cell_text(r, c) for c in range(len(self.columns))])
        kinds = ["key"] + ["attr"] * len(self.attribute_keys) + ["short"] + ["text"] * len(self.columns)
        return Table(title, self.header(), rows, kinds)

    def to_dataframe(self):
        """The matrix as a pandas DataFrame (cells as text), indexed by row label."""
        return self.table().to_dataframe().set_index(self.header()[0])


def build_matrix(source, rows: str = "respondents", columns: list[str] | None = None,
                 attributes: list[str] | None = None, options: ExportOptions | None = None,
                 progress=None, _columns: list[Column] | None = None, cells: str = "quotes") -> Matrix:
    """The matrix from a Project (read with ``options``) or from already loaded ExportData.
    ``cells``: the coded quotes (default), the researcher's summaries, or both."""
    if rows not in ROW_KINDS:
        raise ProjectError(f"--rows must be 'respondents' or 'documents', not '{rows}'.")
    if cells not in CELLS:
        raise ProjectError(f"--cells must be one of {', '.join(CELLS)}, not '{cells}'.")
    data = source if isinstance(source, ExportData) else _load(source, options, progress)
    cols = _columns if _columns is not None else resolve_columns(data, columns)
    keys = _attribute_keys(data, rows, attributes)
    if rows == "respondents":
        infos = data.respondents()
        matrix_rows = [MatrixRow(c.uuid, c.label, [_value(data, c, None, k) for k in keys],
                                 "; ".join(data.documents[d].label for d in c.documents)) for c in infos]
    else:
        infos = data.document_rows()
        matrix_rows = [MatrixRow(d.uuid, d.label, [_value(data, None, d, k) for k in keys],
                                 "; ".join(data.cases[c].label for c in d.respondents)) for d in infos]
    matrix = Matrix(data, rows, keys, cols, matrix_rows, cells_mode=cells)
    row_of = {row.key: i for i, row in enumerate(matrix_rows)}
    cols_of: dict[str, list[int]] = {}
    for i, col in enumerate(cols):
        for code in col.codes:
            cols_of.setdefault(code, []).append(i)
    seen: set[tuple[int, int, int]] = set()
    for p, case in of(progress).track(list(data.pairs()), "filling the matrix"):
        key = case if rows == "respondents" else p.document
        r = row_of.get(key)
        if r is None:
            continue
        for c in cols_of.get(p.code, ()):
            if rows == "documents":  # one passage once per document row, whoever said it
                if (id(p), r, c) in seen:
                    continue
                seen.add((id(p), r, c))
            matrix.cells.setdefault((r, c), []).append((p, case if rows == "respondents" else None))
    return matrix


def _load(project, options, progress) -> ExportData:
    with project.read_only():
        return load(project, options, progress)


def _attribute_keys(data: ExportData, rows: str, attributes: list[str] | None) -> list[str]:
    if attributes is None:
        return list(data.case_keys if rows == "respondents" else data.document_keys)
    return [data.filter.resolve(k, "--attributes") for k in attributes]


def _value(data: ExportData, case, doc, key: str) -> str:
    """An attribute of a respondent (or document); a document attribute shown on a respondent row
    lists the values of their documents, and the other way round."""
    if case is not None:
        if key in case.attributes:
            return display(case.attributes[key])
        values = [data.documents[d].attributes.get(key) for d in case.documents]
    else:
        if key in doc.attributes:
            return display(doc.attributes[key])
        values = [data.cases[c].attributes.get(key) for c in doc.respondents]
    return "; ".join(dict.fromkeys(display(v) for v in values if v is not None))


def matrix_tables(data: ExportData, rows: str = "respondents", columns: list[str] | None = None,
                  attributes: list[str] | None = None, sheets: bool = False, progress=None,
                  cells: str = "quotes") -> list[Table]:
    """The main matrix, and with ``sheets`` one more table per theme (its sub-codes as columns)."""
    tables = [build_matrix(data, rows, columns, attributes, progress=progress, cells=cells).table("Matrix")]
    if sheets:
        for theme in data.tree.roots():
            cols = theme_columns(data, theme.uuid)
            tables.append(build_matrix(data, rows, None, attributes, _columns=cols, cells=cells).table(theme.name))
    return tables


def export_matrix(project, output: str | Path, rows: str = "respondents", columns: list[str] | None = None,
                  attributes: list[str] | None = None, sheets: bool = False,
                  options: ExportOptions | None = None, progress=None, cells: str = "quotes") -> Written:
    suffix = check_suffix(output, SUFFIXES, "a data matrix")
    if sheets and suffix == ".csv":
        raise ProjectError(f"{output}: --sheets needs an .xlsx, .md or .html output (a CSV file holds one table).")
    with project.read_only():
        data = load(project, options, progress)
    tables = matrix_tables(data, rows, columns, attributes, sheets, progress, cells)
    about = data.about() + [("rows", rows), ("columns", ", ".join(columns or ["themes"])), ("cells", cells)]
    return write_tables(output, tables, f"Data matrix — {data.project_name}", about, SUFFIXES)
