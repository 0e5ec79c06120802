"""The foundation's CLI: init, import, attributes, codebook, documents, show, code, codings, status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import file_digest
from qualcode.cli.main import main
from qualcode.store.project import Project


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_import_documents_show_status(project_path, capsys):
    code, out, _ = run(capsys, "documents", project_path, "--json")
    assert code == 0
    docs = json.loads(out)
    assert docs[0]["name"] == "Interview test 1"
    assert docs[0]["respondents"] == ["Karin"] and docs[0]["turns"] == 4
    code, out, _ = run(capsys, "show", project_path, "Interview test 1", "--json")
    shown = json.loads(out)
    assert [t["speaker"] for t in shown["turns"]] == ["Interviewer", "Karin", "Interviewer", "Karin"]
    assert shown["turns"][1]["text"].startswith("Nou, eh, de administratie.")
    assert "invallen" in shown["turns"][1]["text"]  # a turn wrapped over two lines stays one turn
    code, out, _ = run(capsys, "status", project_path, "--json")
    status = json.loads(out)
    assert status["documents"] == 1 and status["codes"] == 5 and status["respondents"] == 1


def test_import_twice_does_not_duplicate(project_path, transcript_file, capsys):
    code, out, _ = run(capsys, "import", project_path, transcript_file)
    assert code == 0 and "unchanged" in out
    with Project.open(project_path) as p:
        assert len(p.documents.list()) == 1


def test_code_by_offsets_turn_and_quote_then_export_and_reimport(project_path, tmp_path, capsys):
    assert run(capsys, "code", project_path, "Interview test", "--quote", "de administratie",
               "--code", "Administratieve last", "--coder", "anna")[0] == 0
    assert run(capsys, "code", project_path, "Interview test 1", "--turn", "4",
               "--code", "EVC/Vrijstelling", "--code", "EVC", "--coder", "anna", "--memo", "twee modules")[0] == 0
    assert run(capsys, "code", project_path, "Interview test 1", "--start", "0", "--end", "9",
               "--code", "Lerarentekort", "--coder", "bram")[0] == 0
    with Project.open(project_path) as p:
        codings = p.codings.list()
        assert len(codings) == 4
        texts = {p.codebook.tree().path(c.code): c.text for c in codings}
        assert texts["Oorzaken werkdruk/Administratieve last"] == "de administratie"
        assert texts["EVC/Vrijstelling"] == "Ik kreeg een vrijstelling voor twee modules."
    out_csv = tmp_path / "codings.csv"
    out_jsonl = tmp_path / "codings.jsonl"
    assert run(capsys, "codings", project_path, "--coder", "anna", "-o", out_csv)[0] == 0
    assert run(capsys, "codings", project_path, "--format", "jsonl", "-o", out_jsonl)[0] == 0
    lines = out_jsonl.read_text().splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["text"]
    # re-import into a fresh project with the same transcript and codebook
    fresh = tmp_path / "fresh.qualcode"
    with Project.open(project_path) as p:
        pass
    assert run(capsys, "init", fresh, "--codebook", tmp_path / "codebook.yaml")[0] == 0
    assert run(capsys, "import", fresh, tmp_path / "interview_test_1.txt")[0] == 0
    code, out, _ = run(capsys, "import-codings", fresh, out_csv, "--json")
    assert code == 0 and json.loads(out) == {"added": 3, "duplicates_skipped": 0, "file": str(out_csv)}
    code, out, _ = run(capsys, "import-codings", fresh, out_jsonl, "--json")
    assert json.loads(out)["added"] == 1 and json.loads(out)["duplicates_skipped"] == 3
    with Project.open(fresh) as p, Project.open(project_path) as q:
        mine = sorted((c.start, c.end, c.coder, p.codebook.tree().path(c.code), c.memo) for c in p.codings.list())
        theirs = sorted((c.start, c.end, c.coder, q.codebook.tree().path(c.code), c.memo) for c in q.codings.list())
        assert mine == theirs


def test_uncode_and_undo(project_path, capsys):
    run(capsys, "code", project_path, "Interview test 1", "--turn", "2", "--code", "Lerarentekort", "--coder", "anna")
    assert run(capsys, "uncode", project_path, "Interview test 1", "--turn", "2", "--coder", "anna")[0] == 0
    with Project.open(project_path) as p:
        assert p.codings.list() == []
    assert run(capsys, "undo", project_path)[0] == 0
    with Project.open(project_path) as p:
        assert len(p.codings.list()) == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["code", "{p}", "Interview test 1", "--start", "5", "--end", "99999", "--code", "EVC", "--coder", "a"], "outside"),
        (["code", "{p}", "Interview test 1", "--turn", "1", "--code", "Nonexistent", "--coder", "a"], "no code 'Nonexistent'"),
        (["code", "{p}", "Nope", "--turn", "1", "--code", "EVC", "--coder", "a"], "no document named 'Nope'"),
        (["code", "{p}", "Interview test 1", "--quote", "niet in de tekst", "--code", "EVC", "--coder", "a"], "not found"),
    ],
)
def test_user_errors_are_one_sentence_and_change_nothing(project_path, capsys, argv, message):
    before = file_digest(project_path)
    code, _, err = run(capsys, *[a.replace("{p}", str(project_path)) for a in argv])
    assert code != 0 and message in err and "Traceback" not in err
    assert file_digest(project_path) == before


def test_bad_codebook_names_file_line_and_field(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("codebook:\n  name: x\ncodes:\n  - name: A\n    defintion: typo\n", encoding="utf-8")
    code, _, err = run(capsys, "init", tmp_path / "x.qualcode", "--codebook", bad)
    assert code != 0
    assert "bad.yaml" in err and "line 5" in err and "defintion" in err and "definition" in err
    assert not (tmp_path / "x.qualcode").exists()
    bad.write_text("codes:\n  - name: A\n    colour: red\n", encoding="utf-8")
    code, _, err = run(capsys, "init", tmp_path / "x.qualcode", "--codebook", bad)
    assert code != 0 and "line 3" in err and "colour" in err
    bad.write_text("codes:\n  - name: A\n   - name: B\n", encoding="utf-8")
    code, _, err = run(capsys, "init", tmp_path / "x.qualcode", "--codebook", bad)
    assert code != 0 and "not valid YAML" in err and "line" in err


def test_broken_transcripts_are_refused_cleanly(project_path, tmp_path, capsys):
    before = file_digest(project_path)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 20)
    truncated = tmp_path / "broken.docx"
    truncated.write_bytes(b"PK\x03\x04 not really a zip")
    for path in (empty, binary, truncated):
        code, _, err = run(capsys, "import", project_path, path)
        assert code != 0 and str(path) in err, err
    assert file_digest(project_path) == before


def test_attributes_csv(project_path, tmp_path, capsys):
    csv_path = tmp_path / "respondents.csv"
    csv_path.write_text("respondent,role,years:integer,ad\nKarin,schoolleider,12,nee\n", encoding="utf-8")
    assert run(capsys, "attributes", project_path, csv_path)[0] == 0
    with Project.open(project_path) as p:
        karin = p.cases.get("Karin")
        assert karin.attributes == {"role": "schoolleider", "years": 12, "ad": False}
    before = file_digest(project_path)
    csv_path.write_text("respondent,years:integer\nKarin,twaalf\n", encoding="utf-8")
    code, _, err = run(capsys, "attributes", project_path, csv_path)
    assert code != 0 and "line 2" in err and "'years'" in err and "twaalf" in err
    csv_path.write_text("respondent,role\nKarin,x\nOnbekend,y\n", encoding="utf-8")
    code, _, err = run(capsys, "attributes", project_path, csv_path)
    assert code != 0 and "line 3" in err and "Onbekend" in err
    csv_path.write_text("wie,role\nKarin,x\n", encoding="utf-8")
    code, _, err = run(capsys, "attributes", project_path, csv_path)
    assert code != 0 and "no column names the respondent" in err
    assert file_digest(project_path) == before


def test_codebook_export_import_keeps_uuids_on_rename(project_path, tmp_path, capsys):
    out = tmp_path / "cb.yaml"
    assert run(capsys, "codebook", "export", project_path, "-o", out)[0] == 0
    with Project.open(project_path) as p:
        uuid = p.codebook.get("Vrijstelling").uuid
    out.write_text(out.read_text().replace("name: Vrijstelling", "name: Vrijstellingen"))
    code, printed, _ = run(capsys, "codebook", "import", project_path, out)
    assert code == 0 and "1 renamed" in printed
    with Project.open(project_path) as p:
        assert p.codebook.get("EVC/Vrijstellingen").uuid == uuid and len(p.codebook.tree()) == 5
    code, out_text, _ = run(capsys, "codebook", "show", project_path, "--json")
    assert {c["path"] for c in json.loads(out_text)} >= {"EVC/Vrijstellingen", "Oorzaken werkdruk/Lerarentekort"}


def test_killed_import_leaves_all_or_nothing(tmp_path):
    """Kill a real import process part-way; the project opens and holds all or none of the file."""
    project = tmp_path / "kill.qualcode"
    Project.create(project).close()
    big = tmp_path / "big_interview.txt"
    turns = [f"{'Interviewer' if i % 2 == 0 else 'Karin'}: " + ("woord " * 60) + f"einde {i}." for i in range(40000)]
    big.write_text("\n\n".join(turns), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    proc = subprocess.Popen([sys.executable, "-m", "qualcode", "import", str(project), str(big)], env=env)
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Project.open(project) as p:
        docs = p.documents.list()
        assert len(docs) in (0, 1)
        if docs:
            assert docs[0].turns == 40000
        assert p.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_speakers_roles_and_memo(project_path, capsys):
    code, out, _ = run(capsys, "speakers", project_path, "--interviewer", "Karin", "--json")
    assert code == 0 and {"name": "Karin", "role": "interviewer", "attributes": {}} in json.loads(out)
    code, out, _ = run(capsys, "documents", project_path, "--json")
    assert json.loads(out)[0]["respondents"] == []
    run(capsys, "speakers", project_path, "--respondent", "Karin")
    run(capsys, "code", project_path, "Interview test 1", "--turn", "2", "--code", "Lerarentekort", "--coder", "anna")
    with Project.open(project_path) as p:
        coding = p.codings.list()[0]
    assert run(capsys, "memo", project_path, coding.uuid[:8], "check this")[0] == 0
    with Project.open(project_path) as p:
        assert p.codings.list()[0].memo == "check this"
    code, _, err = run(capsys, "speakers", project_path, "--interviewer", "Nobody")
    assert code != 0 and "Nobody" in err


def test_bracketed_notes_are_shown_as_text(tmp_path, capsys):
    """Transcripts are full of [lacht] and [door elkaar]: the CLI must print them, not eat them as markup."""
    path = tmp_path / "p.qualcode"
    transcript = tmp_path / "interview_x.txt"
    transcript.write_text("Interviewer: En toen?\n\nKarin: Nou [lacht] dat was [bold]echt[/bold] zwaar.\n", encoding="utf-8")
    run(capsys, "init", path)
    run(capsys, "import", path, transcript)
    with Project.open(path) as p:
        p.codebook.add("Werkdruk [ervaren]")
    code, out, _ = run(capsys, "show", path, "Interview x")
    assert "Nou [lacht] dat was [bold]echt[/bold] zwaar." in out
    assert run(capsys, "code", path, "Interview x", "--turn", "2", "--code", "Werkdruk [ervaren]", "--coder", "a")[0] == 0
    code, out, _ = run(capsys, "codings", path)
    assert "[lacht]" in out and "[ervaren]" in out
    code, _, err = run(capsys, "code", path, "Interview x", "--turn", "2", "--code", "Nope [x]", "--coder", "a")
    assert code != 0 and "Nope [x]" in err
