"""No tabular output of qualcode can run as a formula (issue 12, "Formula safety in every output").

A project whose code, theme, document, speaker, attribute key and value, memo, coder and coded
text all begin with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return goes through every
.xlsx and .csv output: the exports, the codings CSV, the agreement workbook, the disagreement
list and the pseudonym map. Any formula cell, any xlsx text cell that is not a string cell, and
any CSV cell that begins with one of those characters (and is not a number) fails the test; so
does a field that never reached the outputs (the test would then prove nothing).
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from qualcode.cli.main import main
from qualcode.domain.cells import RISKY, risky
from qualcode.store.codings import NewCoding
from qualcode.store.project import Project

NAMES = {"=": "eq", "+": "plus", "-": "min", "@": "at", "\t": "tab", "\r": "cr"}


def _hostile(path: Path) -> tuple[Path, dict[str, list[str]]]:
    """One document per prefix; returns the project and, per field, the risky values stored."""
    fields: dict[str, list[str]] = {k: [] for k in ("code", "document", "speaker", "attribute", "memo", "text")}
    project = Project.create(path, name="Hostile")
    with project.transaction():
        theme = project.codebook.add("=SUM(A1:A9) thema")
        for i, prefix in enumerate(RISKY):
            tag = NAMES[prefix]
            code = project.codebook.add(f"{prefix}code {tag}", parent=theme.uuid)
            question = "Interviewer: Wat vindt u?\n\n"
            speaker = f"{prefix}Spreker {tag}"
            said = f"{prefix}tekst {tag} 1+1 zegt genoeg. En nog een zin erachter."
            text = question + f"{speaker}: " + said + "\n"
            turns = [SimpleNamespace(speaker="Interviewer", start=0, end=len(question) - 2, timestamp_ms=None),
                     SimpleNamespace(speaker=speaker, start=len(question), end=len(text) - 1, timestamp_ms=1000 * i)]
            doc, _ = project.documents.add(f"{prefix}doc {tag}", text, turns)
            case = next(c for c in project.cases.list() if c.name == speaker)
            project.attributes.set("case", case.uuid, "rol", f"{prefix}waarde {tag}", "text")
            project.attributes.set("case", case.uuid, f"{prefix}kenmerk", f"{prefix}x", "text")
            start = text.index(said)
            end = start + len(said)
            project.codings.add_many([
                NewCoding(doc.uuid, code.uuid, "anna", start, end, memo=f"{prefix}memo {tag}"),
                NewCoding(doc.uuid, code.uuid, "+bram", start, start + len(said) // 2, memo=f"{prefix}memo b {tag}"),
            ])
            for key, value in (("code", code.name), ("document", doc.name), ("speaker", speaker),
                               ("attribute", f"{prefix}waarde {tag}"), ("memo", f"{prefix}memo {tag}"),
                               ("text", said)):
                if value.startswith(RISKY):  # names are stored stripped: a leading tab is gone
                    fields[key].append(value)
    project.close()
    return path, fields


def _xlsx_problems(path: Path) -> tuple[list[str], set[str]]:
    problems, texts = [], set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                if "<f>" in xml or "<f " in xml:
                    problems.append(f"{path.name}:{name}: a formula element")
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    texts.add(c.value)
                    if c.value.startswith(RISKY) and (c.data_type != "s" or not c.quotePrefix):
                        problems.append(f"{path.name}!{ws.title}!{c.coordinate}: {c.value!r} ({c.data_type})")
    return problems, texts


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_problems(path: Path) -> tuple[list[str], set[str]]:
    problems, texts = [], set()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for r, row in enumerate(csv.reader(fh), start=1):
            for c, value in enumerate(row):
                texts.add(value)
                if (value.startswith(RISKY) or value.lstrip().startswith(RISKY)) and not _number(value):
                    problems.append(f"{path.name} row {r} column {c + 1}: {value!r}")
    return problems, texts


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formula")
    project, fields = _hostile(folder / "hostile.qualcode")
    out = folder / "out"
    out.mkdir()  # outputs never create folders unasked
    p = str(project)
    runs = [
        ["export", "matrix", p, "-o", str(out / "m.xlsx"), "--sheets"],
        ["export", "matrix", p, "-o", str(out / "m_rows.xlsx"), "--layout", "rows", "--group-by", "rol"],
        ["export", "matrix", p, "-o", str(out / "m_themes.xlsx"), "--layout", "themes", "--columns", "codes"],
        ["export", "matrix", p, "-o", str(out / "m.csv"), "--columns", "codes"],
        ["export", "matrix", p, "-o", str(out / "md.csv"), "--rows", "documents"],
        ["export", "quotes", p, "-o", str(out / "q.xlsx"), "--memos", "--attributes", "rol", "--no-merge"],
        ["export", "quotes", p, "-o", str(out / "q.csv"), "--memos", "--attributes", "rol"],
        ["export", "frequencies", p, "-o", str(out / "f.xlsx"), "--by", "rol"],
        ["export", "frequencies", p, "-o", str(out / "f.csv"), "--by", "rol"],
        ["export", "cooccurrence", p, "-o", str(out / "c.xlsx"), "--unit", "document"],
        ["export", "cooccurrence", p, "-o", str(out / "c.csv")],
        ["export", "tidy", p, "-o", str(out / "t.xlsx")],
        ["export", "tidy", p, "-o", str(out / "t.csv")],
        ["export", "matrix", p, "-o", str(out / "mp.xlsx"), "--pseudonymise", "--pseudonym-map", str(out / "map.csv")],
        ["codings", p, "--format", "csv", "-o", str(out / "codings.csv")],
        ["agreement", p, "-o", str(out / "agreement.xlsx")],
        ["disagreements", p, "-o", str(out / "disagreements.csv")],
    ]
    for args in runs:
        assert main(args) == 0, args
    return out, fields


def test_no_output_holds_a_formula(outputs):
    out, _ = outputs
    files = sorted(out.iterdir())
    assert {f.suffix for f in files} == {".xlsx", ".csv"} and len(files) >= 18
    problems = []
    for f in files:
        found, _ = _xlsx_problems(f) if f.suffix == ".xlsx" else _csv_problems(f)
        problems += found
    assert problems == []


@pytest.mark.parametrize("field", ["code", "document", "speaker", "attribute", "memo", "text"])
def test_every_field_reaches_the_outputs_escaped(outputs, field):
    """Each risky value is in some CSV with its protective apostrophe, and in some workbook as text."""
    out, fields = outputs
    assert len(fields[field]) >= 4, fields[field]  # =, +, - and @ at least survive storage
    csv_texts, xlsx_texts = set(), set()
    for f in out.iterdir():
        if f.suffix == ".csv":
            csv_texts |= _csv_problems(f)[1]
        else:
            xlsx_texts |= _xlsx_problems(f)[1]
    for value in fields[field]:
        written = value.replace("\r", "\n")  # a CR inside a CSV cell is written as a line feed
        escaped = "'" + written if risky(written) else written  # "\ndoc" is no formula: left alone
        assert any(t.startswith(escaped) or escaped in t for t in csv_texts), (field, value)
        assert any(value in t for t in xlsx_texts), (field, value)


def test_codings_csv_reads_back_as_written(outputs, tmp_path, capsys):
    """The apostrophe is for spreadsheets: import-codings strips it again, the codings stay as they were."""
    out, fields = outputs
    project = out.parent / "hostile.qualcode"
    copy = tmp_path / "copy.qualcode"
    with Project.open(project) as p:
        p.backup(copy)
        before = sorted((c.code, c.start, c.end, c.memo) for c in p.codings.list())
    with Project.open(copy) as p, p.transaction():
        p.codings.remove([c.uuid for c in p.codings.list()])
    # qualcode's own imports never put a carriage return into a text; leave out the one document
    # this test gave one (its CSV cells hold a line feed instead)
    with open(out / "codings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    kept = [rows[0]] + [r for r in rows[1:] if "cr" not in r[1].split()]
    assert len(kept) == len(rows) - 2
    with open(tmp_path / "codings.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(kept)
    assert main(["import-codings", str(copy), str(tmp_path / "codings.csv")]) == 0, capsys.readouterr().err
    with Project.open(copy) as p:
        after = sorted((c.code, c.start, c.end, c.memo) for c in p.codings.list())
    assert after == [c for c in before if "\r" not in c[3]]
    assert {m for *_, m in after} >= {m for m in fields["memo"] if "\r" not in m}
