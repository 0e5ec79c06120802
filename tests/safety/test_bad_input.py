"""Bad input that used to crash or mislead (issue 12): one sentence, a non-zero exit, the project unchanged."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

import pytest

from qualcode.cli.main import main
from qualcode.store.project import Project
from tests.safety.fuzz import _docx_bytes, fuzz


@pytest.fixture
def project(tmp_path, codebook_file, transcript_file) -> Path:
    path = tmp_path / "p.qualcode"
    assert main(["init", str(path), "--codebook", str(codebook_file)]) == 0
    assert main(["import", str(path), str(transcript_file)]) == 0
    return path


def digest(path: Path) -> str:
    with Project.open(path) as p:
        return p.digest()


def fails_cleanly(args, capsys, *words) -> str:
    code = main(args)
    err = capsys.readouterr().err
    assert code != 0, err
    assert "Traceback" not in err and err.strip().startswith("error:"), err
    for w in words:
        assert w in err, err
    return err


def test_attribute_csv_quotes_size_and_broken_quotes(project, tmp_path, capsys):
    good = tmp_path / "a.csv"
    good.write_text('respondent,role\nKarin,"say ""hi"" then go"\n', encoding="utf-8")
    assert main(["attributes", str(project), str(good)]) == 0
    with Project.open(project) as p:
        assert p.cases.get("Karin").attributes["role"] == 'say "hi" then go'
    before = digest(project)
    big = tmp_path / "big.csv"
    big.write_text("respondent,role\nKarin," + "x" * 20_000_000 + "\n", encoding="utf-8")
    fails_cleanly(["attributes", str(project), str(big)], capsys, "big.csv", "line 2", "longer than")
    broken = tmp_path / "broken.csv"
    broken.write_text('respondent,role\nKarin,"leraar\nPetra,oa\nBob,x\n', encoding="utf-8")
    fails_cleanly(["attributes", str(project), str(broken)], capsys, "broken.csv", "line 2", "never closed")
    semi = tmp_path / "semi.csv"
    semi.write_text('respondent;role\nKarin;"a; b"\n', encoding="utf-8")
    assert main(["attributes", str(project), str(semi)]) == 0
    with Project.open(project) as p:
        assert p.cases.get("Karin").attributes["role"] == "a; b"
    assert before != digest(project)  # the good ones did change it; the bad ones did not (checked below)


def test_attribute_errors_leave_the_project_unchanged(project, tmp_path, capsys):
    before = digest(project)
    broken = tmp_path / "broken.csv"
    broken.write_text('respondent,role\nKarin,"leraar\n', encoding="utf-8")
    fails_cleanly(["attributes", str(project), str(broken)], capsys)
    assert digest(project) == before


def test_coder_files_that_are_not_objects_or_repeat_an_id(project, tmp_path, capsys):
    before = digest(project)
    f = tmp_path / "c.jsonl"
    f.write_text("[1,2,3]\n", encoding="utf-8")
    fails_cleanly(["import-codings", str(project), str(f)], capsys, "c.jsonl", "line 1", "JSON object")
    rec = '{"uuid": "u-1", "document": "Interview test 1", "code": "Vrijstelling", "coder": "anna", "start": %d, "end": %d}\n'
    f.write_text(rec % (10, 20) + rec % (30, 40), encoding="utf-8")
    fails_cleanly(["import-codings", str(project), str(f)], capsys, "c.jsonl", "line 2", "u-1", "line 1")
    assert digest(project) == before
    f.write_text(rec % (10, 20), encoding="utf-8")
    assert main(["import-codings", str(project), str(f)]) == 0
    after = digest(project)
    f.write_text(rec % (30, 40), encoding="utf-8")
    fails_cleanly(["import-codings", str(project), str(f)], capsys, "c.jsonl", "line 1", "already in the project")
    assert digest(project) == after


def test_merge_of_a_damaged_file_or_a_file_without_tables(project, tmp_path, capsys):
    before = digest(project)
    copy = tmp_path / "anna.qualcode"
    assert main(["handout", str(project), str(copy), "--coder", "anna"]) == 0
    with Project.open(copy) as p:
        p.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(copy.read_bytes())
    for page in range(2, min(8, len(data) // 4096)):
        data[page * 4096:page * 4096 + 200] = b"\xde\xad" * 100
    copy.write_bytes(bytes(data))
    err = fails_cleanly(["merge", str(project), str(copy)], capsys, "anna.qualcode")
    assert "reading" not in err
    bare = tmp_path / "bare.qualcode"
    conn = sqlite3.connect(bare)
    conn.execute("PRAGMA application_id=1363365700")
    conn.execute("PRAGMA user_version=1")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.commit()
    conn.close()
    fails_cleanly(["merge", str(project), str(bare)], capsys, "bare.qualcode")
    assert digest(project) == before


def test_a_utf8_transcript_with_a_few_broken_bytes_stays_utf8_and_says_so(project, tmp_path, capsys):
    f = tmp_path / "gesprek.txt"
    body = ("Interviewer: Hoe gaat het?\n\nKarin: " + "De coördinatie, één café en geïnteresseerde ouders. " * 5)
    f.write_bytes(body.encode("utf-8") + b"Kapot \xe9 byte.\n")
    assert main(["import", str(project), str(f)]) == 0
    err = capsys.readouterr().err
    assert "read as UTF-8" in err and "--encoding cp1252" in err
    with Project.open(project) as p:
        text = p.documents.get("Gesprek").text
    assert "coördinatie" in text and "Ã" not in text and "\ufffd" in text
    f2 = tmp_path / "ansi.txt"
    f2.write_bytes("Interviewer: Hoe?\n\nKarin: één café.\n".encode("cp1252"))
    assert main(["import", str(project), str(f2)]) == 0
    with Project.open(project) as p:
        assert "één café" in p.documents.get("Ansi").text
    f3 = tmp_path / "forced.txt"
    f3.write_bytes("Interviewer: Hoe?\n\nKarin: één café.\n".encode("utf-8"))
    assert main(["import", str(project), str(f3), "--encoding", "cp1252"]) == 0
    with Project.open(project) as p:
        assert "Ã©" in p.documents.get("Forced").text  # the user asked for it


def test_a_codebook_with_a_duplicate_key_is_refused(project, tmp_path, capsys):
    before = digest(project)
    f = tmp_path / "cb.yaml"
    f.write_text("codebook:\n  name: T\ncodes:\n  - name: A\n    definition: one\n    definition: two\n", encoding="utf-8")
    fails_cleanly(["codebook", "import", str(project), str(f)], capsys, "cb.yaml", "line 6", "definition", "twice")
    assert digest(project) == before


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_a_qdpx_with_two_project_entries_is_refused(project, tmp_path, capsys):
    f = tmp_path / "two.qdpx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("project.qde", "<Project/>")
        z.writestr("project.qde", "<Project/>")
    before = digest(project)
    fails_cleanly(["import-refi", str(project), str(f)], capsys, "two.qdpx", "twice")
    assert digest(project) == before


def test_a_docx_with_broken_xml_is_named_damaged(project, tmp_path, capsys):
    src = zipfile.ZipFile(io.BytesIO(_docx_bytes()))
    f = tmp_path / "kapot.docx"
    with zipfile.ZipFile(f, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]
            z.writestr(info.filename, data)
    before = digest(project)
    err = fails_cleanly(["import", str(project), str(f)], capsys, "kapot.docx", "damaged")
    assert "AttributeError" not in err
    assert digest(project) == before


def test_random_broken_inputs_never_give_a_traceback():
    counts = fuzz(12, seed=7)
    assert counts["tracebacks"] == 0, counts["examples"]
    assert counts["unclear"] == 0, counts["examples"]
    assert counts["clean_errors"] > 0
