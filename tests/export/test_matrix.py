"""qualcode export matrix: the data matrix in .xlsx, .csv, .md and .html."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from qualcode.cli.main import main
from qualcode.export.matrix import build_matrix
from qualcode.export.options import ExportOptions
from qualcode.store.project import Project
from tests.export.test_common import build_study


@pytest.fixture
def study(tmp_path):
    return build_study(tmp_path / "study.qualcode")


def test_xlsx_matrix_reads_like_a_researchers_own(study, tmp_path):
    out = tmp_path / "exports" / "datamatrix.xlsx"
    assert main(["export", "matrix", str(study), "-o", str(out), "--attributes", "role,perspective"]) == 0
    wb = load_workbook(out)
    ws = wb["Matrix"]
    header = [c.value for c in ws[1]]
    assert header == ["Respondent", "role", "perspective", "Documents", "Oorzaken werkdruk", "EVC"]
    assert ws.freeze_panes == "B2"
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == ["Karin de Vries", "Petra", "Mirjam"]  # the order they first speak
    karin = rows["Karin de Vries"]
    assert karin[1:4] == ("schoolleider", "organisatie; sector", "Interview 1")
    werkdruk = karin[4]
    # the passage two coders coded identically appears once, with its reference
    assert werkdruk.count("de administratie. Elke week weer registratie van toetsen.") == 1
    assert "[Administratieve last] “de administratie. Elke week weer registratie van toetsen.” " \
           "(Karin de Vries, Interview 1, turn 2, 00:00:05)" in werkdruk
    # the interviewer's question is cited as the interviewer's, in the respondent's row
    assert "“En het lerarentekort?” (Interviewer, Interview 1, turn 3, 00:01:10)" in werkdruk
    assert karin[5] in (None, "")
    # a passage spanning Petra's and Mirjam's turns is in both rows
    for name in ("Petra", "Mirjam"):
        assert "Ik ben Petra. Mijn EVC-traject" in rows[name][5]
    assert "(Mirjam, Focusgroep 1, turns 2–3, 00:00:10)" in rows["Mirjam"][5]
    # the moderator's words belong to no respondent
    assert not any("Welkom" in (r[4] or "") for r in rows.values())
    cell = ws["E2"]
    assert cell.alignment.wrap_text and ws.column_dimensions["E"].width >= 40
    assert ws["A2"].font.bold and ws["A1"].font.bold
    assert "About" in wb.sheetnames


def test_sheets_per_theme_and_code_columns(study, tmp_path):
    out = tmp_path / "m.xlsx"
    assert main(["export", "matrix", str(study), "-o", str(out), "--sheets", "--attributes", "role"]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Matrix", "Oorzaken werkdruk", "EVC", "About"]
    ws = wb["Oorzaken werkdruk"]
    assert [c.value for c in ws[1]] == ["Respondent", "role", "Documents", "Administratieve last", "Lerarentekort"]
    karin = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    assert karin[3].startswith("“de administratie.")  # no [code] tag: the column is the code
    assert "=1+2 zei de directeur" in karin[4]


def test_code_columns_and_document_rows(study):
    with Project.open(study) as project:
        m = build_matrix(project, rows="documents", columns=["Vrijstelling", "Oorzaken werkdruk/Lerarentekort"])
        assert [r.label for r in m.rows] == ["Focusgroep 1", "Interview 1"]
        assert [c.label for c in m.columns] == ["Vrijstelling", "Lerarentekort"]
        assert m.count(0, 0) == 2 and m.count(1, 1) == 2  # the spanning passage once per document
        assert m.rows[0].context == "Petra; Mirjam"
        df = m.to_dataframe()
        assert list(df.index) == ["Focusgroep 1", "Interview 1"]
        codes = build_matrix(project, columns=["codes"])
        assert [c.label for c in codes.columns] == ["Administratieve last", "Lerarentekort", "Vrijstelling"]


def test_csv_md_html_and_filters(study, tmp_path):
    out = tmp_path / "m.csv"
    assert main(["export", "matrix", str(study), "-o", str(out), "--where", "role=onderwijsassistent",
                 "--coder", "bram"]) == 0
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:]] == ["Petra", "Mirjam"]
    evc = rows[0].index("EVC")
    assert "Mijn EVC-traject gaf een vrijstelling." in rows[1][evc] and rows[2][evc] == ""  # bram only
    md = tmp_path / "m.md"
    assert main(["export", "matrix", str(study), "-o", str(md), "--rows", "documents"]) == 0
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Data matrix — Teststudie")
    assert "| Document | school | Respondents | Oorzaken werkdruk | EVC |" in text
    html = tmp_path / "m.html"
    assert main(["export", "matrix", str(study), "-o", str(html), "--sheets"]) == 0
    page = html.read_text(encoding="utf-8")
    assert "<h2>EVC</h2>" in page and "&lt;" not in page.split("<body>")[0]


@pytest.mark.parametrize("args, message", [
    (["-o", "m.pdf"], "writes .xlsx, .csv, .md, .html files"),
    (["-o", "m.xlsx", "--where", "rol=leraar"], "unknown attribute 'rol'"),
    (["-o", "m.xlsx", "--attributes", "leeftijd"], "unknown attribute 'leeftijd' in --attributes"),
    (["-o", "m.xlsx", "--columns", "Onbekend"], "no code 'Onbekend'"),
    (["-o", "m.xlsx", "--columns", "themes", "EVC"], "not a mix"),
    (["-o", "m.csv", "--sheets"], "--sheets needs"),
    (["-o", "m.xlsx", "--coder", "chris"], "no coder named 'chris'"),
])
def test_errors_are_one_sentence_and_a_nonzero_exit(study, tmp_path, capsys, args, message):
    args = [a if not a.startswith("m.") else str(tmp_path / a) for a in args]
    assert main(["export", "matrix", str(study), *args]) != 0
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert not list(tmp_path.glob("m.*")) and not list(tmp_path.glob(".m.*"))


def test_excel_cell_limit_is_respected(study, tmp_path):
    from qualcode.export.writers import Table, write_xlsx

    out = tmp_path / "big.xlsx"
    cut = write_xlsx(out, [Table("T", ["a", "b"], [["x", "y" * 40000]], ["key", "text"])])
    assert cut == 1
    value = load_workbook(out)["T"]["B2"].value
    assert len(value) <= 32767 and "Excel holds at most 32,767 characters" in value


def test_matrix_with_options_object(study):
    with Project.open(study) as project:
        m = build_matrix(project, options=ExportOptions(pseudonymise=True), attributes=["role"])
    assert [r.label for r in m.rows] == ["R01", "R02", "R03"]
    text = m.cell_text(0, 0)
    assert "Karin" not in text and "(R01, Interview 1, turn 2, 00:00:05)" in text
    assert "R01 moet zelf invallen" in text
