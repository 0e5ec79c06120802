"""REFI-QDA without loss: users, transcript detection, case GUIDs, bare .qde, placeholders."""

from __future__ import annotations

import zipfile

from tests.refi.support import (
    make_qdpx,
    project_xml,
    qde_of,
    selection,
    text_source,
    validate,
)

from qualcode.cli.main import main
from qualcode.refi.project_writer import export_refi_project
from qualcode.refi.project_import import import_refi_project
from qualcode.store.project import Project

ANNA = "11111111-1111-1111-1111-111111111111"
BEN = "22222222-2222-2222-2222-222222222222"
USERS = f'<User guid="{ANNA}" name="anna" id="AN"/><User guid="{BEN}" name="ben"/>'
COMMENTS = ("Covid: the numbers went up again and nobody cares anymore\n"
            "I agree with the previous comment, this is a disgrace.\n"
            "Pfizer: they made billions while we stayed home.\n"
            "Great video, thanks for the explanation!\n"
            "Orbán: he said it would be over by summer.\n"
            "Why does nobody talk about the schools?\n"
            "Subscribed.\n")
INTERVIEW = ("Interviewer: How did you start?\n\nKarin: By accident, really.\n\n"
             "Interviewer: And now?\n\nKarin: Now I love it.\n")


def _one_source(tmp_path, text: str, name: str = "Comments", extra: str = "", users: str = USERS):
    guid = "aaaaaaaa-0000-0000-0000-000000000001"
    xml = project_xml(text_source(guid, name, selection("bbbbbbbb-0000-0000-0000-000000000001", 0, 5)),
                      extra=extra, users=users)
    return make_qdpx(tmp_path / "in.qdpx", xml, {f"sources/{guid}.txt": text})


def test_users_without_codings_keep_their_guid_through_export(tmp_path):
    report = import_refi_project(_one_source(tmp_path, INTERVIEW), tmp_path / "p.qualcode", "en")
    assert report.counts["users"] == {"xml": 2, "project": 2}
    with Project.open(tmp_path / "p.qualcode") as p:
        assert p.users.guids() == {"anna": ANNA, "ben": BEN}
        assert p.codings.coders() == ["anna"]  # ben coded nothing
        export_refi_project(p, tmp_path / "out.qdpx")
    xml = qde_of(tmp_path / "out.qdpx").decode()
    assert f'guid="{BEN}" name="ben"' in xml and f'guid="{ANNA}" name="anna" id="AN"' in xml
    validate(qde_of(tmp_path / "out.qdpx"), "Project.xsd")


def test_a_text_that_is_not_a_transcript_gets_no_speakers_and_exports_no_cases(tmp_path):
    report = import_refi_project(_one_source(tmp_path, COMMENTS), tmp_path / "p.qualcode", "en")
    assert any("not transcripts" in w for w in report.warnings)
    with Project.open(tmp_path / "p.qualcode") as p:
        (doc,) = p.documents.list()
        assert doc.kind == "text" and doc.respondents == ()
        assert p.cases.list() == []
        assert all(t.speaker is None for t in p.documents.turns(doc.uuid))
        export_refi_project(p, tmp_path / "out.qdpx")
    assert b"<Cases" not in qde_of(tmp_path / "out.qdpx")


def test_detect_speakers_forces_speaker_parsing(tmp_path):
    import_refi_project(_one_source(tmp_path, COMMENTS), tmp_path / "p.qualcode", "en", detect_speakers=True)
    with Project.open(tmp_path / "p.qualcode") as p:
        assert "Covid" in {c.name for c in p.cases.list()}
        assert p.documents.list()[0].kind != "text"


def test_a_clear_transcript_gets_its_speakers_and_interviewer(tmp_path):
    import_refi_project(_one_source(tmp_path, INTERVIEW, name="Karin"), tmp_path / "p.qualcode", "en")
    with Project.open(tmp_path / "p.qualcode") as p:
        assert p.documents.list()[0].kind == "interview"
        assert {(c.name, c.role) for c in p.cases.list()} == {("Karin", "respondent"), ("Interviewer", "interviewer")}


def test_speakers_in_a_non_transcript_of_an_old_project_are_not_exported_as_cases(tmp_path):
    from qualcode.ingest.turns import detect_turns

    with Project.create(tmp_path / "p.qualcode", "en") as p:
        with p.transaction():
            p.documents.add("Comments", COMMENTS, detect_turns(COMMENTS), kind="text")
            p.documents.add("Karin", INTERVIEW, detect_turns(INTERVIEW), kind="interview")
        assert {c.name for c in p.cases.list()} >= {"Covid", "Karin"}
        export_refi_project(p, tmp_path / "out.qdpx")
    xml = qde_of(tmp_path / "out.qdpx").decode()
    assert 'name="Karin"' in xml and 'name="Covid"' not in xml


