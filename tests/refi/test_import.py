"""Importing REFI-QDA projects: the tolerances real files need, and every kind of object."""

from __future__ import annotations

import pytest
from tests.refi.support import make_qdpx, project_xml, selection, text_source

from qualcode.errors import ProjectError
from qualcode.refi.project_import import import_refi_project
from qualcode.store.project import Project

G1, G2 = "a0000000-0000-0000-0000-000000000001", "a0000000-0000-0000-0000-000000000002"
TEXT = "Interviewer: Wat maakt het werk zwaar?\n\nKarin: De administratie, elke week weer.\n"
WORD = "De administratie"
START = TEXT.index(WORD)
ANNA = "11111111-1111-1111-1111-111111111111"


def _import(tmp_path, qde, files, **kw):
    qdpx = make_qdpx(tmp_path / "in.qdpx", qde, files, **{k: v for k, v in kw.items() if k == "qde_name"})
    report = import_refi_project(qdpx, tmp_path / "p.qualcode", "nl")
    return report, Project.open(tmp_path / "p.qualcode")


@pytest.mark.parametrize("ns", ["urn:QDA-XML:project:1.0", "urn:QDA-XML:project:1:0", "urn:QDA-XML:project:0:4",
                                "urn:QDA-XML:project:0:10", ""])
@pytest.mark.parametrize("layout", [
    ("project.qde", "sources/{g}.txt", "internal://{g}.txt"),
    ("Project.qde", "Sources/{g}.txt", "internal://{G}.txt"),
    ("Mijn studie.qde", "sources/{g}.txt", "{g}.txt"),
    ("export/project.qde", "export/sources/{g}.txt", "internal://{g}.txt"),
])
def test_namespaces_names_folders_and_paths_vary(tmp_path, ns, layout):
    qde_name, entry, path = layout
    code = "{C0000000-0000-0000-0000-000000000001}"  # braces and upper case in a reference
    sources = text_source(G1.upper(), "Interview Karin", selection("b0000000-0000-0000-0000-000000000001", START,
                          START + len(WORD), code=code, user="{" + ANNA.upper() + "}"), path=path.format(g=G1, G=G1.upper()))
    qde = project_xml(sources, ns=ns) if ns else project_xml(sources).replace(' xmlns="urn:QDA-XML:project:1.0"', "")
    report, project = _import(tmp_path, qde, {entry.format(g=G1): TEXT}, qde_name=qde_name)
    with project:
        [coding] = project.codings.list()
        assert coding.text == WORD and coding.coder == "anna"
        assert coding.uuid == "b0000000-0000-0000-0000-00000000ffff"
        assert project.documents.get("Interview Karin").uuid == G1
        assert project.codebook.get("Werkdruk").colour == "#ff0000"
    assert report.not_imported == []


