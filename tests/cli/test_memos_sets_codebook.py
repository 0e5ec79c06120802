"""Memos on codes, documents, cases and the project; sets; codebook edit commands; summaries —
through the CLI, each change one undo step, the project file as the oracle."""

from __future__ import annotations

import json

from tests.conftest import file_digest

from qualcode.cli.main import main
from qualcode.store.project import Project


def run_json(capsys, *argv):
    capsys.readouterr()
    assert main([str(a) for a in argv] + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_memos_on_every_kind_of_object(project_path, capsys, monkeypatch):
    monkeypatch.setenv("QUALCODE_CODER", "anna")
    p = str(project_path)
    assert main(["memo", p, "About workload", "--code", "Oorzaken werkdruk"]) == 0
    assert main(["memo", p, "Open conversation", "--document", "Interview test 1"]) == 0
    assert main(["memo", p, "Works since 2019", "--case", "Karin"]) == 0
    assert main(["memo", p, "Round one done", "--project"]) == 0
    assert main(["memo", p, "Bram's view", "--project", "--author", "bram"]) == 0
    memos = run_json(capsys, "memos", p)
    got = sorted((m["target_type"], m["about"], m["author"], m["text"]) for m in memos)
    assert got == [("case", "case 'Karin'", "anna", "Works since 2019"),
                   ("code", "code 'Oorzaken werkdruk'", "anna", "About workload"),
                   ("document", "document 'Interview test 1'", "anna", "Open conversation"),
                   ("project", "the project", "anna", "Round one done"),
                   ("project", "the project", "bram", "Bram's view")]
    # writing again replaces the author's memo (created_at stays), '' removes it; each one undo step
    first = next(m for m in memos if m["target_type"] == "code")
    assert main(["memo", p, "About workload, revised", "--code", "Oorzaken werkdruk"]) == 0
    [code_memo] = run_json(capsys, "memos", p, "--type", "code")
    assert code_memo["text"] == "About workload, revised" and code_memo["created_at"] == first["created_at"]
    assert main(["undo", p]) == 0
    assert run_json(capsys, "memos", p, "--type", "code")[0]["text"] == "About workload"
    assert main(["memo", p, "", "--code", "Oorzaken werkdruk"]) == 0
    assert run_json(capsys, "memos", p, "--type", "code") == []
    assert [m["author"] for m in run_json(capsys, "memos", p, "--author", "bram")] == ["bram"]
    assert len(run_json(capsys, "memos", p, "--search", "ROUND")) == 1


def test_coding_memos_still_work_and_are_listed(project_path, capsys):
    p = str(project_path)
    [coded] = run_json(capsys, "code", p, "Interview test 1", "--turn", "4", "--code", "Vrijstelling", "--coder", "anna")
    assert main(["memo", p, coded["uuid"][:8], "exemption for two modules"]) == 0
    with Project.open(project_path) as project:
        assert project.codings.get(coded["uuid"]).memo == "exemption for two modules"
    [listed] = run_json(capsys, "memos", p, "--type", "coding")
    assert listed["text"] == "exemption for two modules" and "Vrijstelling" in listed["about"]


def test_memo_edit_uses_the_editor(project_path, tmp_path, monkeypatch, capsys):
    script = tmp_path / "ed.sh"
    script.write_text('#!/bin/sh\nprintf "written in the editor" > "$1"\n')
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    assert main(["memo", str(project_path), "--document", "Interview test 1", "--edit", "--author", "anna"]) == 0
    with Project.open(project_path) as project:
        assert [m.text for m in project.memos.list("document")] == ["written in the editor"]


def test_memo_errors_leave_the_project_as_it_was(project_path, capsys):
    before = file_digest(project_path)
    assert main(["memo", str(project_path), "x", "--case", "Nobody", "--author", "a"]) != 0
    assert "no respondent or case named 'Nobody'" in capsys.readouterr().err
    assert main(["memo", str(project_path), "x", "y", "--code", "EVC", "--author", "a"]) != 0
    assert file_digest(project_path) == before


def test_sets_add_remove_list_and_undo(project_path, capsys):
    p = str(project_path)
    rec = run_json(capsys, "set", p, "add", "Wave 1", "--documents", "Interview test 1", "--cases", "Karin",
                   "--codes", "EVC", "--description", "first round")
    assert rec["added"] == 3 and rec["cases"] == ["Karin"] and rec["codes"] == ["EVC"]
    assert run_json(capsys, "set", p, "add", "wave 1", "--cases", "Karin")["added"] == 0  # names ignore case
    [listed] = run_json(capsys, "set", p, "list")
    assert listed["documents"] == ["Interview test 1"] and listed["description"] == "first round"
    assert run_json(capsys, "set", p, "remove", "Wave 1", "--codes", "EVC")["removed"] == 1
    assert run_json(capsys, "set", p, "list")[0]["codes"] == []
    assert main(["undo", p]) == 0
    assert run_json(capsys, "set", p, "list")[0]["codes"] == ["EVC"]
    assert run_json(capsys, "set", p, "remove", "Wave 1")["set_deleted"] is True
    assert run_json(capsys, "set", p, "list") == []
    assert main(["undo", p]) == 0
    assert len(run_json(capsys, "set", p, "list")[0]["documents"]) == 1
    assert main(["set", p, "remove", "Nope"]) != 0
    assert "no set named 'Nope'" in capsys.readouterr().err


def test_where_set_filters_exports(project_path, tmp_path, capsys):
    p = str(project_path)
    assert main(["code", p, "Interview test 1", "--turn", "2", "--code", "Lerarentekort", "--coder", "anna"]) == 0
    out = tmp_path / "q.md"
    assert main(["set", p, "add", "Leeg", "--codes", "EVC"]) == 0  # a set without respondents or documents
    assert main(["export", "quotes", p, "-o", str(out), "--where", "set=Leeg"]) != 0
    assert main(["set", p, "add", "Karins", "--cases", "Karin"]) == 0
    assert main(["export", "quotes", p, "-o", str(out), "--where", "set=Karins"]) == 0
    assert "tekort aan leraren" in out.read_text()
    assert main(["export", "quotes", p, "-o", str(out), "--where", "set!=Karins"]) == 0
    assert "tekort aan leraren" not in out.read_text()


def test_codebook_commands_each_one_undo_step(project_path, capsys):
    p = str(project_path)
    added = run_json(capsys, "codebook", "add", p, "Werkdruk ervaren", "--parent", "Oorzaken werkdruk",
                     "--keywords", "druk, stress", "--colour", "#123456")
    assert added["path"] == "Oorzaken werkdruk/Werkdruk ervaren"
    with Project.open(project_path) as project:
        code = project.codebook.get(added["uuid"])
        assert code.keywords == ("druk", "stress") and code.colour == "#123456"
    assert run_json(capsys, "codebook", "rename", p, "Werkdruk ervaren", "Ervaren werkdruk")["path"] == \
        "Oorzaken werkdruk/Ervaren werkdruk"
    assert run_json(capsys, "codebook", "move", p, "Ervaren werkdruk", "--to", "EVC")["path"] == "EVC/Ervaren werkdruk"
    assert run_json(capsys, "codebook", "move", p, "Ervaren werkdruk", "--to-top")["path"] == "Ervaren werkdruk"
    assert run_json(capsys, "codebook", "edit", p, "Ervaren werkdruk", "--definition", "Felt pressure.")["changed"] == \
        ["definition"]
    assert main(["undo", p]) == 0 and main(["undo", p]) == 0
    with Project.open(project_path) as project:
        c = project.codebook.get(added["uuid"])
        assert project.codebook.tree().path(c.uuid) == "EVC/Ervaren werkdruk" and c.definition == ""


def test_merge_and_delete_count_codings_and_ask(project_path, capsys):
    p = str(project_path)
    for coder in ("anna", "bram"):
        assert main(["code", p, "Interview test 1", "--turn", "2", "--code", "Lerarentekort", "--coder", coder]) == 0
    assert main(["code", p, "Interview test 1", "--turn", "2", "--code", "Administratieve last", "--coder", "anna"]) == 0
    before = file_digest(project_path)
    capsys.readouterr()
    assert main(["codebook", "merge", p, "Lerarentekort", "Administratieve last"]) != 0  # no terminal: refuses
    err = capsys.readouterr().err
    assert "moves 2 coding(s)" in err and "--yes" in err and file_digest(project_path) == before
    merged = run_json(capsys, "codebook", "merge", p, "Lerarentekort", "Administratieve last", "--yes")
    assert (merged["moved"], merged["duplicates_dropped"]) == (1, 1)
    with Project.open(project_path) as project:
        assert project.codebook.tree().find("Lerarentekort") is None
        assert len(project.codings.list(code=project.codebook.get("Administratieve last").uuid)) == 2
    capsys.readouterr()
    assert main(["codebook", "delete", p, "Oorzaken werkdruk"]) != 0
    assert "removes 2 coding(s)" in capsys.readouterr().err
    deleted = run_json(capsys, "codebook", "delete", p, "Oorzaken werkdruk", "--yes")
    assert deleted == {"path": "Oorzaken werkdruk", "codes": 2, "codings": 2}
    assert main(["undo", p]) == 0 and main(["undo", p]) == 0
    assert file_digest(project_path) != before  # history grew, but the content is back:
    with Project.open(project_path) as project:
        assert len(project.codings.list()) == 3 and project.codebook.tree().find("Lerarentekort") is not None


def test_summaries_in_the_matrix(project_path, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QUALCODE_CODER", "anna")
    p = str(project_path)
    assert main(["code", p, "Interview test 1", "--turn", "2", "--code", "Lerarentekort"]) == 0
    assert main(["summary", p, "Karin names paperwork and substitution.", "--case", "Karin",
                 "--code", "Oorzaken werkdruk"]) == 0
    assert main(["summary", p, "Shortage means covering classes.", "--case", "Karin", "--code", "Lerarentekort"]) == 0
    listed = run_json(capsys, "summary", p, "--case", "Karin")
    assert sorted(r["code"] for r in listed) == ["Oorzaken werkdruk", "Oorzaken werkdruk/Lerarentekort"]
    csv = tmp_path / "m.csv"
    assert main(["export", "matrix", p, "-o", str(csv), "--cells", "summaries"]) == 0
    text = csv.read_text(encoding="utf-8-sig")
    assert "Karin names paperwork and substitution." in text and "[Lerarentekort] Shortage means" in text
    assert "tekort aan leraren" not in text
    assert main(["export", "matrix", p, "-o", str(csv), "--cells", "both"]) == 0
    text = csv.read_text(encoding="utf-8-sig")  # a Dutch project: the fixed labels in Dutch
    assert "Samenvatting: Karin names" in text and "tekort aan leraren" in text
    assert main(["export", "matrix", p, "-o", str(csv), "--cells", "both", "--language", "en"]) == 0
    text = csv.read_text(encoding="utf-8-sig")
    assert "Summary: Karin names" in text and "tekort aan leraren" in text
    # rewriting replaces, '' removes; undo brings it back
    assert main(["summary", p, "", "--case", "Karin", "--code", "Lerarentekort"]) == 0
    assert len(run_json(capsys, "summary", p)) == 1
    assert main(["undo", p]) == 0
    assert len(run_json(capsys, "summary", p)) == 2
    assert main(["summary", p, "x", "--case", "Karin"]) != 0


def test_code_memos_in_the_quote_book(project_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CODER", "anna")
    p = str(project_path)
    assert main(["code", p, "Interview test 1", "--turn", "2", "--code", "Lerarentekort"]) == 0
    assert main(["memo", p, "Shortage drives substitution", "--code", "Lerarentekort"]) == 0
    md = tmp_path / "q.md"
    assert main(["export", "quotes", p, "-o", str(md)]) == 0
    assert "Shortage drives substitution" not in md.read_text()
    assert main(["export", "quotes", p, "-o", str(md), "--memos"]) == 0
    assert "**Memo** (anna, " in md.read_text() and "Shortage drives substitution" in md.read_text()
    docx_path = tmp_path / "q.docx"
    assert main(["export", "quotes", p, "-o", str(docx_path), "--memos"]) == 0
    import docx

    text = "\n".join(par.text for par in docx.Document(str(docx_path)).paragraphs)
    assert "Memo (anna, " in text and "Shortage drives substitution" in text
