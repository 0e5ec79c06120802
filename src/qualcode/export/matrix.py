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
from qualcode.export.matrix_layout import order_rows, pack
from qualcode.export.options import ExportOptions
from qualcode.export.progress import of
from qualcode.export.writers import Table, Written, check_suffix, write_tables
from qualcode.export.gcpause import without_gc

ROW_KINDS = ("respondents", "documents")
CELLS = ("quotes", "summaries", "both")
SUFFIXES = (".xlsx", ".csv", ".md", ".html", ".docx")
LAYOUTS = ("rows", "wide", "themes")


@dataclass
class MatrixRow:
    key: str  # case uuid or document uuid
    label: str
    values: list[str]  # attribute values, in Matrix.attribute_keys order
    context: str  # the respondent's documents, or the document's respondents
    group: str = ""  # the value of the --group-by attribute


@dataclass
class Matrix:
    data: ExportData
    rows_kind: str
    attribute_keys: list[str]
    columns: list[Column]
    rows: list[MatrixRow]
    cells: dict[tuple[int, int], list[tuple[Passage, str | None]]] = field(default_factory=dict)
    cells_mode: str = "quotes"  # quotes | summaries | both
    group_by: str | None = None
    _references: dict = field(default_factory=dict, repr=False)

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

    def cell_parts(self, row: int, column: int, words: dict | None = None) -> list[str]:
        """The cell as its parts: the summaries (with ``--cells summaries|both``), then each passage
        with its reference ('[code] “…” (R01, Interview 1, turn 3)')."""
        if self.cells_mode == "quotes":
            return self.quote_parts(row, column, words)
        summary = self.summary_text(row, column)
        if self.cells_mode == "summaries":
            return [summary] if summary else []
        label = (words or {}).get("summary", "Summary")
        return ([f"{label}: {summary}"] if summary else []) + self.quote_parts(row, column, words)

    def quote_parts(self, row: int, column: int, words: dict | None = None) -> list[str]:
        """Each passage of the cell with its reference: '[code] “…” (R01, Interview 1, turn 3)'."""
        col = self.columns[column]
        names = labels(self.data.tree)
        # the same words coded with several codes of the column are shown once (they are adjacent:
        # passages are in text order)
        runs: list[tuple[Passage, str | None, list[str]]] = []
        last = None
        for p, case in self.passages(row, column):
            key = (p.document, p.start, p.end, case)
            if key == last:
                runs[-1][2].append(p.code)
                continue
            last = key
            runs.append((p, case, [p.code]))
        parts = []
        quote, reference = self.data.quote, self.data.reference
        refs = self._references  # passages in one turn of one respondent share their reference
        for p, case, codes in runs:
            tags = [names[c] for c in codes if c != col.code] if col.rollup else []
            tag = f"[{'; '.join(dict.fromkeys(tags))}] " if tags else ""
            key = (p.document, p.turns, p.timestamp_ms, case, p.by_turn, p.speakers, id(words))
            ref = refs.get(key)
            if ref is None:
                ref = refs[key] = reference(p, case, words)
            parts.append(f"{tag}“{quote(p)}” ({ref})")
        return parts

    def cell_text(self, row: int, column: int, words: dict | None = None) -> str:
        return "\n\n".join(self.cell_parts(row, column, words))

    def groups(self) -> list[tuple[str, list[int]]]:
        """(group value, row indexes) in row order; one unnamed group without --group-by."""
        out: list[tuple[str, list[int]]] = []
        for r, row in enumerate(self.rows):
            if not out or out[-1][0] != row.group:
                out.append((row.group, []))
            out[-1][1].append(r)
        return out

    def group_title(self, value: str, n: int) -> str:
        return f"{self.group_by}: {value or '(none)'} (N={n})"

    def header(self, folded: bool = False) -> list[str]:
        first = ["Respondent"] if self.rows_kind == "respondents" else ["Document"]
        context = ["Documents"] if self.rows_kind == "respondents" else ["Respondents"]
        return first + ([] if folded else self.attribute_keys) + context + [c.label for c in self.columns]

    def row_label(self, r: int) -> str:
        """The row's label with its attributes under it ('Petra\nrole: leraar\n…')."""
        row = self.rows[r]
        return "\n".join([row.label] + [f"{k}: {v}" for k, v in zip(self.attribute_keys, row.values) if v])

    def table(self, title: str = "Matrix", layout: str = "wide", continued: str = "continued",
              folded: bool = False, text_width: float = 60, words: dict | None = None) -> Table:
        """The matrix as a Table: one row per respondent (``wide``), or with continuation rows
        under a respondent whose cells are long (``rows``); group heading rows with --group-by;
        ``folded``: the attributes in the first cell instead of columns of their own."""
        rows, band, heights = [], set(), []
        width = len(self.header(folded))
        for value, members in self.groups():
            if self.group_by:
                band.add(len(rows))
                rows.append([self.group_title(value, len(members))] + [""] * (width - 1))
                heights.append(1)
            for r in members:
                row = self.rows[r]
                first = [self.row_label(r), row.context] if folded else [row.label, *row.values, row.context]
                if layout != "rows":
                    rows.append(first + [self.cell_text(r, c, words) for c in range(len(self.columns))])
                    heights = None
                    continue
                cells = [pack(self.cell_parts(r, c, words), width=text_width, with_lines=True)
                         for c in range(len(self.columns))]
                for k in range(max(len(c) for c in cells) if cells else 1):
                    lead = first if k == 0 else [f"{row.label} ({continued})"] + [""] * (len(first) - 1)
                    rows.append(lead + [c[k][0] if k < len(c) else "" for c in cells])
                    label_lines = lead[0].count("\n") + 1
                    heights.append(max([label_lines] + [c[k][1] for c in cells if k < len(c)]))
        kinds = ["key"] + ([] if folded else ["attr"] * len(self.attribute_keys)) + ["short"] \
            + ["text"] * len(self.columns)
        return Table(title, self.header(folded), rows, kinds, band_rows=band, text_width=text_width,
                     row_lines=heights if layout == "rows" else None)

    def to_dataframe(self):
        """The matrix as a pandas DataFrame (cells as text), indexed by row label."""
        return self.table().to_dataframe().set_index(self.header()[0])


