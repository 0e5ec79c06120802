"""Agreement through the real path: codings stored in a project, the CLI run on it, the
published values of AGREEMENT.md reproduced (NVIVO, K2019-12.11), and the report's rules."""

from __future__ import annotations

import json

import pytest

from qualcode.cli.main import main
from qualcode.ingest.turns import detect_turns
from qualcode.store.codings import NewCoding
from qualcode.store.project import Project

HEAD = "Interviewer: Wat maakt het werk zwaar?\n\nKarin: "


def filler(n: int) -> str:
    words = "de administratie is elke week weer zwaar en het invallen ook "
    return (words * (n // len(words) + 1))[:n]


NVIVO_TEXT = HEAD + filler(1000 - len(HEAD) - 1) + "."


def add_doc(project, name, text):
    with project.transaction():
        doc, _ = project.documents.add(name, text, detect_turns(text))
    return doc.uuid


def code(project, ref, *items):
    uuid = project.codebook.get(ref).uuid
    project.codings.add_many([NewCoding(doc, uuid, coder, s, e) for doc, coder, s, e in items])


@pytest.fixture
def nvivo(tmp_path):
    """One code, 1000 characters: 50 coded by both, 100 only by anna, 50 only by bram.
    A second document coded only by anna must not change anything."""
    path = tmp_path / "nvivo.qualcode"
    with Project.create(path) as p:
        theme = p.codebook.add("Werkdruk")
        p.codebook.add("Administratie", parent=theme.uuid)
        p.codebook.add("Invallen", parent=theme.uuid)
        doc = add_doc(p, "Interview 1", NVIVO_TEXT)
        other = add_doc(p, "Interview 2", HEAD + "alleen anna codeerde dit.")
        assert len(NVIVO_TEXT) == 1000
        code(p, "Werkdruk/Administratie", (doc, "anna", 0, 150), (doc, "bram", 100, 200), (other, "anna", 0, 10))
    return path


K2019 = {
    "Alex": [(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"), (45, 60, "7")],
    "Paul": [(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")],
    "Suzan": [(1, 7, "1"), (8, 13, "4"), (14, 21, "5"), (33, 37, "6"), (38, 41, "6"), (42, 44, "6")],
}


@pytest.fixture
def k2019(tmp_path):
    """Krippendorff (2019) fig. 12.11: L = 60, three coders, a domain of codes 1..7."""
    path = tmp_path / "k2019.qualcode"
    with Project.create(path) as p:
        for name in "1234567":
            p.codebook.add(name, domain="K2019")
        doc = add_doc(p, "Fig 12.11", "abcdefghij" * 6)
        for coder, sections in K2019.items():
            for a, b, name in sections:
                code(p, name, (doc, coder, a - 1, b))
    return path


def run_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# --------------------------------------------------------------------------- published values


def test_nvivo_example_through_the_cli(nvivo, capsys):
    d = run_json(capsys, "agreement", str(nvivo))
    fig = d["per_code"]["Werkdruk/Administratie"]
    assert fig["percent_agreement"]["value"] == pytest.approx(0.85)
    assert fig["cohen_kappa"]["value"] == pytest.approx(0.3182, abs=5e-5)
    assert fig["characters"] == 1000
    assert fig["coded_characters"] == {"anna": 150, "bram": 100}
    assert d["codes"] == ["Werkdruk/Administratie"]  # only codes used, by path
    assert d["documents_compared"] == ["Interview 1"]
    assert d["documents_excluded"] == {"Interview 2": "coded only by anna"}
    assert d["overall"]["cohen_kappa"]["value"] == pytest.approx(0.3182, abs=5e-5)


def test_k2019_example_through_the_cli(k2019, capsys):
    d = run_json(capsys, "agreement", str(k2019), "--coders", "Alex,Paul,Suzan")
    dom = d["domains"]["K2019"]
    assert dom["unitized_alpha"]["value"] == pytest.approx(0.509982, abs=5e-6)
    assert dom["unitized_alpha_binary"]["value"] == pytest.approx(0.4136, abs=0.002)
    assert dom["codes"] == list("1234567")
    # adjacent sections of the same code by one coder are no disagreement
    assert d["per_code"]["1"]["unitized_alpha_binary"]["value"] == pytest.approx(1.0)
    assert d["per_code"]["6"]["unitized_alpha_binary"]["value"] == pytest.approx(1.0)
    assert d["per_code"]["1"]["cohen_kappa"]["value"] is None
    assert "exactly two coders" in d["per_code"]["1"]["cohen_kappa"]["reason"]


def test_k2019_split_codes_keep_the_domain(k2019, capsys):
    d = run_json(capsys, "agreement", str(k2019), "--codes", "6")
    assert d["codes"] == ["6"]
    assert d["domains"]["K2019"]["unitized_alpha"]["value"] == pytest.approx(0.509982, abs=5e-6)


# --------------------------------------------------------------------------- selection rules


def test_theme_means_itself_unless_tree(nvivo, capsys):
    d = run_json(capsys, "agreement", str(nvivo), "--codes", "Werkdruk")
    assert list(d["per_code"]) == ["Werkdruk"]
    assert d["per_code"]["Werkdruk"]["percent_agreement"]["value"] == pytest.approx(1.0)
    assert d["per_code"]["Werkdruk"]["krippendorff_alpha"]["value"] is None  # nobody used the theme itself
    d = run_json(capsys, "agreement", str(nvivo), "--codes", "Werkdruk", "--tree")
    assert list(d["per_code"]) == ["Werkdruk/Administratie"]  # the subtree's codes in use
    assert d["per_code"]["Werkdruk/Administratie"]["percent_agreement"]["value"] == pytest.approx(0.85)


def test_docs_restricts_documents(nvivo, capsys):
    d = run_json(capsys, "agreement", str(nvivo), "--docs", "Interview 2")
    assert d["documents_compared"] == []
    assert d["overall"]["percent_agreement"]["value"] is None
    assert d["overall"]["percent_agreement"]["reason"]


def test_per_document(nvivo, capsys):
    d = run_json(capsys, "agreement", str(nvivo), "--per-document")
    assert list(d["per_document"]) == ["Interview 1"]
    assert d["per_document"]["Interview 1"]["cohen_kappa"]["value"] == pytest.approx(0.3182, abs=5e-5)


def test_terminal_table_shows_figures_and_reasons(k2019, capsys):
    assert main(["agreement", str(k2019)]) == 0
    out = capsys.readouterr().out
    assert "Per code" in out and "Per domain" in out and "K2019" in out
    assert "n/a (1)" in out and "(1) Cohen's kappa compares exactly two coders" in out
    assert "0.510" in out  # uα of the domain


def test_xlsx_has_a_sheet_per_level(nvivo, tmp_path, capsys):
    from openpyxl import load_workbook

    out = tmp_path / "report.xlsx"
    assert main(["agreement", str(nvivo), "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Overall", "Per code", "Per domain", "Per document", "Documents", "Definitions"]
    rows = list(wb["Per code"].iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert row[0] == "Werkdruk/Administratie"
    assert row[header.index("cohen_kappa")] == pytest.approx(0.3182, abs=5e-5)
    assert row[header.index("percent_agreement")] == pytest.approx(0.85)
    overall = {r[0]: r[1] for r in wb["Overall"].iter_rows(values_only=True) if r and r[0]}
    assert overall["coders"] == "anna, bram"
    docs = list(wb["Documents"].iter_rows(values_only=True))
    assert ("Interview 2", "no", "coded only by anna") in docs


def test_consensus_is_left_out_unless_named(nvivo, capsys):
    assert main(["consensus", str(nvivo), "Interview 1", "--code", "Administratie", "--accept", "anna"]) == 0
    d = run_json(capsys, "agreement", str(nvivo))
    assert d["coders"] == ["anna", "bram"]
    d = run_json(capsys, "agreement", str(nvivo), "--coders", "anna,consensus")
    fig = d["per_code"]["Werkdruk/Administratie"]
    assert fig["percent_agreement"]["value"] == pytest.approx(1.0)
    assert fig["cohen_kappa"]["value"] == pytest.approx(1.0)
    d = run_json(capsys, "agreement", str(nvivo), "--coders", "bram,consensus")
    assert d["per_code"]["Werkdruk/Administratie"]["cohen_kappa"]["value"] == pytest.approx(0.3182, abs=5e-5)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("argv, message", [
    (["--coders", "anna,zoe"], "no coder named 'zoe'"),
    (["--coders", "anna"], "at least two coders"),
    (["--coders", "anna,Anna"], "named twice"),
    (["--codes", "Nope"], "no code 'Nope'"),
    (["--docs", "Nope"], "no document named 'Nope'"),
    (["--min-overlap", "0"], "--min-overlap"),
    (["-o", "report.pdf"], ".xlsx or .json"),
])
def test_user_errors_are_one_sentence(nvivo, capsys, argv, message):
    assert main(["agreement", str(nvivo), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_per_character_alpha_matches_the_krippendorff_package(tmp_path, capsys):
    """A random project: the CLI's per-code α equals ``krippendorff.alpha`` on per-character
    binary data (a coder who did not code a document is missing there, not 'coded nothing')."""
    import random

    import numpy as np

    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(5)
    path = tmp_path / "random.qualcode"
    coders = ["anna", "bram", "chris"]
    spans: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    with Project.create(path) as p:
        codes = [p.codebook.add(name).uuid for name in ("A", "B", "C")]
        docs = [add_doc(p, f"Doc {i}", HEAD + filler(200 + 50 * i)) for i in range(4)]
        lengths = {d: p.documents.get(d).length for d in docs}
        items = []
        for i, doc in enumerate(docs):
            for coder in coders[: 2 if i == 3 else 3]:  # chris never saw Doc 3
                for _ in range(rng.randint(1, 6)):
                    c = rng.choice(codes)
                    s = rng.randrange(lengths[doc] - 5)
                    e = min(lengths[doc], s + rng.randint(1, 120))
                    if (s, e) not in spans.setdefault((doc, c, coder), []):
                        spans[(doc, c, coder)].append((s, e))
                        items.append((doc, coder, s, e, c))
        p.codings.add_many([NewCoding(doc, c, coder, s, e) for doc, coder, s, e, c in items])
    d = run_json(capsys, "agreement", str(path))
    for name, uuid in d["code_ids"].items():
        rows = []
        for doc in docs:
            present = [c for c in coders if any(spans.get((doc, x, c)) for x in codes)]
            for c in coders:
                row = np.full(lengths[doc], np.nan)
                if c in present:
                    row[:] = 0
                    for s, e in spans.get((doc, uuid, c), []):
                        row[s:e] = 1
                rows.append((c, row))
        data = np.vstack([np.concatenate([r for c, r in rows if c == coder]) for coder in coders])
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert d["per_code"][name]["krippendorff_alpha"]["value"] == pytest.approx(expected, abs=1e-9)
