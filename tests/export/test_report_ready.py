"""Report-ready outputs (issue 15): merged quotes, a contents list that reads anywhere, labels in
the project's language, memos on request, names and citations that do not identify anyone, and a
data matrix that reads and prints."""

from __future__ import annotations

import csv

import pytest
from docx import Document
from openpyxl import load_workbook

from qualcode.cli.main import main
from qualcode.export.matrix_layout import MAX_LINES, lines
from qualcode.ingest.turns import detect_turns
from qualcode.store.codings import NewCoding
from qualcode.store.project import Project
from tests.export.test_common import build_study, span

THIRD_PARTY = """Interviewer (00:00:01): Hoe gaat het op school?

Sanne (00:00:04): Goed. Mijn collega Priscilla helpt elke dag in groep 5, en in Zwolle doen ze dat niet. Zonder Priscilla lukt het niet.
"""


@pytest.fixture
def study(tmp_path):
    path = build_study(tmp_path / "study.qualcode")
    with Project.open(path) as project:
        with project.transaction():
            doc, _ = project.documents.add("Interview 2", THIRD_PARTY, detect_turns(THIRD_PARTY))
            sanne = next(c for c in project.cases.list() if c.name == "Sanne")
            project.attributes.set("case", sanne.uuid, "role", "leraar", "text")
            project.attributes.set("case", sanne.uuid, "perspective", "primair proces", "text")
        code = project.codebook.get("Lerarentekort")
        project.codings.add_many([NewCoding(doc.uuid, code.uuid, "anna",
                                       *span(THIRD_PARTY, "Mijn collega Priscilla helpt elke dag in groep 5"))])
    return path


def _paras(path):
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def test_overlapping_passages_of_two_coders_are_one_quote(study, tmp_path):
    # anna coded Petra's and Mirjam's turns, bram a part of Petra's: one passage, both coders named
    out = tmp_path / "q.csv"
    assert main(["export", "quotes", str(study), "-o", str(out), "--codes", "EVC"]) == 0
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["Coders"], r["Quote"][:13]) for r in rows] == [("anna, bram", "Ik ben Petra.")]
    assert rows[0]["Quote"].endswith("net als Petra.")
    assert main(["export", "quotes", str(study), "-o", str(out), "--codes", "EVC", "--no-merge"]) == 0
    with open(out, encoding="utf-8-sig") as fh:
        assert [r["Coders"] for r in csv.DictReader(fh)] == ["anna", "bram"]
    assert main(["export", "quotes", str(study), "-o", str(out), "--codes", "EVC", "--coder", "consensus"]) == 0
    with open(out, encoding="utf-8-sig") as fh:
        assert [r["Quote"] for r in csv.DictReader(fh)] == ["Mijn EVC-traject gaf een vrijstelling."]


def test_contents_are_written_out_and_labels_follow_the_language(study, tmp_path):
    out = tmp_path / "q.docx"
    assert main(["export", "quotes", str(study), "-o", str(out)]) == 0  # the project is Dutch
    paras = _paras(out)
    texts = [t for _, t in paras]
    assert paras[0] == ("Title", "Citatenboek — Teststudie")
    start = texts.index("Inhoud") + 1
    headings = [t for s, t in paras if s.startswith("Heading")]
    assert texts[start:start + len(headings)] == headings  # one entry per heading, readable as it is
    doc = Document(str(out))
    body = doc.element.body.xml
    anchors = set(__import__("re").findall(r'w:anchor="([^"]+)"', body))
    marks = set(__import__("re").findall(r'w:bookmarkStart[^>]*w:name="([^"]+)"', body))
    assert len(anchors) == len(headings) and anchors <= marks  # each entry links to its heading
    assert 'TOC \\o "1-3"' in body  # still a field Word can update (with page numbers)
    assert any("gecodeerd door anna, bram" in t for t in texts)
    assert not any(t.startswith("Memo") for t in texts)  # memos only on request
    assert main(["export", "quotes", str(study), "-o", str(out), "--language", "en", "--memos"]) == 0
    texts = [t for _, t in _paras(out)]
    assert texts[0] == "Quote book — Teststudie" and "Contents" in texts
    assert any("coded by anna, bram" in t for t in texts) and "Memo: -ook bij anna" in texts