def build_matrix(source, rows: str = "respondents", columns: list[str] | None = None,
                 attributes: list[str] | None = None, options: ExportOptions | None = None,
                 progress=None, _columns: list[Column] | None = None, sort: str | None = None,
                 group_by: str | None = None, cells: str = "quotes") -> Matrix:
    """The matrix from a Project (read with ``options``) or from already loaded ExportData;
    rows ordered by ``sort`` or ``group_by`` (an attribute) when given. ``cells``: the coded
    quotes (default), the researcher's summaries, or both."""
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
    order_by = group_by or sort
    if order_by:
        key = data.filter.resolve(order_by, "--group-by" if group_by else "--sort")
        value = {id(m): _value(data, info if rows == "respondents" else None, info if rows == "documents" else None, key)
                 for m, info in zip(matrix_rows, infos)}
        for m in matrix_rows:
            m.group = value[id(m)] if group_by else ""
        matrix_rows = order_rows(matrix_rows, lambda m: value[id(m)])
        group_by = key if group_by else None
    matrix = Matrix(data, rows, keys, cols, matrix_rows, cells_mode=cells, group_by=group_by)
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
                  layout: str = "rows", sort: str | None = None, group_by: str | None = None,
                  continued: str = "continued", cells: str = "quotes",
                  words: dict | None = None) -> list[Table]:
    """The main matrix (not with the ``themes`` layout), and with ``sheets`` or the ``themes``
    layout one table per theme (its sub-codes as columns)."""
    if layout not in LAYOUTS:
        raise ProjectError(f"--layout must be one of {', '.join(LAYOUTS)}, not '{layout}'.")
    cell_layout = "wide" if layout == "wide" else "rows"
    tables = []
    if layout != "themes":
        matrix = build_matrix(data, rows, columns, attributes, progress=progress, sort=sort, group_by=group_by,
                              cells=cells)
        tables.append(matrix.table("Matrix", cell_layout, continued, words=words))
    if layout == "themes":  # a sheet per theme: one column with all its passages, each tagged [code]
        for col in resolve_columns(data, ["themes"]):
            matrix = build_matrix(data, rows, None, attributes, _columns=[col], sort=sort, group_by=group_by,
                              cells=cells)
            tables.append(matrix.table(col.label, cell_layout, continued, folded=True, text_width=90, words=words))
    elif sheets:
        for theme in data.tree.roots():
            cols = theme_columns(data, theme.uuid)
            matrix = build_matrix(data, rows, None, attributes, _columns=cols, sort=sort, group_by=group_by,
                              cells=cells)
            tables.append(matrix.table(theme.name, cell_layout, continued, words=words))
    return tables


@without_gc
def export_matrix(project, output: str | Path, rows: str = "respondents", columns: list[str] | None = None,
                  attributes: list[str] | None = None, sheets: bool = False,
                  options: ExportOptions | None = None, progress=None, layout: str | None = None,
                  sort: str | None = None, group_by: str | None = None, language: str | None = None,
                  cells: str = "quotes") -> Written:
    """Write the matrix. ``layout`` defaults to continuation rows for .xlsx and .docx (made to be
    read and printed) and to one row per respondent for .csv, .md and .html (made to be processed)."""
    from qualcode.export.labels import labels_for
    from qualcode.export.quotes import replacement_notes

    suffix = check_suffix(output, SUFFIXES, "a data matrix")
    layout = layout or ("rows" if suffix in (".xlsx", ".docx") else "wide")
    if (sheets or layout == "themes") and suffix == ".csv":
        raise ProjectError(f"{output}: --sheets and --layout themes need an .xlsx, .docx, .md or .html output "
                           "(a CSV file holds one table).")
    if sort and group_by:
        raise ProjectError("give --sort or --group-by, not both (--group-by also sorts).")
    with project.read_only():
        data = load(project, options, progress)
    words = labels_for(language or data.language)
    about = data.about() + [("rows", rows), ("columns", ", ".join(columns or ["themes"])), ("cells", cells),
                            ("layout", layout)]
    if group_by or sort:
        about.append(("grouped by" if group_by else "sorted by", group_by or sort))
    if suffix == ".docx":
        from qualcode.export.matrix_docx import write_matrix_docx

        matrix = build_matrix(data, rows, columns, attributes, progress=progress, sort=sort, group_by=group_by,
                              cells=cells)
        write_matrix_docx(output, matrix, about, words, progress)
        written = Written([Path(output)])
    else:
        tables = matrix_tables(data, rows, columns, attributes, sheets, progress, layout, sort, group_by,
                               words["continued"], cells, words)
        written = write_tables(output, tables, f"Data matrix — {data.project_name}", about, SUFFIXES[:4], progress)
    written.notes += replacement_notes(data)
    return written
