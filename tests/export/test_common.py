"""A small study for the export tests, and tests of what every export shares: which passages,
which respondents, --where, --coder, pseudonyms. The other test_export_* modules import
``build_study`` from here."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.domain.locate import find_quote
from qualcode.errors import ProjectError
from qualcode.export.dataset import load
from qualcode.export.options import ExportOptions, parse_where
from qualcode.export.pseudonym import Pseudonymiser
from qualcode.ingest.turns import detect_turns
from qualcode.store.codings import NewCoding
from qualcode.store.project import Project

INTERVIEW = """Interview schoolleider

Interviewer (00:00:01): Wat maakt het werk zwaar?

Karin de Vries (00:00:05): Nou, de administratie. Elke week weer registratie van toetsen.

Interviewer (00:01:10): En het lerarentekort?

Karin de Vries (00:01:15): =1+2 zei de directeur, zo simpel is het niet. Karin moet zelf invallen.
"""

FOCUS_GROUP = """Moderator (00:00:00): Welkom. Wie begint?

Petra (00:00:10): Ik ben Petra. Mijn EVC-traject gaf een vrijstelling.

Mirjam (00:00:30): Bij mij ook een vrijstelling, net als Petra.

Moderator (00:00:50): Dank jullie.
"""


def span(text: str, quote: str) -> tuple[int, int]:
    hits = find_quote(text, quote)
    assert len(hits) == 1, quote
    return hits[0]


def build_study(path: Path) -> Path:
    """Two documents (an interview and a focus group), two themes, two coders, attributes.

    Codings (see the tests for what each one exercises):
      1 anna+bram  Karin 'de administratie…'            Administratieve last (identical: shown once)
      2 anna       Karin '=1+2 zei de directeur…'        Lerarentekort, memo '=HYPERLINK(…)'
      3 anna       Interviewer 'En het lerarentekort?'   Lerarentekort (goes to Karin, the only respondent)
      4 anna       Petra's and Mirjam's turns           Vrijstelling (belongs to both)
      5 bram       Moderator 'Welkom. Wie begint?'       Administratieve last (no respondent)
      6 bram       Petra 'Mijn EVC-traject…'             Vrijstelling (overlaps 4: the consensus)
    """
    project = Project.create(path, name="Teststudie")
    with project.transaction():
        werkdruk = project.codebook.add("Oorzaken werkdruk", definition="Wat het werk zwaar maakt.")
        admin = project.codebook.add("Administratieve last", parent=werkdruk.uuid, definition="Papierwerk.")
        tekort = project.codebook.add("Lerarentekort", parent=werkdruk.uuid)
        evc = project.codebook.add("EVC")
        vrij = project.codebook.add("Vrijstelling", parent=evc.uuid)
        interview, _ = project.documents.add("Interview 1", INTERVIEW, detect_turns(INTERVIEW))
        focus, _ = project.documents.add("Focusgroep 1", FOCUS_GROUP, detect_turns(FOCUS_GROUP), kind="focus_group")
        cases = {c.name: c.uuid for c in project.cases.list()}
        for name, role, perspective in (("Karin de Vries", "schoolleider", "organisatie; sector"),
                                        ("Petra", "onderwijsassistent", "primair proces"),
                                        ("Mirjam", "onderwijsassistent", "opleiding")):
            project.attributes.set("case", cases[name], "role", role, "text")
            project.attributes.set("case", cases[name], "perspective", perspective, "text")
        project.attributes.set("document", interview.uuid, "school", "regulier", "text")
        project.attributes.set("document", focus.uuid, "school", "speciaal", "text")
    i_admin = span(INTERVIEW, "de administratie. Elke week weer registratie van toetsen.")
    i_formula = span(INTERVIEW, "=1+2 zei de directeur, zo simpel is het niet. Karin moet zelf invallen.")
    i_question = span(INTERVIEW, "En het lerarentekort?")
    f_both = (span(FOCUS_GROUP, "Ik ben Petra.")[0], span(FOCUS_GROUP, "net als Petra.")[1])
    f_welkom = span(FOCUS_GROUP, "Welkom. Wie begint?")
    f_petra = span(FOCUS_GROUP, "Mijn EVC-traject gaf een vrijstelling.")
    project.codings.add_many([
        NewCoding(interview.uuid, admin.uuid, "anna", *i_admin),
        NewCoding(interview.uuid, admin.uuid, "bram", *i_admin, memo="-ook bij anna"),
        NewCoding(interview.uuid, tekort.uuid, "anna", *i_formula, memo="=HYPERLINK(\"http://x\")"),
        NewCoding(interview.uuid, tekort.uuid, "anna", *i_question),
        NewCoding(focus.uuid, vrij.uuid, "anna", *f_both, memo="Petra en Mirjam noemen allebei een vrijstelling"),
        NewCoding(focus.uuid, admin.uuid, "bram", *f_welkom),
        NewCoding(focus.uuid, vrij.uuid, "bram", *f_petra),
    ])
    project.close()
    return path


@pytest.fixture
def study(tmp_path) -> Path:
    return build_study(tmp_path / "study.qualcode")


def _data(path, **kw):
    with Project.open(path) as project, project.read_only():
        return load(project, ExportOptions(**kw))


def _by_text(data, start_of_text: str):
    return [p for p in data.passages if p.text.startswith(start_of_text)]


def test_identical_spans_of_two_coders_are_one_passage(study):
    data = _data(study)
    admin = _by_text(data, "de administratie")
    assert len(admin) == 1
    assert admin[0].coders == ["anna", "bram"]
    assert len(data.passages) == 6


def test_passages_belong_to_respondents_through_their_turns(study):
    data = _data(study)
    names = {uuid: c.name for uuid, c in data.cases.items()}
    both = _by_text(data, "Ik ben Petra")[0]
    assert [names[c] for c in both.cases] == ["Petra", "Mirjam"]
    assert data.turn_label(both) == "turns 2–3"
    question = _by_text(data, "En het lerarentekort")[0]
    assert [names[c] for c in question.cases] == ["Karin de Vries"] and not question.by_turn
    assert data.reference(question).startswith("Interviewer, Interview 1, turn 3, 00:01:10")
    welkom = _by_text(data, "Welkom")[0]
    assert welkom.cases == () and data.unassigned == 1
    admin = _by_text(data, "de administratie")[0]
    assert data.reference(admin) == "Karin de Vries, Interview 1, turn 2, 00:00:05"


def test_one_coder_and_consensus(study):
    bram = _data(study, coder="Bram")
    assert sorted(p.text[:10] for p in bram.passages) == ["Mijn EVC-t", "Welkom. Wi", "de adminis"]
    consensus = _data(study, coder="consensus")
    texts = sorted(p.text for p in consensus.passages)
    # both coders coded both documents: only the administratie passage and the part of the
    # Vrijstelling passage both coded remain
    assert texts == ["Mijn EVC-traject gaf een vrijstelling.", "de administratie. Elke week weer registratie van toetsen."]
    with pytest.raises(ProjectError, match="no coder named 'chris'"):
        _data(study, coder="chris")


def test_where_filters_respondents_and_multi_valued_attributes(study):
    data = _data(study, where=parse_where(["role=onderwijsassistent"]))
    assert [c.name for c in data.respondents()] == ["Petra", "Mirjam"]
    assert {p.text[:6] for p in data.selected_passages()} == {"Ik ben", "Mijn E"}
    sector = _data(study, where=parse_where(["perspective=SECTOR"]))
    assert [c.name for c in sector.respondents()] == ["Karin de Vries"]
    either = _data(study, where=parse_where(["perspective=sector", "perspective=opleiding"]))
    assert [c.name for c in either.respondents()] == ["Karin de Vries", "Mirjam"]
    doc = _data(study, where=parse_where(["school=speciaal", "role!=schoolleider"]))
    assert [c.name for c in doc.respondents()] == ["Petra", "Mirjam"]
    kind = _data(study, where=parse_where(["kind=interview"]))
    assert [c.name for c in kind.respondents()] == ["Karin de Vries"]


def test_where_errors_are_one_clear_sentence(study):
    with pytest.raises(ProjectError, match=r"unknown attribute 'rol' in --where \(attributes: perspective, role, school"):
        _data(study, where=parse_where(["rol=leraar"]))
    with pytest.raises(ProjectError, match="no respondent or document has role = 'leraar'"):
        _data(study, where=parse_where(["role=leraar"]))
    with pytest.raises(ProjectError, match="KEY=VALUE"):
        parse_where(["role"])
    with pytest.raises(ProjectError, match="no code 'Werkdruk/Onbekend'"):
        _data(study, codes=["Werkdruk/Onbekend"])


def test_pseudonyms_follow_the_order_people_first_speak(study):
    with Project.open(study) as project:
        pseudo = Pseudonymiser(project.reads.cases(), project.reads.speakers())
    assert pseudo.mapping_rows() == [
        ["Karin de Vries", "R01", "respondent"], ["Petra", "R02", "respondent"], ["Mirjam", "R03", "respondent"]]
    assert pseudo.text("Karin moet invallen, zegt Karin de Vries tegen Petra.") == "R01 moet invallen, zegt R01 tegen R02."
    assert pseudo.text("Interviewer vraagt het aan Petra-achtige mensen") == "Interviewer vraagt het aan R02-achtige mensen"
    assert pseudo.speaker("Moderator") == "Moderator"
    assert pseudo.text("de Vries") == "de R01"  # the surname alone is replaced too, the particle kept