def test_names_list_is_found_confirmed_and_replaced_everywhere(study, tmp_path, capsys):
    assert main(["names", str(study), "--json"]) == 0
    import json

    found = json.loads(capsys.readouterr().out)
    candidates = {c["name"]: c for c in found["candidates"]}
    assert candidates["Priscilla"]["count"] == 2 and candidates["Priscilla"]["status"] == ""
    assert "Priscilla helpt" in candidates["Priscilla"]["contexts"][0]
    assert candidates["Zwolle"]["status"] == ""
    assert candidates["Sanne"]["status"] == "speaker"  # replaced anyway
    assert "Goed" not in candidates and "Mijn" not in candidates  # sentence starts
    out = tmp_path / "before.md"
    assert main(["export", "quotes", str(study), "-o", str(out), "--pseudonymise"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "Priscilla (2×)" in err and "not in the names list" in err  # a warning before confirming
    assert main(["names", str(study), "--confirm", "Priscilla"]) == 0
    assert main(["names", str(study), "--confirm", "Zwolle", "--kind", "place"]) == 0
    with Project.open(study) as project:
        assert [(n.name, n.kind, n.alias) for n in project.names.all()] == [
            ("Priscilla", "person", "N01"), ("Zwolle", "place", "L01")]
    capsys.readouterr()
    outs = {"q.md": ["quotes"], "m.xlsx": ["matrix"], "t.csv": ["tidy"]}
    for name, args in outs.items():
        assert main(["export", *args, str(study), "-o", str(tmp_path / name), "--pseudonymise"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "Priscilla → N01 (1×)" in err and "not in the names list" not in err
    text = (tmp_path / "q.md").read_text(encoding="utf-8")
    assert "Mijn collega N01 helpt" in text and "Priscilla" not in text
    cells = "\n".join(str(c.value) for row in load_workbook(tmp_path / "m.xlsx")["Matrix"].iter_rows() for c in row)
    assert "N01" in cells and "Priscilla" not in cells
    assert "Priscilla" not in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert main(["names", str(study), "--remove", "Zwolle"]) == 0
    with Project.open(study) as project:
        assert [n.name for n in project.names.all()] == ["Priscilla"]


def test_citations_use_the_chosen_attributes_and_warn_about_small_groups(study, tmp_path, capsys):
    out = tmp_path / "q.csv"
    assert main(["export", "quotes", str(study), "-o", str(out)]) == 0
    with open(out, encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert "role" not in header and "perspective" not in header  # nothing chosen: no attributes cited
    capsys.readouterr()
    assert main(["citations", str(study), "--attributes", "ROLE"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "Quotes are cited with: role" in shown and "1 (identifying)" in shown
    with Project.open(study) as project:
        assert project.settings()["citation_attributes"] == ["role"]
    md = tmp_path / "q.md"
    assert main(["export", "quotes", str(study), "-o", str(md), "--language", "en"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "(role: onderwijsassistent)" in md.read_text(encoding="utf-8")
    # Karin is the only schoolleider, Sanne the only leraar, and two onderwijsassistenten are too few
    assert "3 cited combination(s) of role are held by fewer than 3 respondents" in err
    assert "leraar (1); schoolleider (1); onderwijsassistent (2)" in err
    assert main(["citations", str(study), "--attributes", "perspective"]) == 0
    with Project.open(study) as project, project.transaction():  # a third onderwijsassistent
        for case in project.cases.list():
            project.attributes.set("case", case.uuid, "role", "onderwijsassistent", "text")
    assert main(["citations", str(study), "--attributes", "role"]) == 0
    capsys.readouterr()
    assert main(["export", "quotes", str(study), "-o", str(md)]) == 0
    assert "fewer than 3" not in capsys.readouterr().err
    assert main(["citations", str(study), "--attributes", "leeftijd"]) != 0
    assert "unknown respondent attribute 'leeftijd'" in " ".join(capsys.readouterr().err.split())


def test_disagreements_can_be_pseudonymised(study, tmp_path, capsys):
    out = tmp_path / "d.csv"
    assert main(["disagreements", str(study), "-o", str(out), "--pseudonymise"]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "R0" in text
    for real in ("Karin", "Petra", "Mirjam", "Vries"):
        assert real not in text, real
    assert main(["disagreements", str(study), "-o", str(out)]) == 0
    assert "Petra" in out.read_text(encoding="utf-8-sig")


def _long_study(tmp_path, passages: int = 40):
    """One respondent with many long passages of one theme."""
    sentence = "Dit is een lange zin over de werkdruk in het onderwijs die steeds maar doorgaat. "
    turns = [f"Interviewer: Vraag {i}?\n\nSanne: " + sentence * 6 for i in range(passages)]
    text = "\n\n".join(turns) + "\n"
    path = tmp_path / "long.qualcode"
    project = Project.create(path, name="Lang")
    with project.transaction():
        theme = project.codebook.add("Werkdruk")
        code = project.codebook.add("Oorzaken", parent=theme.uuid)
        doc, _ = project.documents.add("Interview lang", text, detect_turns(text))
        cases = {c.name: c.uuid for c in project.cases.list()}
        project.attributes.set("case", cases["Sanne"], "role", "leraar", "text")
    codings, at = [], 0
    for _ in range(passages):
        start = text.index("Sanne: ", at) + len("Sanne: ")
        end = start + len(sentence * 6) - 1
        codings.append(NewCoding(doc.uuid, code.uuid, "anna", start, end))
        at = end
    project.codings.add_many(codings)
    project.close()
    return path


def test_long_matrix_cells_go_on_continuation_rows_and_the_sheet_prints(tmp_path):
    path = _long_study(tmp_path)
    out = tmp_path / "m.xlsx"
    assert main(["export", "matrix", str(path), "-o", str(out), "--language", "en"]) == 0
    ws = load_workbook(out)["Matrix"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "Sanne" and len(rows) > 3
    assert all(r[0] == "Sanne (continued)" and r[1] is None for r in rows[1:])
    cells = [r[-1] for r in rows]
    assert all(lines(c, 60) <= MAX_LINES for c in cells)  # every cell fits its row (Excel: 409 pt)
    assert sum(c.count("“") for c in cells) == 40  # nothing left out
    assert all(ws.row_dimensions[i].height <= 409 for i in range(2, len(rows) + 2))
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    dutch = tmp_path / "m_nl.xlsx"  # the project's language (nl): labels in the cells' references too
    assert main(["export", "matrix", str(path), "-o", str(dutch)]) == 0
    rows = list(load_workbook(dutch)["Matrix"].iter_rows(min_row=2, values_only=True))
    assert rows[1][0] == "Sanne (vervolg)"
    assert "Interview lang, beurt " in rows[0][-1] and ", turn " not in rows[0][-1]
    wide = tmp_path / "m.csv"
    assert main(["export", "matrix", str(path), "-o", str(wide)]) == 0
    with open(wide, encoding="utf-8-sig") as fh:
        assert len(list(csv.reader(fh))) == 2  # CSV: one row per respondent, for processing


def test_matrix_groups_sorts_and_writes_a_document(study, tmp_path):
    out = tmp_path / "m.xlsx"
    assert main(["export", "matrix", str(study), "-o", str(out), "--group-by", "role"]) == 0
    rows = [r for r in load_workbook(out)["Matrix"].iter_rows(min_row=2, values_only=True)]
    firsts = [r[0] for r in rows]
    assert firsts == ["role: leraar (N=1)", "Sanne", "role: onderwijsassistent (N=2)", "Petra", "Mirjam",
                      "role: schoolleider (N=1)", "Karin de Vries"]
    assert main(["export", "matrix", str(study), "-o", str(out), "--sort", "perspective"]) == 0
    firsts = [r[0] for r in load_workbook(out)["Matrix"].iter_rows(min_row=2, values_only=True)]
    assert firsts == ["Mirjam", "Karin de Vries", "Petra", "Sanne"]  # opleiding, organisatie…, primair proces ×2
    themes = tmp_path / "t.xlsx"
    assert main(["export", "matrix", str(study), "-o", str(themes), "--layout", "themes"]) == 0
    wb = load_workbook(themes)
    assert wb.sheetnames == ["Oorzaken werkdruk", "EVC", "About"]
    first = [c.value for c in next(wb["EVC"].iter_rows(min_row=2, max_row=2))]
    assert first[0].startswith("Karin de Vries\nrole: schoolleider") or first[0].startswith("Petra\nrole:")
    docx = tmp_path / "m.docx"
    assert main(["export", "matrix", str(study), "-o", str(docx), "--group-by", "role", "--pseudonymise"]) == 0
    doc = Document(str(docx))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["Oorzaken werkdruk", "EVC"]
    table = doc.tables[1]  # EVC
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Respondent", "EVC"]
    assert any(c[0].startswith("role: onderwijsassistent (N=2)") for c in cells)
    petra = next(c for c in cells if c[0].startswith("R02"))
    assert "Ik ben R02." in petra[1] and "Petra" not in petra[1] and "role: onderwijsassistent" in petra[0]


def test_top_lists_mark_ties_and_small_groups(study, tmp_path):
    with Project.open(study) as project:  # Sanne mentions Administratieve last too: 2 of 4, as Lerarentekort
        doc = project.documents.get("Interview 2")
        project.codings.add_many([NewCoding(doc.uuid, project.codebook.get("Administratieve last").uuid, "anna",
                                       *span(THIRD_PARTY, "Zonder Priscilla lukt het niet."))])
    out = tmp_path / "f.xlsx"
    assert main(["export", "frequencies", str(study), "-o", str(out)]) == 0
    wb = load_workbook(out)
    top = [r for r in wb["Top 3"].iter_rows(values_only=True)]
    assert top[0][2] == "All (N=4, small group)"
    cells = [r[2] for r in top if r[0] == "Oorzaken werkdruk" and r[1]]
    # Administratieve last and Lerarentekort are both mentioned by 2 of the 4 respondents
    assert cells[:2] == ["(=1) Administratieve last (2/4, 50%)", "(=1) Lerarentekort (2/4, 50%)"]
    freq = {r[1]: r for r in wb["Frequencies"].iter_rows(values_only=True)}
    assert freq["Administratieve last"][2] == "=1" and freq["Lerarentekort"][2] == "=1"
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert "fewer than 5 respondents" in about["small groups"]


