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
        doc, _ = project.documents.add(name, text, detect_turns(text))
    return doc


def test_document_text_turns_and_cases(project):
    doc = _doc(project)
    turns = project.documents.turns(doc.uuid)
    assert [t.speaker for t in turns] == ["Interviewer", "Karin"]
    assert doc.text[turns[1].start:turns[1].end] == "Druk. Veel administratie en invallen."
    roles = {c.name: c.role for c in project.cases.list()}
    assert roles == {"Interviewer": "interviewer", "Karin": "respondent"}
    assert project.documents.list()[0].respondents == ("Karin",)


def test_same_text_twice_is_not_duplicated_and_name_clash_is_refused(project):
    doc = _doc(project)
    with project.transaction():
        again, created = project.documents.add("Other name", TEXT, [])
    assert not created and again.uuid == doc.uuid
    with pytest.raises(ProjectError, match="already exists"):
        with project.transaction():
            project.documents.add("Doc 1", TEXT + "more", [])
    assert len(project.documents.list()) == 1


def test_document_lookup_by_prefix_and_case(project):
    _doc(project, "Interview leraar 1")
    _doc(project, "Interview leraar 2", TEXT + "x")
    assert project.documents.get("interview LERAAR 2").name == "Interview leraar 2"
    with pytest.raises(ProjectError, match="ambiguous"):
        project.documents.get("Interview leraar")
    with pytest.raises(ProjectError, match="no document"):
        project.documents.get("Focusgroep")


def test_coding_validation_and_duplicates(project):
    doc = _doc(project)
    code = project.codebook.add("Administratie")
    c = project.codings.add(doc.uuid, code.uuid, "anna", 40, 57)
    assert c.text == doc.text[40:57]
    with pytest.raises(ProjectError, match="already coded"):
        project.codings.add(doc.uuid, code.uuid, "anna", 40, 57)
    project.codings.add(doc.uuid, code.uuid, "bram", 40, 57)  # another coder may code the same span
    with pytest.raises(ProjectError, match="outside"):
        project.codings.add(doc.uuid, code.uuid, "anna", 10, len(doc.text) + 1)
    with pytest.raises(ProjectError, match="outside"):
        project.codings.add(doc.uuid, code.uuid, "anna", 12, 12)
    assert len(project.codings.list()) == 2


def test_failed_batch_leaves_project_unchanged(project):
    doc = _doc(project)
    code = project.codebook.add("A")
    good = NewCoding(doc.uuid, code.uuid, "anna", 0, 5)
    bad = NewCoding(doc.uuid, code.uuid, "anna", 0, 10_000)
    with pytest.raises(ProjectError):
        project.codings.add_many([good, bad])
    assert project.codings.list() == []


def test_undo_redo_codings_and_codebook_edits(project):
    doc = _doc(project)
    theme = project.codebook.add("Werkdruk")
    leaf = project.codebook.add("Administratie", parent=theme.uuid)
    project.codings.add(doc.uuid, leaf.uuid, "anna", 40, 57)
    project.codebook.update(leaf.uuid, name="Administratieve last", keywords=["administratie"])
    assert project.codebook.get("Werkdruk/Administratieve last").keywords == ("administratie",)
    project.history.undo()
    assert project.codebook.get(leaf.uuid).name == "Administratie"
    project.history.redo()
    assert project.codebook.get(leaf.uuid).name == "Administratieve last"
    counts = project.codebook.delete(theme.uuid)
    assert counts == {"codes": 2, "codings": 1}
    assert len(project.codebook.tree()) == 0 and project.codings.list() == []
    project.history.undo()
    assert len(project.codebook.tree()) == 2 and len(project.codings.list()) == 1
    # a new change after an undo drops the redo branch
    project.history.undo()  # undo the rename
    project.codebook.add("Nieuw")
    assert project.history.redo() is None


def test_merge_and_move_codes(project):
    doc = _doc(project)
    a = project.codebook.add("A")
    b = project.codebook.add("B")
    kid = project.codebook.add("Kid", parent=a.uuid)
    project.codings.add(doc.uuid, a.uuid, "anna", 0, 5)
    project.codings.add(doc.uuid, b.uuid, "anna", 0, 5)
    project.codings.add(doc.uuid, a.uuid, "anna", 6, 10)
    result = project.codebook.merge("A", "B")
    assert result == {"moved": 1, "duplicates_dropped": 1}
    assert project.codebook.get("B/Kid").uuid == kid.uuid
    assert {c.code for c in project.codings.list()} == {b.uuid}
    with pytest.raises(ProjectError, match="under itself"):
        project.codebook.move("B", "B/Kid")
    project.codebook.move("Kid", None)
    assert project.codebook.tree().path(kid.uuid) == "Kid"
    project.history.undo()
    assert project.codebook.tree().path(kid.uuid) == "B/Kid"


def test_sibling_names_unique_and_no_slash(project):
    project.codebook.add("A")
    with pytest.raises(ProjectError, match="already a code"):
        project.codebook.add("a ")
    with pytest.raises(ProjectError, match="may not contain"):
        project.codebook.add("A/B")


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
    a, b = project.codebook.add("A"), project.codebook.add("B")
    project.codings.add(doc.uuid, a.uuid, "anna", 0, 10)
    project.codings.add(doc.uuid, b.uuid, "bram", 5, 20)
    project.codings.add(doc.uuid, b.uuid, "anna", 30, 35)
    assert project.documents.list()[0].coded_chars == 25
