"""The REFI-QDA commands: import-refi, export refi, codebook import/export .qdc, init --from-refi."""

from __future__ import annotations

import argparse
import json

import pytest
from tests.refi.support import SAMPLES, make_qdpx, needs_shared, qde_of, validate

from qualcode.cli.main import build_parser, main
from qualcode.store.project import Project


def _export_argv(project, output) -> list[str]:
    """``export refi`` once the export group exists; the stand-alone ``refi-export`` before that."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    if "export" in sub.choices:
        return ["export", "refi", str(project), "-o", str(output)]
    return ["refi-export", str(project), "-o", str(output)]


@needs_shared
def test_import_then_export_then_import_again(tmp_path, capsys):
    assert main(["import-refi", str(tmp_path / "a.qualcode"), str(SAMPLES / "cproctor_demo.qdpx"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "205 in the file" in out and "everything in the file was imported" in out
    assert main(_export_argv(tmp_path / "a.qualcode", tmp_path / "a.qdpx")) == 0
    validate(qde_of(tmp_path / "a.qdpx"), "Project.xsd")
    capsys.readouterr()
    assert main(["import-refi", str(tmp_path / "b.qualcode"), str(tmp_path / "a.qdpx"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["codings"] == {"xml": 205, "project": 205}
    with Project.open(tmp_path / "a.qualcode") as a, Project.open(tmp_path / "b.qualcode") as b:
        key = lambda p: sorted((c.document, c.code, c.coder, c.start, c.end) for c in p.codings.list())  # noqa: E731
        assert key(a) == key(b)


@needs_shared
def test_import_says_what_was_not_imported(tmp_path, capsys):
    assert main(["import-refi", str(tmp_path / "s.qualcode"), str(SAMPLES / "skyloom_TestProject.qdpx")]) == 0
    err = capsys.readouterr().err
    assert "not imported" in err and "picture region" in err and "missing from the archive" in err


@needs_shared
def test_codebook_import_and_export_qdc(tmp_path, capsys):
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project)]) == 0
    assert main(["codebook", "import", str(project), str(SAMPLES / "taguette_tests_expected_codebook.qdc")]) == 0
    assert main(["codebook", "export", str(project), "-o", str(tmp_path / "out.qdc")]) == 0
    data = (tmp_path / "out.qdc").read_bytes()
    validate(data, "Codebook.xsd")
    assert b"0d62985d-b147-5d01-a9b5-cae5dcd98342" in data and b"<Sets" not in data
    assert main(_export_argv(project, tmp_path / "again.qdc")) == 0
    assert (tmp_path / "again.qdc").read_bytes() == data


def test_a_broken_file_is_one_clear_error_and_no_project(tmp_path, capsys):
    bad = make_qdpx(tmp_path / "bad.qdpx", "<Project")
    assert main(["import-refi", str(tmp_path / "p.qualcode"), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.qdpx" in err and "project.qde" in err and "not well-formed" in err
    assert not (tmp_path / "p.qualcode").exists()


def test_export_refuses_other_suffixes(tmp_path, capsys):
    project = tmp_path / "p.qualcode"
    Project.create(project, "nl").close()
    argv = _export_argv(project, tmp_path / "x.zip")
    code = main(argv)
    if argv[0] == "export":
        assert code != 0
    else:  # the stand-alone command writes a .qdpx whatever the name
        assert code == 0


def test_init_from_refi(tmp_path, capsys):
    from qualcode.cli.refi_cmds import init_from_refi

    qdpx = make_qdpx(tmp_path / "in.qdpx", '<Project xmlns="urn:QDA-XML:project:1.0" name="Studie">'
                     '<CodeBook><Codes><Code guid="c0000000-0000-0000-0000-000000000001" name="A" isCodable="true"/>'
                     '</Codes></CodeBook></Project>')
    args = argparse.Namespace(project=str(tmp_path / "p.qualcode"), from_refi=str(qdpx), lang="en",
                              positions="auto", name=None, codebook=None, json=False)
    assert init_from_refi(args) == 0
    with Project.open(tmp_path / "p.qualcode") as p:
        assert p.language == "en" and p.meta("name") == "Studie" and len(p.codebook.tree()) == 1
    from qualcode.errors import ProjectError

    with pytest.raises(ProjectError, match="already exists"):
        init_from_refi(args)
