"""The data matrix as a Word document for a report appendix: one table per theme (or column),
a row per respondent (their attributes under their label), the passages with their references.

The header row repeats on every page and rows may break across pages, so a respondent who said
a lot flows on to the next page instead of being cut. With ``--group-by`` each group starts with
a shaded heading row.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.export.progress import of
from qualcode.export.writers import atomic_path

GREY = "595959"


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _write_parts(cell, parts: list[str], empty: str) -> None:
    from docx.shared import Pt, RGBColor

    first = cell.paragraphs[0]
    if not parts:
        run = first.add_run(empty)
        run.italic = True
        run.font.color.rgb = RGBColor.from_string(GREY)
        return
    for i, part in enumerate(parts):
        p = first if i == 0 else cell.add_paragraph()
        p.paragraph_format.space_after = Pt(4)
        quote, _, ref = part.rpartition(" (")
        if not quote:
            quote, ref = part, ""
        p.add_run(quote)
        if ref:
            r = p.add_run(" (" + ref)
            r.font.size = Pt(8)
            r.font.color.rgb = RGBColor.from_string(GREY)


def write_matrix_docx(output: str | Path, matrix, about: list[tuple[str, str]], words: dict, progress=None) -> None:
    from docx import Document
    from docx.shared import Cm, Pt, RGBColor

    data = matrix.data
    doc = Document()
    section = doc.sections[0]
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    doc.styles["Normal"].font.size = Pt(9.5)
    title = f"{words['data_matrix']} — {data.project_name}"
    doc.core_properties.title = title
    doc.add_heading(title, level=0)
    for label, value in about:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        r = p.add_run(f"{label}: ")
        r.bold = True
        p.add_run(value)
        for run in p.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor.from_string(GREY)
    first_header = matrix.header()[0]
    for c, col in enumerate(of(progress).track(matrix.columns, "writing the matrix")):
        doc.add_page_break()
        doc.add_heading(col.label, level=1)
        table = doc.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.autofit = False
        widths = (Cm(4.2), Cm(12.8))
        for column, width in zip(table.columns, widths):  # the grid: LibreOffice reads these
            column.width = width
        head = table.rows[0]
        _repeat_header(head)
        for cell, text, width in zip(head.cells, (first_header, col.label), widths):
            cell.width = width
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell, "DDE4EE")
        for value, members in matrix.groups():
            if matrix.group_by:
                row = table.add_row()
                merged = row.cells[0].merge(row.cells[1])
                merged.paragraphs[0].add_run(matrix.group_title(value, len(members))).bold = True
                _shade(merged, "EEF2F7")
            for r in members:
                info = matrix.rows[r]
                row = table.add_row()
                who, passages = row.cells
                who.width, passages.width = widths
                who.paragraphs[0].add_run(info.label).bold = True
                for key, val in zip(matrix.attribute_keys, info.values):
                    if val:
                        p = who.add_paragraph()
                        run = p.add_run(f"{key}: {val}")
                        run.font.size = Pt(8)
                        run.font.color.rgb = RGBColor.from_string(GREY)
                _write_parts(passages, matrix.cell_parts(r, c, words), "—")
    with atomic_path(output) as tmp:
        doc.save(str(tmp))
