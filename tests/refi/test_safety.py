"""A .qdpx or .qdc is someone else's file: hostile or broken ones end in a clear error, nothing changed."""

from __future__ import annotations

import io
import zipfile

import pytest
from tests.conftest import file_digest
from tests.refi.support import make_qdpx, project_xml, selection, text_source

from qualcode.errors import InputError
from qualcode.refi import archive as refi_archive
from qualcode.refi.project_import import import_refi_project

G1 = "a0000000-0000-0000-0000-000000000001"
LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>"""
GOOD_SOURCES = text_source(G1, "x", selection("b0000000-0000-0000-0000-000000000001", 0, 5))


@pytest.fixture
def existing(tmp_path, codebook_file, transcript_file):
    """A real project (built through the core, not the CLI), and its digest before the attempt."""
    from qualcode.ingest.codebook_yaml import read_codebook
    from qualcode.ingest.importer import import_files
    from qualcode.store.project import Project

    path = tmp_path / "study.qualcode"
    with Project.create(path, "nl") as project:
        with project.transaction():
            project.codebook.apply(read_codebook(codebook_file)[1])
        import_files(project, [transcript_file])
    return path, file_digest(path)


def _refused(qdpx, project, match: str):
    path, digest = project
    with pytest.raises(InputError, match=match) as info:
        import_refi_project(qdpx, path, "nl")
    assert str(qdpx) in str(info.value)
    assert file_digest(path) == digest
    assert [p.name for p in path.parent.iterdir() if ".refi-" in p.name] == []  # no temporary file left
    return info.value


def test_billion_laughs_is_refused(tmp_path, existing):
    _refused(make_qdpx(tmp_path / "laughs.qdpx", LAUGHS), existing, "DTD")


def test_external_entity_is_refused(tmp_path, existing):
    _refused(make_qdpx(tmp_path / "xxe.qdpx", XXE), existing, "DTD")


def test_zip_slip_names_are_refused(tmp_path, existing):
    qdpx = make_qdpx(tmp_path / "slip.qdpx", project_xml(GOOD_SOURCES), {"../../evil.txt": "x", f"sources/{G1}.txt": "hallo"})
    _refused(qdpx, existing, "outside the archive")
    qdpx = make_qdpx(tmp_path / "abs.qdpx", project_xml(GOOD_SOURCES), {"/etc/evil.txt": "x"})
    _refused(qdpx, existing, "outside the archive")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_truncated_zip_is_refused(tmp_path, existing):
    good = make_qdpx(tmp_path / "good.qdpx", project_xml(GOOD_SOURCES), {f"sources/{G1}.txt": "hallo wereld"})
    cut = tmp_path / "cut.qdpx"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    _refused(cut, existing, "damaged or truncated")


def test_not_a_zip_is_refused(tmp_path, existing):
    path = tmp_path / "plain.qdpx"
    path.write_text("hello", encoding="utf-8")
    _refused(path, existing, "not a readable .qdpx")


def test_wrong_root_element_is_refused(tmp_path, existing):
    qdpx = make_qdpx(tmp_path / "root.qdpx", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    error = _refused(qdpx, existing, "root element is <CodeBook>")
    assert "project.qde" in str(error)


def test_malformed_xml_names_the_entry_and_line(tmp_path, existing):
    qdpx = make_qdpx(tmp_path / "bad.qdpx", '<?xml version="1.0"?>\n<Project name="x">\n<Users>\n</Project>')
    error = _refused(qdpx, existing, "not well-formed")
    assert "project.qde" in str(error) and error.line in (3, 4)


def test_archive_without_project_xml_is_refused(tmp_path, existing):
    _refused(make_qdpx(tmp_path / "none.qdpx", b"x", qde_name="readme.txt"), existing, "no project.qde")


def test_zip_bomb_by_ratio_is_refused(tmp_path, existing):
    bomb = tmp_path / "bomb.qdpx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", project_xml(GOOD_SOURCES))
        zf.writestr(f"sources/{G1}.txt", b"\0" * (20 * 1024 * 1024))
    bomb.write_bytes(buf.getvalue())
    _refused(bomb, existing, "zip bomb")


def test_total_size_limit_and_lying_sizes(tmp_path, existing, monkeypatch):
    qdpx = make_qdpx(tmp_path / "big.qdpx", project_xml(GOOD_SOURCES), {f"sources/{G1}.txt": "x" * 5000})
    monkeypatch.setattr(refi_archive, "MAX_TOTAL_BYTES", 3000)
    _refused(qdpx, existing, "larger than")
    monkeypatch.undo()
    # an entry whose real size exceeds what the directory declares never reads past the declared size
    archive = refi_archive.RefiArchive(qdpx)
    archive.entries[f"sources/{G1}.txt"].file_size = 100
    with pytest.raises(InputError, match="larger than the archive says|damaged"):
        archive.read(f"sources/{G1}.txt")
    archive.close()


def test_qdc_with_entities_or_wrong_root_is_refused(tmp_path):
    from qualcode.refi.codebook import read_qdc

    bad = tmp_path / "laughs.qdc"
    bad.write_text(LAUGHS.replace("Project", "CodeBook"), encoding="utf-8")
    with pytest.raises(InputError, match="DTD"):
        read_qdc(bad)
    wrong = tmp_path / "wrong.qdc"
    wrong.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', encoding="utf-8")
    with pytest.raises(InputError, match="root element is <Project>"):
        read_qdc(wrong)
    empty = tmp_path / "empty.qdc"
    empty.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', encoding="utf-8")
    with pytest.raises(InputError, match="no codes"):
        read_qdc(empty)


def test_failed_import_into_a_new_project_leaves_no_file(tmp_path):
    qdpx = make_qdpx(tmp_path / "laughs.qdpx", LAUGHS)
    with pytest.raises(InputError):
        import_refi_project(qdpx, tmp_path / "new.qualcode", "nl")
    assert not (tmp_path / "new.qualcode").exists()
