"""REFI-QDA sets and notes across a round trip: every real sample (import -> export -> import
keeps sets with GUIDs, descriptions and members, and notes with GUID, author and dates), case sets
through their case variable, and .qdc code sets."""

from __future__ import annotations

import zipfile

import pytest
from tests.refi.support import SAMPLES, needs_shared

from qualcode.cli.main import main
from qualcode.refi.project_writer import export_refi_project
from qualcode.refi.project_import import import_refi_project
from qualcode.store.project import Project


def qde(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(next(n for n in zf.namelist() if n.lower().endswith(".qde"))).decode("utf-8-sig")


def sets_and_notes(path) -> dict:
    with Project.open(path) as p:
        tree, names = p.codebook.tree(), p.documents.names()
        cases = {c.uuid: c.name for c in p.cases.list()}
        book = p.memos
        return {
            "sets": sorted((g.uuid, g.name, g.description, tuple(sorted(names[d] for d in g.documents)),
                            tuple(sorted(tree.path(c) for c in g.codes)), tuple(sorted(cases[c] for c in g.cases)))
                           for g in p.sets.all()),
            "notes": sorted((m.uuid, m.target_type, book.describe(m.target_type, m.target), m.author, m.text,
                             m.created_at, m.updated_at) for m in book.list() if m.target_type != "case"),
        }


@needs_shared
@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.qdpx")) if SAMPLES.is_dir() else [])
def test_samples_keep_sets_and_notes_across_a_round_trip(tmp_path, sample):
    first = tmp_path / "first.qualcode"
    import_refi_project(SAMPLES / sample, first, "en")
    with Project.open(first) as p:
        export_refi_project(p, tmp_path / "out.qdpx")
    second = tmp_path / "second.qualcode"
    import_refi_project(tmp_path / "out.qdpx", second, "en")
    a, b = sets_and_notes(first), sets_and_notes(second)
    assert a == b
    xml = qde(SAMPLES / sample)
    assert len(a["sets"]) == xml.count("<Set ")
    if "<Note " in xml:
        assert a["notes"] and all(n[5] for n in a["notes"])  # every note has its date


@needs_shared
def test_note_dates_authors_and_guids_are_the_files_own(tmp_path):
    """skyloom (ATLAS.ti): 'Research Plan' created 19:38:46, modified 19:41:09 by one user."""
    path = SAMPLES / "skyloom_TestProject.qdpx"
    import_refi_project(path, tmp_path / "p.qualcode", "en")
    with Project.open(tmp_path / "p.qualcode") as p:
        [plan] = [m for m in p.memos.list() if m.text.startswith("Research Plan")]
        assert (plan.created_at, plan.updated_at) == ("2018-03-27T19:38:46Z", "2018-03-27T19:41:09Z")
        assert plan.uuid.lower() == "ce15250d-46ad-42c2-b90f-a509b8d64ec8"
        assert plan.author and plan.author != "unknown coder"
        export_refi_project(p, tmp_path / "out.qdpx")
    xml = qde(tmp_path / "out.qdpx")
    assert 'creationDateTime="2018-03-27T19:38:46Z"' in xml and 'modifiedDateTime="2018-03-27T19:41:09Z"' in xml


def test_case_sets_and_dated_memos_round_trip_through_the_cli(project_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QUALCODE_CODER", "anna")
    p = str(project_path)
    assert main(["set", p, "add", "Wave 1", "--cases", "Karin", "--documents", "Interview test 1",
                 "--codes", "EVC", "--description", "first round"]) == 0
    assert main(["memo", p, "Werkdruk is the main theme", "--code", "Oorzaken werkdruk"]) == 0
    assert main(["memo", p, "Project log", "--project"]) == 0
    assert main(["memo", p, "Project log, edited", "--project"]) == 0  # same author: replaced, dates kept
    out = tmp_path / "study.qdpx"
    assert main(["export", "refi", p, "-o", str(out)]) == 0
    xml = zipfile.ZipFile(out).read("project.qde").decode()
    assert 'name="qualcode set: Wave 1"' in xml and "<MemberSource" in xml and "<MemberCode" in xml
    back = tmp_path / "back.qualcode"
    assert main(["init", str(back), "--from-refi", str(out)]) == 0
    before, after = sets_and_notes(project_path), sets_and_notes(back)
    assert after == before
    [wave] = after["sets"]
    assert wave[1:] == ("Wave 1", "first round", ("Interview test 1",), ("EVC",), ("Karin",))
    with Project.open(back) as project:
        assert "qualcode set: Wave 1" not in project.attributes.of("case").get(project.cases.get("Karin").uuid, {})


def test_qdc_code_sets_round_trip(project_path, tmp_path):
    p = str(project_path)
    assert main(["set", p, "add", "Kern", "--codes", "EVC/Vrijstelling", "Lerarentekort"]) == 0
    qdc = tmp_path / "cb.qdc"
    assert main(["codebook", "export", p, "-o", str(qdc)]) == 0
    if (SAMPLES.parent / "Codebook.xsd").is_file():
        from lxml import etree

        schema = etree.XMLSchema(etree.parse(str(SAMPLES.parent / "Codebook.xsd")))
        assert schema.validate(etree.parse(str(qdc))), schema.error_log.last_error
    fresh = tmp_path / "fresh.qualcode"
    assert main(["init", str(fresh), "--codebook", str(qdc)]) == 0
    with Project.open(fresh) as project:
        kern = project.sets.get("Kern")
        assert sorted(project.codebook.tree().path(c) for c in kern.codes) == ["EVC/Vrijstelling", "Oorzaken werkdruk/Lerarentekort"]
    # importing into an existing project adds the set there too
    other = tmp_path / "other.qualcode"
    assert main(["init", str(other)]) == 0
    assert main(["codebook", "import", str(other), str(qdc)]) == 0
    with Project.open(other) as project:
        assert len(project.sets.get("Kern").codes) == 2
