"""What holds for every export: no formulas, only reads, consistent pseudonyms, atomic writes,
and the registry other modules use to add their own export actions."""

from __future__ import annotations

import csv
import hashlib
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from qualcode.cli.main import build_parser, main
from qualcode.errors import ProjectError
from qualcode.export import registry
from qualcode.store.project import Project
from tests.export.test_common import INTERVIEW, build_study, span


@pytest.fixture
def study(tmp_path):
    return build_study(tmp_path / "study.qualcode")


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dump(path) -> str:
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_cells_that_look_like_formulas_stay_text(study, tmp_path):
    with Project.open(study) as project:  # a code name that starts with + as well
        code = project.codebook.add("+Plus", parent="Oorzaken werkdruk")
        project.codings.add(project.documents.get("Interview 1").uuid, code.uuid, "anna",
                           *span(INTERVIEW, "=1+2 zei de directeur"))
    xlsx = tmp_path / "q.xlsx"
    assert main(["export", "quotes", str(study), "-o", str(xlsx)]) == 0
    ws = load_workbook(xlsx)["Quotes"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    values = {c.value for c in cells}
    assert {"=1+2 zei de directeur, zo simpel is het niet. Karin moet zelf invallen.",
            "=HYPERLINK(\"http://x\")", "-ook bij anna", "+Plus"} <= values
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(xlsx) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    for name, args in (("q.csv", ["quotes"]), ("t.csv", ["tidy"]), ("f.csv", ["frequencies"])):
        out = tmp_path / name
        assert main(["export", *args, str(study), "-o", str(out)]) == 0
        with open(out, encoding="utf-8-sig") as fh:
            cells = [v for row in csv.reader(fh) for v in row]
        assert not [v for v in cells if v[:1] in ("=", "+", "-", "@")], name
        if name != "f.csv":
            assert "'=1+2 zei de directeur, zo simpel is het niet. Karin moet zelf invallen." in cells
            assert "'=HYPERLINK(\"http://x\")" in cells and "'-ook bij anna" in cells
        else:
            assert "'+Plus" in cells


EXPORTS = [
    ["matrix", "-o", "m.xlsx", "--sheets"], ["matrix", "-o", "m.csv", "--rows", "documents"],
    ["matrix", "-o", "m.md", "--coder", "consensus"], ["quotes", "-o", "q.docx", "--pseudonymise"],
    ["quotes", "-o", "q.md"], ["frequencies", "-o", "f.xlsx", "--by", "perspective"],
    ["cooccurrence", "-o", "c.csv", "--unit", "turn"], ["tidy", "-o", "t.xlsx"], ["charts", "-o", "charts"],
]


def test_export_changes_nothing(study, tmp_path):
    before, dump = _sha(study), _dump(study)
    for args in EXPORTS:
        args = [str(tmp_path / a) if i == 2 else a for i, a in enumerate(args)]
        assert main(["export", args[0], str(study), *args[1:]]) == 0, args
        assert _sha(study) == before, args
    assert _dump(study) == dump
    with Project.open(study) as project, project.read_only():
        with pytest.raises(Exception, match="readonly|read-only|query_only|attempt to write"):
            project.db.execute("DELETE FROM codings")
    with Project.open(study) as project:
        assert len(project.codings.list()) == 7


def test_pseudonyms_are_the_same_in_every_export(study, tmp_path):
    out = tmp_path / "exports"
    for args in (["matrix", "-o", str(out / "m.xlsx")], ["quotes", "-o", str(out / "q.docx")],
                 ["tidy", "-o", str(out / "t.csv")], ["quotes", "-o", str(out / "q.md")]):
        assert main(["export", args[0], str(study), *args[1:], "--pseudonymise"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["m.xlsx", "q.docx", "q.md", "t.csv",
                                                     "t_respondent_x_code.csv"]  # no mapping unless asked
    texts = {
        "m.xlsx": "\n".join(str(c.value) for row in load_workbook(out / "m.xlsx")["Matrix"].iter_rows() for c in row),
        "q.docx": "\n".join(p.text for p in Document(str(out / "q.docx")).paragraphs),
        "t.csv": (out / "t.csv").read_text(encoding="utf-8-sig"),
        "q.md": (out / "q.md").read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        for real in ("Karin", "Vries", "Petra", "Mirjam"):
            assert real not in text, (name, real)
    assert "Ik ben R02. Mijn EVC-traject" in texts["q.docx"] and "net als R02." in texts["t.csv"]
    assert "— R02 & R03 (role: onderwijsassistent, perspective: primair proces / opleiding), Focusgroep 1, " \
           "turns 2–3, 00:00:10" in texts["q.md"]
    assert "(R01, Interview 1, turn 2, 00:00:05)" in texts["m.xlsx"]
    assert "R01,schoolleider" in (out / "t_respondent_x_code.csv").read_text(encoding="utf-8-sig")
    mapping = tmp_path / "secret" / "pseudonyms.csv"
    assert main(["export", "matrix", str(study), "-o", str(out / "m2.md"), "--pseudonymise",
                 "--pseudonym-map", str(mapping)]) == 0
    with open(mapping, encoding="utf-8-sig") as fh:
        assert list(csv.reader(fh)) == [["name", "pseudonym", "role"], ["Karin de Vries", "R01", "respondent"],
                                        ["Petra", "R02", "respondent"], ["Mirjam", "R03", "respondent"]]
    assert main(["export", "matrix", str(study), "-o", str(out / "m3.md"), "--pseudonym-map", str(mapping)]) != 0


def test_writes_are_atomic(study, tmp_path, monkeypatch, capsys):
    from pathlib import Path

    target = tmp_path / "datamatrix.md"
    target.write_text("the previous export")

    def broken(self, text, *args, **kwargs):
        with open(self, "w") as fh:
            fh.write(text[:10])
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", broken)
    assert main(["export", "matrix", str(study), "-o", str(target)]) != 0
    monkeypatch.undo()
    assert "cannot write the export (disk full); nothing was replaced" in " ".join(capsys.readouterr().err.split())
    assert target.read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_registry_lets_other_modules_add_export_actions(study, tmp_path, capsys):
    calls = []

    def arguments(p):
        p.add_argument("--flavour", default="plain")

    def run(args):
        calls.append((args.project, args.output, getattr(args, "flavour", None)))
        return 0

    registry.register_export("dummy", "a test export", arguments, run, suffixes=(".txt",))
    try:
        assert main(["export", "dummy", str(study), "-o", str(tmp_path / "x.txt"), "--flavour", "salty"]) == 0
        assert calls == [(str(study), str(tmp_path / "x.txt"), "salty")]
        assert main(["export", "dummy", str(study), "-o", str(tmp_path / "x.pdf")]) != 0
        assert "'export dummy' writes .txt files" in " ".join(capsys.readouterr().err.split())
        parser = build_parser()  # registered after the export group is built: attached at once
        registry.register_export("late", "registered late", lambda p: None, run)
        args = parser.parse_args(["export", "late", str(study), "-o", "y.anything"])
        assert args.func(args) == 0 and calls[-1][1] == "y.anything"
    finally:
        registry.EXPORTERS.pop("dummy", None)
        registry.EXPORTERS.pop("late", None)


def test_project_error_for_export_without_codebook(tmp_path, capsys):
    Project.create(tmp_path / "empty.qualcode").close()
    assert main(["export", "matrix", str(tmp_path / "empty.qualcode"), "-o", str(tmp_path / "m.xlsx")]) != 0
    assert "no codebook yet" in capsys.readouterr().err
    assert issubclass(ProjectError, Exception)
