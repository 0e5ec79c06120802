"""The sample description — a report's "table 1": respondents counted by combinations of their
attributes (``--by role,perspective``), with N and shares, and with two attributes also a cross
table with totals.

A respondent whose attribute holds several values ('sector; organisatie') counts in each of its
groups, so a column of combination counts can add up to more than N (the note says so).
"""

from __future__ import annotations

from collections import Counter
from itertools import product
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.export.dataset import load
from qualcode.export.options import ExportOptions, split_values
from qualcode.export.writers import Table, Written, atomic_path, check_suffix, write_tables

SUFFIXES = (".xlsx", ".docx", ".md", ".csv", ".html")
MISSING = "(not recorded)"


def sample_tables(project, by: list[str] | None = None, options: ExportOptions | None = None) -> tuple[list[Table], list]:
    options = options or ExportOptions()
    with project.read_only():
        data = load(project, options)
    keys = [data.filter.resolve(k, "--by") for k in by] if by else _default_keys(data)
    if not keys:
        raise ProjectError("the respondents have no attributes to describe the sample by "
                           "(import them with 'qualcode attributes', or name them with --by).")
    people = data.respondents()
    n = len(people)
    if not n:
        raise ProjectError("no respondents match (check --where).")
    combos: Counter = Counter()
    multi = False
    for case in people:
        values = [(_values(data, case, k)) for k in keys]
        multi |= any(len(v) > 1 for v in values)
        for combo in product(*values):
            combos[combo] += 1
    order = {k: _order(data, people, k) for k in keys}
    rows = sorted(combos.items(), key=lambda kv: tuple(order[k].index(v) for k, v in zip(keys, kv[0])))
    table_rows = [[*combo, count, count / n] for combo, count in rows]
    table_rows.append(["Total", *[""] * (len(keys) - 1), n, 1.0])
    caption = f"N = {n} respondents"
    if multi:
        caption += "; a respondent with several values counts in each of their groups, so rows can add up to more than N"
    tables = [Table("Sample", [*keys, "N", "%"], table_rows, ["key"] + ["attr"] * (len(keys) - 1) + ["number", "percent"],
                    caption=caption, bold_rows={len(table_rows) - 1})]
    if len(keys) == 2:
        a, b = keys
        cols = order[b]
        grid = []
        for va in order[a]:
            counts = [combos.get((va, vb), 0) for vb in cols]
            in_row = sum(1 for c in people if va in _values(data, c, a))
            grid.append([va, *counts, in_row])
        totals = [sum(1 for c in people if vb in _values(data, c, b)) for vb in cols]
        grid.append(["Total", *totals, n])
        tables.append(Table(f"{a} x {b}", [f"{a} × {b}", *cols, "Total"], grid,
                            ["key"] + ["number"] * (len(cols) + 1), caption=caption, bold_rows={len(grid) - 1}))
    about = data.about()[:1] + [("respondents (N)", str(n)), ("by", ", ".join(keys))] + \
        [x for x in data.options.describe() if x[0] == "where"]
    return tables, about


def _default_keys(data) -> list[str]:
    people = data.respondents()
    out = []
    for key in data.case_keys:
        distinct = {v for c in people for v in _values(data, c, key)}
        if 1 < len(distinct) <= 10:
            out.append(key)
    return out[:3]


def _values(data, case, key: str) -> list[str]:
    from qualcode.export.filters import case_values

    if key in data.case_keys or key in ("respondent", "set"):
        vals = case_values(case, key)
    else:  # a document attribute: the values of the respondent's documents
        vals = [v for d in case.documents for v in split_values(data.documents[d].attributes.get(key))]
    return list(dict.fromkeys(vals)) or [MISSING]


def _order(data, people, key) -> list[str]:
    seen = Counter(v for c in people for v in _values(data, c, key))
    return sorted(seen, key=lambda v: (v == MISSING, -seen[v], v.casefold()))


def export_sample(project, output, by: list[str] | None = None, options: ExportOptions | None = None) -> Written:
    suffix = check_suffix(output, SUFFIXES, "a sample description")
    tables, about = sample_tables(project, by, options)
    title = f"Sample — {project.meta('name') or project.path.stem}"
    if suffix != ".docx":
        return write_tables(output, tables, title, about, SUFFIXES)
    write_docx(output, tables, title)
    return Written([Path(output)])


def write_docx(output, tables: list[Table], title: str) -> None:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for i, t in enumerate(tables):
        document.add_paragraph(f"Table {i + 1}. {t.title}" if len(tables) > 1 else "Table 1. Sample", style="Caption"
                               if "Caption" in [s.name for s in document.styles] else None)
        grid = document.add_table(rows=1, cols=len(t.columns))
        try:
            grid.style = "Light List"
        except (KeyError, ValueError):
            grid.style = "Table Grid"
        for cell, name in zip(grid.rows[0].cells, t.columns):
            cell.text = str(name)
        for r, row in enumerate(t.rows):
            cells = grid.add_row().cells
            for c, value in enumerate(row):
                kind = t.kind(c)
                text = f"{value * 100:.0f}%" if kind == "percent" and isinstance(value, float) else str(value)
                cells[c].text = text
                if r in t.bold_rows:
                    for run in cells[c].paragraphs[0].runs:
                        run.bold = True
        if t.caption:
            document.add_paragraph(t.caption)
    with atomic_path(output) as tmp:
        document.save(str(tmp))
