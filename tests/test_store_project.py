"""The project store: documents, codes, codings, undo/redo, versions, transactions."""

from __future__ import annotations

import sqlite3

import pytest

from qualcode.errors import ProjectError, VersionError
from qualcode.ingest.turns import detect_turns
from qualcode.store.codings import NewCoding
from qualcode.store.project import Project

TEXT = "Interviewer: Hoe gaat het?\n\nKarin: Druk. Veel administratie en invallen.\n"


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "p.qualcode")
    yield p
    p.close()


def _doc(project, name="Doc 1", text=TEXT):
    with project.transaction():
        doc, _ = project.add_document(name, text, detect_turns(text))
    return doc


def test_document_text_turns_and_cases(project):
    doc = _doc(project)
    turns = project.turns(doc.uuid)
    assert [t.speaker for t in turns] == ["Interviewer", "Karin"]
    assert doc.text[turns[1].start:turns[1].end] == "Druk. Veel administratie en invallen."
    roles = {c.name: c.role for c in project.cases()}
    assert roles == {"Interviewer": "interviewer", "Karin": "respondent"}
    assert project.documents()[0].respondents == ("Karin",)


def test_same_text_twice_is_not_duplicated_and_name_clash_is_refused(project):
    doc = _doc(project)
    with project.transaction():
        again, created = project.add_document("Other name", TEXT, [])
    assert not created and again.uuid == doc.uuid
    with pytest.raises(ProjectError, match="already exists"):
        with project.transaction():
            project.add_document("Doc 1", TEXT + "more", [])
    assert len(project.documents()) == 1


def test_document_lookup_by_prefix_and_case(project):
    _doc(project, "Interview leraar 1")
    _doc(project, "Interview leraar 2", TEXT + "x")
    assert project.document("interview LERAAR 2").name == "Interview leraar 2"
    with pytest.raises(ProjectError, match="ambiguous"):
        project.document("Interview leraar")
    with pytest.raises(ProjectError, match="no document"):
        project.document("Focusgroep")


def test_coding_validation_and_duplicates(project):
    doc = _doc(project)
    code = project.add_code("Administratie")
    c = project.add_coding(doc.uuid, code.uuid, "anna", 40, 57)
    assert c.text == doc.text[40:57]
    with pytest.raises(ProjectError, match="already coded"):
        project.add_coding(doc.uuid, code.uuid, "anna", 40, 57)
    project.add_coding(doc.uuid, code.uuid, "bram", 40, 57)  # another coder may code the same span
    with pytest.raises(ProjectError, match="outside"):
        project.add_coding(doc.uuid, code.uuid, "anna", 10, len(doc.text) + 1)
    with pytest.raises(ProjectError, match="outside"):
        project.add_coding(doc.uuid, code.uuid, "anna", 12, 12)
    assert len(project.codings()) == 2


def test_failed_batch_leaves_project_unchanged(project):
    doc = _doc(project)
    code = project.add_code("A")
    good = NewCoding(doc.uuid, code.uuid, "anna", 0, 5)
    bad = NewCoding(doc.uuid, code.uuid, "anna", 0, 10_000)
    with pytest.raises(ProjectError):
        project.add_codings([good, bad])
    assert project.codings() == []


def test_undo_redo_codings_and_codebook_edits(project):
    doc = _doc(project)
    theme = project.add_code("Werkdruk")
    leaf = project.add_code("Administratie", parent=theme.uuid)
    project.add_coding(doc.uuid, leaf.uuid, "anna", 40, 57)
    project.update_code(leaf.uuid, name="Administratieve last", keywords=["administratie"])
    assert project.code("Werkdruk/Administratieve last").keywords == ("administratie",)
    project.undo()
    assert project.code(leaf.uuid).name == "Administratie"
    project.redo()
    assert project.code(leaf.uuid).name == "Administratieve last"
    counts = project.delete_code(theme.uuid)
    assert counts == {"codes": 2, "codings": 1}
    assert len(project.tree()) == 0 and project.codings() == []
    project.undo()
    assert len(project.tree()) == 2 and len(project.codings()) == 1
    # a new change after an undo drops the redo branch
    project.undo()  # undo the rename
    project.add_code("Nieuw")
    assert project.redo() is None


def test_merge_and_move_codes(project):
    doc = _doc(project)
    a = project.add_code("A")
    b = project.add_code("B")
    kid = project.add_code("Kid", parent=a.uuid)
    project.add_coding(doc.uuid, a.uuid, "anna", 0, 5)
    project.add_coding(doc.uuid, b.uuid, "anna", 0, 5)
    project.add_coding(doc.uuid, a.uuid, "anna", 6, 10)
    result = project.merge_codes("A", "B")
    assert result == {"moved": 1, "duplicates_dropped": 1}
    assert project.code("B/Kid").uuid == kid.uuid
    assert {c.code for c in project.codings()} == {b.uuid}
    with pytest.raises(ProjectError, match="under itself"):
        project.move_code("B", "B/Kid")
    project.move_code("Kid", None)
    assert project.tree().path(kid.uuid) == "Kid"
    project.undo()
    assert project.tree().path(kid.uuid) == "B/Kid"


def test_sibling_names_unique_and_no_slash(project):
    project.add_code("A")
    with pytest.raises(ProjectError, match="already a code"):
        project.add_code("a ")
    with pytest.raises(ProjectError, match="may not contain"):
        project.add_code("A/B")


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "new.qualcode"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=99")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(VersionError, match="newer qualcode"):
        Project.open(path)
    assert path.read_bytes() == before


def test_not_a_project(tmp_path):
    junk = tmp_path / "junk.qualcode"
    junk.write_text("hello")
    with pytest.raises(ProjectError, match="not a qualcode project"):
        Project.open(junk)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.commit()
    with pytest.raises(ProjectError, match="not a qualcode project"):
        Project.open(other)


def test_wal_and_foreign_keys(project):
    assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_coded_share_counts_overlaps_once(project):
    doc = _doc(project)
    a, b = project.add_code("A"), project.add_code("B")
    project.add_coding(doc.uuid, a.uuid, "anna", 0, 10)
    project.add_coding(doc.uuid, b.uuid, "bram", 5, 20)
    project.add_coding(doc.uuid, b.uuid, "anna", 30, 35)
    assert project.documents()[0].coded_chars == 25
