"""qualcode search, autocode and passages through the CLI; the project file is the oracle."""

from __future__ import annotations

import json

import pytest
from tests.conftest import file_digest

from qualcode.cli.main import main
from qualcode.store.project import Project


def run_json(capsys, *argv):
    capsys.readouterr()
    assert main([str(a) for a in argv] + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_search_reports_turn_speaker_and_context(project_path, capsys):
    hits = run_json(capsys, "search", project_path, "registratie")
    assert len(hits) == 1
    h = hits[0]
    assert (h["document_name"], h["turn"], h["speaker"], h["role"], h["match"]) == \
        ("Interview test 1", 2, "Karin", "respondent", "registratie")
    assert h["before"].endswith("Elke week weer ") and h["after"].startswith(" van toetsen")
    with Project.open(project_path) as p:
        assert p.documents.get(h["document"]).text[h["start"]:h["end"]] == "registratie"


def test_search_options(project_path, capsys):
    assert len(run_json(capsys, "search", project_path, "EVC")) == 1
    assert run_json(capsys, "search", project_path, "evc", "--case-sensitive") == []
    assert [h["match"] for h in run_json(capsys, "search", project_path, r"\btekort\w*|invallen", "--regex")] == \
        ["invallen", "tekort"]
    # 'werk' inside 'werkdruk'-like words: whole words only finds the word itself
    assert [h["turn"] for h in run_json(capsys, "search", project_path, "werk", "--whole-words")] == [1]
    assert run_json(capsys, "search", project_path, "werk", "--speakers", "respondents", "--whole-words") == []
    assert [h["match"] for h in run_json(capsys, "search", project_path, "modul*")] == ["modules"]


def test_search_bad_regex_is_one_sentence(project_path, capsys):
    assert main(["search", str(project_path), "(unclosed", "--regex"]) != 0
    assert "regular expression '(unclosed' is not valid" in capsys.readouterr().err


def test_autocode_dry_run_changes_nothing_then_codes_in_one_undo_step(project_path, capsys):
    before = file_digest(project_path)
    dry = run_json(capsys, "autocode", project_path, "administratie|registratie", "--regex", "--code",
                   "Administratieve last", "--coder", "anna", "--dry-run")
    assert dry["planned"] == 2 and dry["added"] == 0 and file_digest(project_path) == before
    done = run_json(capsys, "autocode", project_path, "administratie|registratie", "--regex", "--code",
                    "Administratieve last", "--coder", "anna", "--unit", "sentence")
    assert done["added"] == 2
    with Project.open(project_path) as p:
        codings = p.codings.list(coder="anna")
        assert {c.origin for c in codings} == {"auto"}
        assert [c.text for c in codings] == ["Nou, eh, de administratie.", "Elke week weer registratie van toetsen."]
    # running it again adds nothing
    assert run_json(capsys, "autocode", project_path, "administratie|registratie", "--regex", "--code",
                    "Administratieve last", "--coder", "anna", "--unit", "sentence")["added"] == 0
    assert main(["undo", str(project_path)]) == 0
    with Project.open(project_path) as p:
        assert p.codings.list(coder="anna") == []


def test_autocode_whole_turn_and_interviewer_turns_left_out(project_path, capsys):
    done = run_json(capsys, "autocode", project_path, "EVC", "--code", "EVC", "--coder", "bram", "--unit", "turn")
    assert done["planned"] == 0  # 'EVC' is only said by the interviewer
    done = run_json(capsys, "autocode", project_path, "EVC", "--code", "EVC", "--coder", "bram", "--unit", "turn",
                    "--speakers", "all")
    assert done["added"] == 1 and done["passages"][0]["text"] == "En EVC?"


def test_autocode_from_codebook_keywords(project_path, capsys):
    done = run_json(capsys, "autocode", project_path, "--keywords", "--coder", "kw")
    with Project.open(project_path) as p:
        tree = p.codebook.tree()
        got = sorted((tree.path(c.code), c.text) for c in p.codings.list(coder="kw"))
    assert got == [("EVC/Vrijstelling", "vrijstelling"), ("Oorzaken werkdruk/Administratieve last", "administratie"),
                   ("Oorzaken werkdruk/Administratieve last", "registratie"),
                   ("Oorzaken werkdruk/Lerarentekort", "invallen"), ("Oorzaken werkdruk/Lerarentekort", "tekort")]
    assert done["added"] == 5
    # --code limits the keyword run to a branch
    capsys.readouterr()
    assert main(["undo", str(project_path)]) == 0
    assert run_json(capsys, "autocode", project_path, "--keywords", "--code", "EVC", "--coder", "kw")["added"] == 1


def test_autocode_needs_a_code(project_path, capsys):
    assert main(["autocode", str(project_path), "tekort", "--coder", "x"]) != 0
    assert "needs a PATTERN and --code" in capsys.readouterr().err


def test_passages_in_full_with_context(project_path, capsys):
    p = str(project_path)
    assert main(["code", p, "Interview test 1", "--turn", "4", "--code", "Vrijstelling", "--coder", "anna",
                 "--memo", "twee modules"]) == 0
    records = run_json(capsys, "passages", p, "EVC")  # the theme: its sub-code's passages too
    assert len(records) == 1
    r = records[0]
    assert r["text"] == "Ik kreeg een vrijstelling voor twee modules." and r["respondents"] == ["Karin"]
    assert r["turns"] == [4] and r["memos"] == ["twee modules"] and r["coders"] == ["anna"]
    assert [(c["turn"], c["speaker"], c["text"]) for c in r["before"]] == [(3, "Interviewer", "En EVC?")]
    assert r["after"] == []
    wider = run_json(capsys, "passages", p, "EVC", "--context", "2")
    assert [c["turn"] for c in wider[0]["before"]] == [2, 3]
    assert run_json(capsys, "passages", p, "EVC", "--no-tree") == []
    assert len(run_json(capsys, "passages", p, "EVC", "--coder", "anna")) == 1
    capsys.readouterr()
    assert main(["passages", p, "EVC"]) == 0
    out = capsys.readouterr().out
    assert "Ik kreeg een vrijstelling voor twee modules." in out and "En EVC?" in out


@pytest.mark.parametrize("where,expected", [("respondent=Karin", 1), ("set=Alle", 1)])
def test_passages_and_search_take_where_with_sets(project_path, capsys, where, expected):
    p = str(project_path)
    assert main(["set", p, "add", "Alle", "--cases", "Karin"]) == 0
    assert main(["code", p, "Interview test 1", "--turn", "4", "--code", "Vrijstelling", "--coder", "anna"]) == 0
    assert len(run_json(capsys, "passages", p, "EVC", "--where", where)) == expected
    assert len(run_json(capsys, "search", p, "vrijstelling", "--where", where)) == expected
    assert main(["search", p, "vrijstelling", "--where", "set=Geen"]) != 0
