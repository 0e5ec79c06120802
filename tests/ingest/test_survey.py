"""Open survey answers from CSV/XLSX: a document per question, a turn per respondent, attributes."""

from __future__ import annotations

import pytest

from qualcode.cli.main import main
from qualcode.store.project import Project

CSV = '''respondent;leeftijd;schooltype;Wat kost u de meeste tijd?;Wat zou helpen?
1;41;basisschool;"De administratie, elke week weer registratie van toetsen.";Minder formulieren en een vaste collega.
2;35;sbo;Overleg met ouders en collega's na schooltijd;"Tijd.

Echt: meer tijd voor de kinderen."
3;52;basisschool;Invallen als er weer geen leraar is voor de groep;
'''


def _csv(tmp_path, text=CSV):
    path = tmp_path / "enquete_oa.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_open_column_is_a_document_with_a_turn_per_respondent(tmp_path, capsys):
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project)]) == 0
    assert main(["import-survey", str(project), str(_csv(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "3 respondents (column 'respondent')" in out and "(3 answers)" in out and "(2 answers)" in out
    with Project.open(project) as p:
        docs = {d.name: d for d in p.documents.list()}
        assert set(docs) == {"enquete oa: Wat kost u de meeste tijd?", "enquete oa: Wat zou helpen?"}
        help_doc = docs["enquete oa: Wat zou helpen?"]
        assert help_doc.kind == "survey"
        assert help_doc.respondents == ("respondent 1", "respondent 2")  # respondent 3 left it empty
        text = p.documents.get(help_doc.uuid).text
        turns = p.documents.turns(help_doc.uuid)
        assert text[turns[0].start:turns[0].end] == "Wat zou helpen?" and turns[0].speaker is None
        assert [(t.speaker, text[t.start:t.end]) for t in turns[1:]] == [
            ("respondent 1", "Minder formulieren en een vaste collega."),
            ("respondent 2", "Tijd.\nEcht: meer tijd voor de kinderen.")]
        karin = p.cases.get("respondent 1")
        assert karin.attributes == {"leeftijd": 41, "schooltype": "basisschool"}
        assert p.attributes.types()["leeftijd"] == "integer"


def test_a_second_import_changes_nothing(tmp_path, capsys):
    project = tmp_path / "p.qualcode"
    main(["init", str(project)])
    main(["import-survey", str(project), str(_csv(tmp_path))])
    assert main(["import-survey", str(project), str(_csv(tmp_path))]) == 0
    assert "unchanged" in capsys.readouterr().out
    with Project.open(project) as p:
        assert len(p.documents.list()) == 2 and len(p.cases.list()) == 3


def test_xlsx_with_named_columns(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Antwoorden"
    ws.append(["naam", "fte", "toelichting", "opmerking"])
    ws.append(["Karin", 0.8, "Ik werk vier dagen en doe de administratie erbij.", "ok"])
    ws.append(["Piet", 1, "Vooral invallen, want er is een lerarentekort.", "ok"])
    path = tmp_path / "survey.xlsx"
    wb.save(path)
    project = tmp_path / "p.qualcode"
    main(["init", str(project)])
    assert main(["import-survey", str(project), str(path), "--sheet", "Antwoorden", "--answers", "opmerking",
                 "--answers", "toelichting", "--name", "Enquête"]) == 0
    with Project.open(project) as p:
        assert sorted(d.name for d in p.documents.list()) == ["Enquête: opmerking", "Enquête: toelichting"]
        assert p.cases.get("Karin").attributes == {"fte": 0.8}
        assert p.cases.get("Piet").attributes == {"fte": 1.0}


@pytest.mark.parametrize("args, text, message", [
    (["--answers", "Waarom?"], CSV, r"enquete_oa.csv.*no column 'Waarom\?'"),
    ([], CSV.replace("\n2;", "\n1;", 1), r"enquete_oa.csv, line 3.*respondent '1' also appears on line 2"),
    ([], "id;leeftijd\n1;40\n2;50\n", r"no column looks like open answers.*--answers"),
    (["--sheet", "x"], CSV, r"--sheet is for .xlsx"),
])
def test_bad_input_names_the_file_and_leaves_the_project_unchanged(tmp_path, capsys, args, text, message):
    import re

    project = tmp_path / "p.qualcode"
    main(["init", str(project)])
    assert main(["import-survey", str(project), str(_csv(tmp_path, text)), *args]) != 0
    assert re.search(message, capsys.readouterr().err.replace("\n", " "))
    with Project.open(project) as p:
        assert p.documents.list() == [] and p.cases.list() == []


def test_survey_respondents_are_real_cases_in_a_refi_export(tmp_path):
    from tests.refi.support import qde_of

    from qualcode.refi.project_writer import export_refi_project

    project = tmp_path / "p.qualcode"
    main(["init", str(project)])
    main(["import-survey", str(project), str(_csv(tmp_path, CSV.replace("leeftijd;schooltype;", "").replace(
        "41;basisschool;", "").replace("35;sbo;", "").replace("52;basisschool;", "")))])
    with Project.open(project) as p:
        assert all(not c.attributes for c in p.cases.list())
        export_refi_project(p, tmp_path / "out.qdpx")
    xml = qde_of(tmp_path / "out.qdpx").decode()
    assert 'name="respondent 1"' in xml and 'name="respondent 3"' in xml
