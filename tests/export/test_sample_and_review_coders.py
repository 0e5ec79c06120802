"""qualcode export sample (table 1) and the choice of coders in disagreements and review."""

from __future__ import annotations

import json

import pytest

from qualcode.cli.main import main
from qualcode.store.project import Project

INTERVIEW = """\
Interviewer: Vraag een?

{a}: Antwoord een over werkdruk.

Interviewer: Vraag twee?

{a}: Antwoord twee over loopbaan.

Interviewer: Vraag drie?

{a}: Antwoord drie over EVC.
"""

PEOPLE = [("Anna", "leraar", "primair proces"), ("Bas", "leraar", "primair proces"),
          ("Cor", "onderwijsassistent", "primair proces"), ("Dirk", "schoolleider", "organisatie; sector")]


@pytest.fixture
def study(tmp_path, codebook_file):
    path = tmp_path / "s.qualcode"
    assert main(["init", str(path), "--codebook", str(codebook_file)]) == 0
    for name, *_ in PEOPLE:
        f = tmp_path / f"interview_{name.lower()}.txt"
        f.write_text(INTERVIEW.format(a=name), encoding="utf-8")
        assert main(["import", str(path), str(f)]) == 0
    csv = tmp_path / "people.csv"
    csv.write_text("respondent,role,perspective\n" + "".join(f"{n},{r},{p}\n" for n, r, p in PEOPLE), encoding="utf-8")
    assert main(["attributes", str(path), str(csv)]) == 0
    return path


def test_sample_table_counts_combinations(study, tmp_path):
    out = tmp_path / "t1.md"
    assert main(["export", "sample", str(study), "-o", str(out), "--by", "role,perspective"]) == 0
    text = out.read_text()
    assert "N = 4 respondents" in text
    assert "| leraar | primair proces | 2 | 50% |" in text
    assert "| onderwijsassistent | primair proces | 1 | 25% |" in text
    # Dirk speaks from two perspectives: counted in both, and the note says so
    assert "| schoolleider | organisatie | 1 | 25% |" in text and "| schoolleider | sector | 1 | 25% |" in text
    assert "more than N" in text
    assert "| **Total** |  | **4** | **100%** |" in text
    # the cross table has totals per row and column
    assert "| leraar | 2 | 0 | 0 | 2 |" in text


def test_sample_xlsx_docx_and_where(study, tmp_path):
    from openpyxl import load_workbook

    xlsx = tmp_path / "t1.xlsx"
    assert main(["export", "sample", str(study), "-o", str(xlsx), "--by", "role", "--where", "role=leraar"]) == 0
    ws = load_workbook(xlsx)["Sample"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["leraar", 2, 1] in [v[:3] for v in values]
    docx_path = tmp_path / "t1.docx"
    assert main(["export", "sample", str(study), "-o", str(docx_path), "--by", "role"]) == 0
    import docx

    cells = [c.text for t in docx.Document(str(docx_path)).tables for row in t.rows for c in row.cells]
    assert "schoolleider" in cells and "4" in cells


def test_sample_errors(study, tmp_path):
    assert main(["export", "sample", str(study), "-o", str(tmp_path / "t.pdf")]) != 0
    assert main(["export", "sample", str(study), "-o", str(tmp_path / "t.md"), "--by", "nosuch"]) != 0


def _code(p, doc, turn, code, coder):
    assert main(["code", str(p), doc, "--turn", str(turn), "--code", code, "--coder", coder]) == 0


def test_disagreements_default_to_the_coders_who_coded_the_document_fully(study, capsys):
    doc = "Interview anna"
    for coder in ("anna", "bram"):
        _code(study, doc, 2, "Administratieve last", coder)
        _code(study, doc, 4, "Lerarentekort", coder)
        _code(study, doc, 6, "Vrijstelling", coder)
    _code(study, doc, 2, "Administratieve last", "carl")  # a third coder who coded one passage
    capsys.readouterr()
    assert main(["disagreements", str(study), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # anna and bram agree exactly
    assert main(["disagreements", str(study), "--coders", "all", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 2 and all(r["not_coded_by"] == ["carl"] for r in rows)
    assert main(["disagreements", str(study), "--coders", "anna,carl", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    from qualcode.agreement.consensus import review_data

    with Project.open(study) as project:
        assert review_data(project, doc).coders == ["anna", "bram"]
        assert review_data(project, doc, ["anna", "bram", "carl"]).coders == ["anna", "bram", "carl"]