def test_cases_variables_notes_and_sets(tmp_path):
    extra = f"""
    <Variables>
      <Variable guid="e0000000-0000-0000-0000-000000000001" name="leeftijd" typeOfVariable="Integer"/>
      <Variable guid="e0000000-0000-0000-0000-000000000002" name="functie" typeOfVariable="Text"/>
      <Variable guid="e0000000-0000-0000-0000-000000000003" name="ervaren" typeOfVariable="Boolean"/>
    </Variables>
    <Cases><Case guid="C0000000-0000-0000-0000-000000000001" name="Karin">
      <Description>Onderwijsassistent, groep 5.</Description>
      <VariableValue><VariableRef targetGUID="e0000000-0000-0000-0000-000000000001"/><IntegerValue>41</IntegerValue></VariableValue>
      <VariableValue><VariableRef targetGUID="e0000000-0000-0000-0000-000000000002"/><TextValue>OA</TextValue></VariableValue>
      <VariableValue><VariableRef targetGUID="e0000000-0000-0000-0000-000000000003"/><BooleanValue>true</BooleanValue></VariableValue>
      <SourceRef targetGUID="{G2}"/>
    </Case></Cases>"""
    notes = f"""<Notes>
      <Note guid="f0000000-0000-0000-0000-000000000001" name="Logboek" creatingUser="11111111-1111-1111-1111-111111111111">
        <PlainTextContent>Eerste indruk: veel werkdruk.</PlainTextContent></Note>
      <Note guid="f0000000-0000-0000-0000-000000000002" name="Over Karin"><PlainTextContent>Over Karin: open.</PlainTextContent></Note>
      <Note guid="f0000000-0000-0000-0000-000000000003" name="Mooi citaat"><PlainTextContent>Mooi citaat.</PlainTextContent></Note>
    </Notes>
    <Sets><Set guid="d0000000-0000-0000-0000-000000000001" name="Groep 5"><Description>De klassen van groep 5</Description>
      <MemberSource targetGUID="{G2}"/></Set>
      <Set guid="d0000000-0000-0000-0000-000000000002" name="Zwaar"><MemberCode targetGUID="c0000000-0000-0000-0000-000000000001"/></Set>
    </Sets>"""
    sel = ('<PlainTextSelection guid="b0000000-0000-0000-0000-000000000009" startPosition="0" endPosition="11">'
           '<Description>Let op</Description><Coding guid="b1000000-0000-0000-0000-000000000009" '
           f'creatingUser="{ANNA}" creationDateTime="2024-03-01T10:00:00Z"><CodeRef targetGUID="c0000000-0000-0000-0000-000000000001"/>'
           '<NoteRef targetGUID="f0000000-0000-0000-0000-000000000003"/></Coding></PlainTextSelection>')
    sources = (f'<TextSource guid="{G2}" name="Karin" plainTextPath="internal://{G2}.txt">{sel}'
               '<Coding guid="b2000000-0000-0000-0000-000000000001"><CodeRef targetGUID="c0000000-0000-0000-0000-000000000001"/></Coding>'
               '<NoteRef targetGUID="f0000000-0000-0000-0000-000000000002"/></TextSource>')
    qde = project_xml(sources, extra="").replace("<Sources>", extra + "<Sources>").replace("</Project>", notes + "</Project>")
    report, project = _import(tmp_path, qde, {f"sources/{G2}.txt": TEXT})
    with project:
        karin = project.cases.get("Karin")
        assert karin.attributes == {"leeftijd": 41, "functie": "OA", "ervaren": True}
        doc = project.documents.get("Karin")
        assert karin.uuid in project.cases.by_document()[doc.uuid]
        memos = {(m.target_type, m.text) for m in project.memos.list()}
        assert ("project", "Logboek\n\nEerste indruk: veel werkdruk.") in memos
        assert ("document", "Over Karin: open.") in memos
        assert ("case", "Onderwijsassistent, groep 5.") in memos
        codings = project.codings.list()
        whole = [c for c in codings if c.start == 0 and c.end == len(TEXT.rstrip("\n")) + 1]
        assert len(whole) == 1 and whole[0].coder == "unknown coder"
        [part] = [c for c in codings if c.end == 11]
        assert part.memo == "Let op\n\nMooi citaat." and part.created_at == "2024-03-01T10:00:00Z"
        assert project.attributes.of("document")[doc.uuid]["set/Groep 5"] is True
        assert project.attributes.of("code")[project.codebook.get("Werkdruk").uuid]["set/Zwaar"] is True
        assert '"description": "De klassen van groep 5"' in project.meta("refi_sets")
    assert report.counts["notes"] == {"xml": 3, "project": 3}
    assert report.counts["cases"] == {"xml": 1, "project": 1}


