"""Every real REFI-QDA file in ../shared/interop/refi/samples imports, with the counts of the XML."""

from __future__ import annotations

import re
import zipfile

import pytest
from tests.refi.support import SAMPLES, needs_shared

from qualcode.refi.project_import import import_refi_project
from qualcode.store.project import Project

pytestmark = needs_shared


def _xml_counts(path):
    with zipfile.ZipFile(path) as zf:
        name = next(n for n in zf.namelist() if n.lower().endswith(".qde"))
        xml = zf.read(name).decode("utf-8-sig")
    return {"codes": len(re.findall(r"<Code\b", xml)), "selections": len(re.findall(r"<PlainTextSelection\b", xml))}


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.qdpx")) if SAMPLES.is_dir() else [])
def test_every_sample_imports_with_the_xml_counts(tmp_path, sample):
    path = SAMPLES / sample
    report = import_refi_project(path, tmp_path / "p.qualcode", "en")
    xml = _xml_counts(path)
    assert report.counts["codes"] == {"xml": xml["codes"], "project": xml["codes"]}
    assert report.counts["text selections"]["xml"] == xml["selections"]
    with Project.open(tmp_path / "p.qualcode") as project:
        assert len(project.codebook.tree()) == xml["codes"]
        assert len(project.codings.list()) == report.counts["codings"]["project"]


def test_qc_demo_codings_cover_the_lines_qc_coded(tmp_path):
    """qc codes whole lines and names each selection 'line:N'; every passage must be exactly that line."""
    path = SAMPLES / "cproctor_demo.qdpx"
    report = import_refi_project(path, tmp_path / "p.qualcode", "en")
    assert report.counts["codings"] == {"xml": 205, "project": 205}
    assert report.counts["text selections"] == {"xml": 158, "project": 158}
    assert report.not_imported == []
    xml = zipfile.ZipFile(path).read("project.qde").decode()
    lines = {(int(m[2]), int(m[3])): int(m[1])
             for m in re.finditer(r'name="line:(\d+)" startPosition="(\d+)" endPosition="(\d+)"', xml)}
    with Project.open(tmp_path / "p.qualcode") as project:
        texts = {d.uuid: project.documents.get(d.uuid).text for d in project.documents.list()}
        assert sorted(project.documents.names().values()) == ["admin-1", "board_2017"]
        assert project.codings.coders() == ["cp"]
        for c in project.codings.list():
            assert c.text == texts[c.document].splitlines(keepends=True)[lines[(c.start, c.end)]]
        # the code tree keeps its hierarchy; a code keeps its GUID as its uuid
        tree = project.codebook.tree()
        code = tree.find("rq1_definition/competencies/programming")
        assert code is not None and code.uuid == "36636563-3863-6264-3638-303637613863"


def test_nvivo_round_trip_imports_codebook_and_reports_its_empty_texts(tmp_path):
    report = import_refi_project(SAMPLES / "cproctor_nvivo_project.qdpx", tmp_path / "p.qualcode", "en")
    assert report.counts["codes"]["project"] == 262
    assert report.counts["sources"] == {"xml": 2, "project": 0}
    assert any("text is empty" in line for line in report.not_imported)


def test_atlas_sample_without_source_files_reports_instead_of_crashing(tmp_path):
    report = import_refi_project(SAMPLES / "skyloom_TestProject.qdpx", tmp_path / "p.qualcode", "en")
    text = "\n".join(report.not_imported)
    assert "missing from the archive" in text and "8 selection(s) holding 9 coding(s)" in text
    for what in ("picture region", "PDF region", "video segment", "graph", "link"):
        assert what in text
    with Project.open(tmp_path / "p.qualcode") as project:
        tree = project.codebook.tree()
        assert tree.find("cornflakes").colour == "#dc0000"
        assert tree.find("Feelings").definition == "thoughts about breakfast foods"
        assert {m.text.split("\n")[0] for m in project.memos.list("project")} == {"Research Plan", "My favorite Coke ad"}
        members = {tree.by_uuid[u].name for u, a in project.attributes.of("code").items() if a.get("set/negative feelings")}
        assert members == {'"rushed"', "sleepy", "disgust", "waste of time"}


def test_taguette_codebook_with_empty_sets_reads(tmp_path):
    from qualcode.refi.codebook import read_qdc

    header, specs = read_qdc(SAMPLES / "taguette_tests_expected_codebook.qdc")
    assert [s.name for s in specs] == ["interesting", "people", "interesting\\places"]
    assert specs[0].uuid == "0d62985d-b147-5d01-a9b5-cae5dcd98342"
    assert header["origin"].startswith("Taguette")