def test_case_guids_survive_a_round_trip(tmp_path):
    case = "cccccccc-0000-0000-0000-000000000001"
    cases = (f'<Cases><Case guid="{case}" name="Karin"><SourceRef targetGUID="aaaaaaaa-0000-0000-0000-000000000001"/>'
             '</Case></Cases>')
    import_refi_project(_one_source(tmp_path, INTERVIEW, name="Karin", extra=cases), tmp_path / "p.qualcode", "en")
    with Project.open(tmp_path / "p.qualcode") as p:
        assert p.cases.get("Karin").uuid == case
        export_refi_project(p, tmp_path / "out.qdpx")
    assert f'guid="{case}" name="Karin"' in qde_of(tmp_path / "out.qdpx").decode()
    import_refi_project(tmp_path / "out.qdpx", tmp_path / "q.qualcode", "en")
    with Project.open(tmp_path / "q.qualcode") as q:
        assert q.cases.get("Karin").uuid == case


def test_a_bare_qde_with_a_sources_folder_imports(tmp_path, capsys):
    guid = "aaaaaaaa-0000-0000-0000-000000000001"
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / f"{guid}.txt").write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "outside.txt").write_text("secret", encoding="utf-8")
    xml = project_xml(text_source(guid, "Karin", selection("bbbbbbbb-0000-0000-0000-000000000001", 13, 31))
                      + text_source("aaaaaaaa-0000-0000-0000-000000000002", "Escape", path="internal://../outside.txt"),
                      users=USERS)
    (tmp_path / "project.qde").write_text(xml, encoding="utf-8")
    assert main(["import-refi", str(tmp_path / "p.qualcode"), str(tmp_path / "project.qde")]) == 0
    with Project.open(tmp_path / "p.qualcode") as p:
        (c,) = p.codings.list()
        assert c.text == "How did you start?"
        assert [d.name for d in p.documents.list()] == ["Karin"]
        # a path out of the sources folder is never read: that source is kept as a placeholder instead
        assert [k["name"] for k in p.placeholders.all()] == ["Escape"]


def test_a_bare_qde_that_is_not_xml_says_so(tmp_path, capsys):
    path = tmp_path / "project.qde"
    path.write_text("hello", encoding="utf-8")
    assert main(["import-refi", str(tmp_path / "p.qualcode"), str(path)]) != 0
    assert "not well-formed XML" in capsys.readouterr().err
    assert not (tmp_path / "p.qualcode").exists()


PICTURE = ('<PictureSource guid="dddddddd-0000-0000-0000-000000000001" name="classroom.jpg" '
           'path="internal://dddddddd-0000-0000-0000-000000000001.jpg">'
           '<PictureSelection guid="dddddddd-0000-0000-0000-000000000002" firstX="1" firstY="2" secondX="30" secondY="40">'
           f'<Coding guid="dddddddd-0000-0000-0000-000000000003" creatingUser="{BEN}">'
           '<CodeRef targetGUID="C0000000-0000-0000-0000-000000000001"/></Coding>'
           f'<Coding guid="dddddddd-0000-0000-0000-000000000004" creatingUser="{BEN}">'
           '<CodeRef targetGUID="C0000000-0000-0000-0000-00000000dead"/></Coding>'
           '</PictureSelection></PictureSource>')
VIDEO = ('<VideoSource guid="eeeeeeee-0000-0000-0000-000000000001" name="lesson.mp4" path="relative:///lesson.mp4"/>')