def test_duplicate_sibling_codes_and_slashes_are_kept_apart(tmp_path):
    codes = ('<Code guid="c0000000-0000-0000-0000-000000000001" name="a/b" isCodable="true"/>'
             '<Code guid="c0000000-0000-0000-0000-000000000002" name="Werk" isCodable="true"/>'
             '<Code guid="c0000000-0000-0000-0000-000000000003" name="werk" isCodable="false"/>')
    sel = selection("b0000000-0000-0000-0000-000000000001", 0, 5, code="c0000000-0000-0000-0000-000000000003")
    report, project = _import(tmp_path, project_xml(text_source(G1, "x", sel), codes=codes), {f"sources/{G1}.txt": TEXT})
    with project:
        names = sorted(c.name for c in project.codebook.tree())
        assert names == ["Werk", "a∕b", "werk (2)"]
        assert project.codebook.tree().by_uuid[project.codings.list()[0].code].name == "werk (2)"
    assert report.counts["codes"] == {"xml": 3, "project": 3}
    assert any("appears twice" in w for w in report.warnings)


def test_transcript_of_a_video_with_sync_points(tmp_path):
    video = (f'<VideoSource guid="{G1}" name="Gesprek.mp4" path="relative:///g.mp4">'
             f'<Transcript guid="{G2}" name="Gesprek" plainTextPath="internal://{G2}.txt">'
             f'<SyncPoint guid="90000000-0000-0000-0000-000000000001" position="{START}" timeStamp="1000"/>'
             f'<SyncPoint guid="90000000-0000-0000-0000-000000000002" position="{START + len(WORD)}" timeStamp="2000"/>'
             '<TranscriptSelection guid="91000000-0000-0000-0000-000000000001" fromSyncPoint="90000000-0000-0000-0000-000000000001" '
             'toSyncPoint="90000000-0000-0000-0000-000000000002"><Coding guid="92000000-0000-0000-0000-000000000001" '
             f'creatingUser="{ANNA}"><CodeRef targetGUID="c0000000-0000-0000-0000-000000000001"/></Coding></TranscriptSelection>'
             '</Transcript><VideoSelection guid="93000000-0000-0000-0000-000000000001" begin="0" end="5"/></VideoSource>')
    report, project = _import(tmp_path, project_xml(video), {f"sources/{G2}.txt": TEXT})
    with project:
        assert [c.text for c in project.codings.list()] == [WORD]
    assert any("video segment" in line for line in report.not_imported)


def test_existing_project_gets_the_import_and_a_second_import_adds_nothing(tmp_path):
    qdpx = make_qdpx(tmp_path / "in.qdpx", project_xml(text_source(G1, "Interview", selection(
        "b0000000-0000-0000-0000-000000000001", START, START + len(WORD)))), {f"sources/{G1}.txt": TEXT})
    first = import_refi_project(qdpx, tmp_path / "p.qualcode", "nl")
    second = import_refi_project(qdpx, tmp_path / "p.qualcode", "nl")
    assert first.created and not second.created
    assert second.counts["codings"] == {"xml": 1, "project": 0}
    with Project.open(tmp_path / "p.qualcode") as project:
        assert len(project.codings.list()) == 1 and len(project.documents.list()) == 1
    with pytest.raises(ProjectError, match="already exists"):
        import_refi_project(qdpx, tmp_path / "p.qualcode", "nl", must_be_new=True)


def test_out_of_range_and_unknown_references_are_reported_not_fatal(tmp_path):
    sels = (selection("b0000000-0000-0000-0000-000000000001", 5, 4000)
            + selection("b0000000-0000-0000-0000-000000000002", 9000, 9010)
            + selection("b0000000-0000-0000-0000-000000000003", 0, 4, code="c9999999-0000-0000-0000-000000000000"))
    report, project = _import(tmp_path, project_xml(text_source(G1, "x", sels)), {f"sources/{G1}.txt": TEXT})
    with project:
        [coding] = project.codings.list()
        assert (coding.start, coding.end) == (5, len(TEXT) - 1 + 1)
    text = "\n".join(report.warnings)
    assert "cut at its end" in text and "starts beyond" in text and "not in the codebook" in text
