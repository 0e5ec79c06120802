"""Multi-category Cohen's and Fleiss' κ per domain, at character, segment and document level,
against published examples: Fleiss (1971), 30 patients × 6 psychiatrists × 5 diagnoses, κ = .430
(R irr::kappam.fleiss(diagnoses) = 0.4302445); a 3-category Cohen's κ of 0.4842 (SAS PROC FREQ
example, also statsmodels' test table)."""

from __future__ import annotations

import json

import pytest

from qualcode.agreement.engine import CodedSpan, agreement_report

# Fleiss (1971), Table 1 as the irr package ships it (rows: patients; columns: the 6 ratings)
DIAGNOSES = [
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
]
CODERS = [f"r{i}" for i in range(1, 7)]
DOMAIN = {"diagnosis": ["c1", "c2", "c3", "c4", "c5"]}
SEG = 10


def fleiss_one_document():
    spans = [CodedSpan("d", f"c{v}", CODERS[j], i * SEG, (i + 1) * SEG)
             for i, row in enumerate(DIAGNOSES) for j, v in enumerate(row)]
    segments = {"d": [(i * SEG, (i + 1) * SEG) for i in range(len(DIAGNOSES))]}
    return spans, {"d": SEG * len(DIAGNOSES)}, segments


def test_fleiss_1971_at_segment_and_character_level():
    spans, lengths, segments = fleiss_one_document()
    report = agreement_report(spans, lengths, CODERS, domains=DOMAIN, segments=segments)
    dom = report.domains["diagnosis"]
    assert dom["fleiss_kappa_segments"].value == pytest.approx(0.4302445, abs=1e-6)
    assert dom["fleiss_kappa_segments"].n == 30
    # every character of a segment carries its segment's ratings, so per character κ is the same
    assert dom["fleiss_kappa_characters"].value == pytest.approx(0.4302445, abs=1e-6)
    assert dom["segments"] == 30
    assert dom["cohen_kappa_segments"].value is None and "exactly two" in dom["cohen_kappa_segments"].reason


def test_fleiss_1971_at_document_level():
    spans = [CodedSpan(f"p{i}", f"c{v}", CODERS[j], 0, SEG) for i, row in enumerate(DIAGNOSES) for j, v in enumerate(row)]
    lengths = {f"p{i}": SEG for i in range(len(DIAGNOSES))}
    dom = agreement_report(spans, lengths, CODERS, domains=DOMAIN).domains["diagnosis"]
    assert dom["fleiss_kappa_documents"].value == pytest.approx(0.4302445, abs=1e-6)
    assert dom["fleiss_kappa_documents"].n == 30


def test_cohen_three_categories_sas_example():
    table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]  # rows coder A, columns coder B; κ = 0.4842
    spans, segs, i = [], [], 0
    for a in range(3):
        for b in range(3):
            for _ in range(table[a][b]):
                spans += [CodedSpan("d", f"k{a}", "A", i * 5, i * 5 + 5), CodedSpan("d", f"k{b}", "B", i * 5, i * 5 + 5)]
                segs.append((i * 5, i * 5 + 5))
                i += 1
    report = agreement_report(spans, {"d": i * 5}, ["A", "B"], domains={"k": ["k0", "k1", "k2"]}, segments={"d": segs})
    dom = report.domains["k"]
    assert dom["cohen_kappa_segments"].value == pytest.approx(0.4842, abs=5e-5)
    assert dom["cohen_kappa_characters"].value == pytest.approx(0.4842, abs=5e-5)
    # two coders: Fleiss' κ is defined too (and differs from Cohen's by its pooled expected agreement)
    assert dom["fleiss_kappa_segments"].value is not None


def test_segment_category_is_the_dominant_code_and_uncoded_turns_do_not_count():
    # one turn coded by both, A mostly x (8 of 10), B y; a second turn nobody coded; a third both x
    spans = [CodedSpan("d", "x", "A", 0, 8), CodedSpan("d", "y", "A", 8, 10), CodedSpan("d", "y", "B", 0, 10),
             CodedSpan("d", "x", "A", 20, 30), CodedSpan("d", "x", "B", 22, 30)]
    segs = {"d": [(0, 10), (10, 20), (20, 30)]}
    dom = agreement_report(spans, {"d": 30}, ["A", "B"], domains={"dom": ["x", "y"]}, segments=segs).domains["dom"]
    assert dom["segments"] == 2
    assert dom["cohen_kappa_segments"].n == 2


def test_domain_kappa_through_the_cli(project_path, capsys):
    from qualcode.cli.main import main

    p = str(project_path)
    for code in ("Administratieve last", "Lerarentekort"):
        assert main(["codebook", "edit", p, code, "--domain", "Oorzaak"]) == 0
    # turn numbers as 'qualcode show' prints them: 2 and 4 are Karin's
    assert main(["code", p, "Interview test 1", "--turn", "2", "--code", "Administratieve last", "--coder", "anna"]) == 0
    assert main(["code", p, "Interview test 1", "--turn", "2", "--code", "Administratieve last", "--coder", "bram"]) == 0
    assert main(["code", p, "Interview test 1", "--turn", "4", "--code", "Lerarentekort", "--coder", "anna"]) == 0
    assert main(["code", p, "Interview test 1", "--turn", "4", "--code", "Administratieve last", "--coder", "bram"]) == 0
    capsys.readouterr()
    assert main(["agreement", p, "--coders", "anna,bram", "--json"]) == 0
    dom = json.loads(capsys.readouterr().out)["domains"]["Oorzaak"]
    assert dom["segments"] == 2
    # two segments: one agreement (admin/admin), one disagreement (shortage/admin): p_o = .5,
    # marginals A (1, 1), B (2, 0) -> p_e = .5, κ = 0
    assert dom["cohen_kappa_segments"]["value"] == pytest.approx(0.0)
    assert "cohen_kappa_segments" in json.loads(json.dumps(dom))
    out = tmp_xlsx = project_path.with_name("agreement.xlsx")
    assert main(["agreement", p, "--coders", "anna,bram", "-o", str(out)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(tmp_xlsx)
    terms = [r[1].value for r in wb["Definitions"].iter_rows()]  # the keys of --json, next to readable terms
    assert "fleiss_kappa_segments" in terms and "cohen_kappa_documents" in terms