def test_pictures_and_videos_are_kept_and_handed_back_on_export(tmp_path):
    guid = "aaaaaaaa-0000-0000-0000-000000000001"
    xml = project_xml(text_source(guid, "Karin") + PICTURE + VIDEO, users=USERS)
    jpeg = b"\xff\xd8\xff\xe0fake jpeg bytes"
    qdpx = make_qdpx(tmp_path / "in.qdpx", xml, {f"sources/{guid}.txt": INTERVIEW,
                                                 "sources/dddddddd-0000-0000-0000-000000000001.jpg": jpeg})
    report = import_refi_project(qdpx, tmp_path / "p.qualcode", "en")
    assert report.counts["sources"] == {"xml": 3, "project": 3}
    assert "picture region" not in " ".join(report.not_imported)
    with Project.open(tmp_path / "p.qualcode") as p:
        assert sorted((k["name"], k["kind"]) for k in p.placeholders.all()) == [("classroom.jpg", "picture"),
                                                                                ("lesson.mp4", "video")]
        assert p.status()["sources_kept"] == {"picture": 1, "video": 1}  # what `qualcode status` reports
        export_refi_project(p, tmp_path / "out.qdpx")
    out = qde_of(tmp_path / "out.qdpx")
    validate(out, "Project.xsd")
    text = out.decode()
    assert 'name="classroom.jpg"' in text and 'firstX="1"' in text and 'path="relative:///lesson.mp4"' in text
    assert "dddddddd-0000-0000-0000-000000000003" in text  # the coding of a known code is handed back
    assert "00000000dead" not in text  # a coding of a code not in the codebook would dangle: left out
    with zipfile.ZipFile(tmp_path / "out.qdpx") as zf:
        assert zf.read("sources/dddddddd-0000-0000-0000-000000000001.jpg") == jpeg


def test_documents_lists_placeholders(tmp_path, capsys):
    guid = "aaaaaaaa-0000-0000-0000-000000000001"
    xml = project_xml(text_source(guid, "Karin") + VIDEO, users=USERS)
    qdpx = make_qdpx(tmp_path / "in.qdpx", xml, {f"sources/{guid}.txt": INTERVIEW})
    import_refi_project(qdpx, tmp_path / "p.qualcode", "en")
    capsys.readouterr()
    assert main(["documents", str(tmp_path / "p.qualcode")]) == 0
    out = capsys.readouterr().out
    assert "lesson.mp4" in out and "not codable" in out


def test_a_pdf_whose_text_is_imported_goes_back_as_the_same_pdf(tmp_path):
    rep = "ffffffff-0000-0000-0000-000000000002"
    pdf_guid = "ffffffff-0000-0000-0000-000000000001"
    pdf = (f'<PDFSource guid="{pdf_guid}" name="beleid.pdf" path="internal://{pdf_guid}.pdf">'
           '<Description>Beleidsplan</Description>'
           '<PDFSelection guid="ffffffff-0000-0000-0000-000000000003" page="1" firstX="1" firstY="1" secondX="9" secondY="9">'
           f'<Coding guid="ffffffff-0000-0000-0000-000000000004" creatingUser="{ANNA}">'
           '<CodeRef targetGUID="C0000000-0000-0000-0000-000000000001"/></Coding></PDFSelection>'
           f'<Representation guid="{rep}" name="beleid.txt" plainTextPath="internal://{rep}.txt">'
           + selection("ffffffff-0000-0000-0000-000000000005", 0, 6) + '</Representation></PDFSource>')
    blob = b"%PDF-1.4 fake pdf bytes"
    qdpx = make_qdpx(tmp_path / "in.qdpx", project_xml(pdf, users=USERS),
                     {f"sources/{rep}.txt": "Beleid voor de komende jaren.", f"sources/{pdf_guid}.pdf": blob})
    report = import_refi_project(qdpx, tmp_path / "p.qualcode", "en")
    assert "PDF region" in " ".join(report.not_imported)  # the region cannot be coded here...
    with Project.open(tmp_path / "p.qualcode") as p:
        (doc,) = p.documents.list()
        assert doc.uuid == rep and p.placeholders.all() == []
        (wrapper,) = p.placeholders.all(wrappers=True)
        assert wrapper["document"] == rep
        (c,) = p.codings.list()
        assert c.text == "Beleid"
        export_refi_project(p, tmp_path / "out.qdpx")
    out = qde_of(tmp_path / "out.qdpx")
    validate(out, "Project.xsd")
    text = out.decode()
    assert "<TextSource" not in text and f'<PDFSource guid="{pdf_guid}"' in text
    assert "ffffffff-0000-0000-0000-000000000004" in text  # ...but it is handed back with its coding
    assert f'<Representation guid="{rep}"' in text and 'startPosition="0" endPosition="6"' in text
    with zipfile.ZipFile(tmp_path / "out.qdpx") as zf:
        assert zf.read(f"sources/{pdf_guid}.pdf") == blob
    import_refi_project(tmp_path / "out.qdpx", tmp_path / "q.qualcode", "en")
    with Project.open(tmp_path / "q.qualcode") as q:
        assert [d.uuid for d in q.documents.list()] == [rep] and len(q.codings.list()) == 1
        assert len(q.placeholders.all(wrappers=True)) == 1
