"""The agreement report on neutral inputs: published values (AGREEMENT.md), the rules of its
"Lessons", and cross-checks of every per-character figure against per-character vectors."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.agreement.engine import CodedSpan, agreement_report, disagreements
from qualcode.agreement.stats import fleiss_kappa, krippendorff_alpha, percent_agreement

# ----------------------------------------------------------------------------- fixtures


def k2019_spans(document="d", shift=0, keep=lambda s, e: True):
    data = {
        "Alex": [(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"), (45, 60, "7")],
        "Paul": [(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")],
        "Suzan": [(1, 7, "1"), (8, 13, "4"), (14, 21, "5"), (33, 37, "6"), (38, 41, "6"), (42, 44, "6")],
    }
    return [
        CodedSpan(document, code, coder, a - 1 - shift, b - shift)
        for coder, secs in data.items()
        for a, b, code in secs
        if keep(a - 1, b)
    ]


K2019_CODERS = ["Alex", "Paul", "Suzan"]
K2019_DOMAIN = {"all": list("1234567")}


def nvivo_spans():
    # 50 by both, 100 only by A, 50 only by B, 800 by neither
    return [CodedSpan("d", "x", "A", 0, 150), CodedSpan("d", "x", "B", 100, 200)]


# ----------------------------------------------------------------------------- published values


def test_nvivo_through_the_report():
    report = agreement_report(nvivo_spans(), {"d": 1000}, ["A", "B"])
    code = report.per_code["x"]
    assert code["percent_agreement"].value == pytest.approx(0.85)
    assert code["cohen_kappa"].value == pytest.approx(0.3182, abs=5e-5)
    assert code["jaccard"].value == pytest.approx(50 / 200)
    assert code["characters"] == 1000
    assert code["coded_characters"] == {"A": 150, "B": 100}
    # one code: the pooled figures are the code's figures
    assert report.overall["cohen_kappa"].value == pytest.approx(code["cohen_kappa"].value)


def test_k2019_through_the_report():
    report = agreement_report(k2019_spans(), {"d": 60}, K2019_CODERS, domains=K2019_DOMAIN)
    domain = report.domains["all"]
    assert domain["unitized_alpha"].value == pytest.approx(0.509982, abs=5e-7)
    assert domain["unitized_alpha_binary"].value == pytest.approx(0.4136, abs=5e-5)
    assert domain["unitized_alpha_binary"].value == pytest.approx(0.413, abs=0.002)
    for code in ("1", "6"):  # "codes 1 and 6 reach α = 1"
        assert report.per_code[code]["unitized_alpha_binary"].value == pytest.approx(1.0)
        assert report.per_code[code]["krippendorff_alpha"].value == pytest.approx(1.0)
        assert report.per_code[code]["segment_agreement"].value == pytest.approx(1.0)
    for code in "23457":
        assert report.per_code[code]["unitized_alpha_binary"].value < 0.5
    assert report.per_code["1"]["cohen_kappa"].value is None  # three coders
    assert "exactly two" in report.per_code["1"]["cohen_kappa"].reason


def test_pool_through_the_report():
    cut = 21
    split = k2019_spans("p1", keep=lambda s, e: e <= cut) + k2019_spans("p2", shift=cut, keep=lambda s, e: s >= cut)
    whole = agreement_report(k2019_spans(), {"d": 60}, K2019_CODERS, domains=K2019_DOMAIN)
    pooled = agreement_report(split, {"p1": cut, "p2": 60 - cut}, K2019_CODERS, domains=K2019_DOMAIN)
    assert pooled.domains["all"]["unitized_alpha"].value == pytest.approx(0.509982, abs=5e-7)
    for key in ("unitized_alpha", "unitized_alpha_binary", "krippendorff_alpha", "percent_agreement"):
        assert pooled.domains["all"][key].value == pytest.approx(whole.domains["all"][key].value)
    for key in ("percent_agreement", "jaccard", "fleiss_kappa", "krippendorff_alpha", "unitized_alpha_binary"):
        assert pooled.overall[key].value == pytest.approx(whole.overall[key].value)


def test_ident_through_the_report():
    spans = [CodedSpan("d", s.code, c, s.start, s.end) for s in k2019_spans() if s.coder == "Alex" for c in "ABC"]
    report = agreement_report(spans, {"d": 60}, ["A", "B", "C"], domains=K2019_DOMAIN)
    for figures in [report.overall, *report.per_code.values(), *report.domains.values()]:
        for name, stat in figures.stats.items():
            assert stat.value is None or stat.value == pytest.approx(1.0), name
    assert report.domains["all"]["unitized_alpha"].value == pytest.approx(1.0)
    assert report.domains["all"]["unitized_alpha_binary"].value == pytest.approx(1.0)
    assert disagreements(spans, {"d": 60}, ["A", "B", "C"]) == []


# ----------------------------------------------------------------------------- the rules


def test_documents_need_two_coders_and_absent_coders_are_missing():
    spans = [
        CodedSpan("both", "x", "A", 0, 10),
        CodedSpan("both", "x", "B", 0, 5),
        CodedSpan("only_a", "x", "A", 0, 10),
    ]
    report = agreement_report(spans, {"both": 20, "only_a": 20, "none": 20}, ["A", "B"])
    assert report.documents == ("both",)
    assert report.excluded_documents == {"only_a": "coded only by A", "none": "coded by none of the chosen coders"}
    assert report.overall["characters"] == 20
    # B was assigned "only_a" and coded nothing there: now it counts, as "coded nothing"
    assigned = agreement_report(spans, {"both": 20, "only_a": 20}, ["A", "B"], coded_docs={"only_a": {"A", "B"}})
    assert assigned.documents == ("both", "only_a")
    assert assigned.overall["characters"] == 40
    assert assigned.per_code["x"]["percent_agreement"].value == pytest.approx((15 + 10) / 40)


def test_a_third_coder_missing_on_one_document():
    """α and uα use all documents with coders missing; Fleiss only the fully coded ones."""
    kp = pytest.importorskip("krippendorff")
    spans = [
        CodedSpan("d1", "x", "A", 0, 10), CodedSpan("d1", "x", "B", 2, 10), CodedSpan("d1", "x", "C", 0, 6),
        CodedSpan("d2", "x", "A", 3, 9), CodedSpan("d2", "x", "B", 0, 9),
    ]  # fmt: skip
    report = agreement_report(spans, {"d1": 12, "d2": 12}, ["A", "B", "C"])
    code = report.per_code["x"]
    assert code["documents"] == 2 and code["documents_with_all_coders"] == 1
    vectors = _vectors(spans, {"d1": 12, "d2": 12}, ["A", "B", "C"], "x", {"d1": "ABC", "d2": "AB"})
    assert code["krippendorff_alpha"].value == pytest.approx(kp.alpha(vectors, level_of_measurement="nominal"))
    d1 = vectors[:, :12]
    counts = np.stack([(d1 == 0).sum(0), (d1 == 1).sum(0)], axis=1)
    assert code["fleiss_kappa"].value == pytest.approx(fleiss_kappa(counts).value)
    assert code["fleiss_kappa"].n == 12
    assert code["cohen_kappa"].value is None


def test_fleiss_na_when_no_document_has_all_coders():
    spans = [CodedSpan("d1", "x", "A", 0, 5), CodedSpan("d1", "x", "B", 0, 6), CodedSpan("d2", "x", "C", 0, 5),
             CodedSpan("d2", "x", "B", 1, 5)]  # fmt: skip
    report = agreement_report(spans, {"d1": 10, "d2": 10}, ["A", "B", "C"])
    fleiss = report.per_code["x"]["fleiss_kappa"]
    assert fleiss.value is None and "all 3" in fleiss.reason
    assert report.per_code["x"]["krippendorff_alpha"].value is not None


def test_double_coding_counts_once():
    base = [CodedSpan("d", "x", "A", 0, 10), CodedSpan("d", "x", "B", 5, 15)]
    doubled = base + [CodedSpan("d", "x", "A", 2, 8), CodedSpan("d", "x", "A", 0, 10)]
    one = agreement_report(base, {"d": 30}, ["A", "B"]).to_dict()
    two = agreement_report(doubled, {"d": 30}, ["A", "B"]).to_dict()
    assert one == two


def test_segment_agreement_uses_share_of_the_checked_segment():
    spans = [CodedSpan("d", "x", "A", 0, 100), CodedSpan("d", "x", "B", 5, 100), CodedSpan("d", "x", "B", 200, 210)]
    report = agreement_report(spans, {"d": 300}, ["A", "B"], min_overlap=0.9)
    code = report.per_code["x"]
    # A's [0,100) is 95% covered by B's [5,100); B's [5,100) is 100% inside A's; B's [200,210) is alone
    assert code["segments"] == {"A": 1, "B": 2}
    assert code["segments_matched"] == {"A": 1, "B": 1}
    assert code["segment_agreement"].value == pytest.approx(2 / 3)
    strict = agreement_report(spans, {"d": 300}, ["A", "B"], min_overlap=0.96).per_code["x"]
    assert strict["segments_matched"] == {"A": 0, "B": 1}


def test_code_presence_per_document():
    spans = [CodedSpan("d1", "x", "A", 0, 5), CodedSpan("d1", "x", "B", 0, 5), CodedSpan("d1", "y", "A", 0, 5),
             CodedSpan("d2", "y", "B", 0, 5), CodedSpan("d2", "y", "A", 9, 12)]  # fmt: skip
    report = agreement_report(spans, {"d1": 20, "d2": 20}, ["A", "B"])
    assert report.per_code["x"]["code_presence"].value == pytest.approx(1.0)  # d1 both, d2 neither
    assert report.per_code["y"]["code_presence"].value == pytest.approx(0.5)
    assert report.overall["code_presence"].value == pytest.approx(3 / 4)
    assert report.overall["code_presence"].n == 4


def test_undefined_figures_say_why():
    report = agreement_report([CodedSpan("d", "x", "A", 0, 5)], {"d": 10}, ["A", "B"], codes=["x", "unused"])
    for stat in report.overall.stats.values():
        assert stat.value is None and stat.reason
    ok = agreement_report(nvivo_spans(), {"d": 1000}, ["A", "B"], codes=["x", "unused"])
    unused = ok.per_code["unused"]
    assert unused["percent_agreement"].value == 1.0
    assert unused["cohen_kappa"].value is None and "variation" in unused["cohen_kappa"].reason
    assert unused["jaccard"].value is None and unused["segment_agreement"].value is None


def test_domain_overlap_is_its_own_value():
    spans = [CodedSpan("d", "p", "A", 0, 10), CodedSpan("d", "q", "A", 5, 10), CodedSpan("d", "p", "B", 0, 10)]
    report = agreement_report(spans, {"d": 20}, ["A", "B"], domains={"D": ["p", "q"]})
    assert report.domains["D"]["overlap_characters"] == 5
    assert report.domains["D"]["percent_agreement"].value == pytest.approx(15 / 20)


def test_bad_input_is_refused_with_a_clear_sentence():
    with pytest.raises(ValueError, match="outside"):
        agreement_report([CodedSpan("d", "x", "A", 5, 50)], {"d": 10}, ["A", "B"])
    with pytest.raises(ValueError, match="unknown document"):
        agreement_report([CodedSpan("zz", "x", "A", 0, 5)], {"d": 10}, ["A", "B"])
    with pytest.raises(ValueError, match="two coders"):
        agreement_report([], {"d": 10}, ["A"])


def test_to_dict_is_json_with_stable_keys():
    report = agreement_report(k2019_spans(), {"d": 60}, K2019_CODERS, domains=K2019_DOMAIN)
    data = json.loads(json.dumps(report.to_dict()))
    assert list(data)[:7] == ["coders", "codes", "min_overlap", "documents", "documents_compared",
                              "documents_excluded", "overall"]  # fmt: skip
    assert data["coders"] == K2019_CODERS and data["documents"] == 1
    assert data["domains"]["all"]["unitized_alpha"]["value"] == pytest.approx(0.509982, abs=5e-7)
    assert data["per_code"]["6"]["krippendorff_alpha"] == {"value": 1.0, "reason": None, "n": 60}
    assert data["overall"]["cohen_kappa"]["value"] is None
    assert {"percent_agreement", "jaccard", "fleiss_kappa", "segment_agreement", "code_presence",
            "segment_kappa_brennan_prediger", "units", "segments"} <= set(data["overall"])  # fmt: skip


def test_disagreements_list_who_coded_what():
    spans = [CodedSpan("d", "x", "A", 10, 20), CodedSpan("d", "x", "B", 15, 30), CodedSpan("d", "x", "C", 40, 45)]
    spans += [CodedSpan("d", "y", coder, 0, 5) for coder in "ABC"]
    found = disagreements(spans, {"d": 50}, ["A", "B", "C"])
    assert [(d.code, d.start, d.end, d.coded_by, d.not_coded_by) for d in found] == [
        ("x", 10, 30, ("A", "B"), ("C",)),
        ("x", 40, 45, ("C",), ("A", "B")),
    ]
    assert found[0].pieces == ((10, 15, ("A",)), (15, 20, ("A", "B")), (20, 30, ("B",)))
    assert json.dumps([d.to_dict() for d in found])
    # with two coders, where they agree is no disagreement
    two = disagreements(spans, {"d": 50}, ["A", "B"])
    assert [(d.start, d.end, d.coded_by) for d in two] == [(10, 15, ("A",)), (20, 30, ("B",))]


# ----------------------------------------------------------------------------- cross-checks


def _vectors(spans, lengths, coders, code, present):
    """coders × characters (all documents end to end): 1 coded, 0 not, NaN absent."""
    blocks = []
    for doc, length in lengths.items():
        block = np.full((len(coders), length), np.nan)
        for i, c in enumerate(coders):
            if c in present[doc]:
                block[i] = 0
        for s in spans:
            if s.document == doc and s.code == code and s.coder in present[doc]:
                block[coders.index(s.coder), s.start : s.end] = 1
        blocks.append(block)
    return np.concatenate(blocks, axis=1)


@st.composite
def projects(draw, max_coders=3):
    coders = ["A", "B", "C"][: draw(st.integers(2, max_coders))]
    lengths = {f"d{i}": draw(st.integers(1, 40)) for i in range(draw(st.integers(1, 3)))}
    spans = []
    for doc, length in lengths.items():
        for coder in coders:
            for _ in range(draw(st.integers(0, 4))):
                s = draw(st.integers(0, length - 1))
                e = draw(st.integers(s + 1, length))
                spans.append(CodedSpan(doc, draw(st.sampled_from(["x", "y"])), coder, s, e))
    return spans, lengths, coders


@settings(max_examples=80, deadline=None)
@given(projects())
def test_per_character_figures_match_vectors(project):
    kp = pytest.importorskip("krippendorff")
    metrics = pytest.importorskip("sklearn.metrics")
    spans, lengths, coders = project
    report = agreement_report(spans, lengths, coders, codes=["x", "y"])
    present = {d: {s.coder for s in spans if s.document == d} for d in lengths}
    compared = {d: L for d, L in lengths.items() if len(present[d]) >= 2}
    assert report.documents == tuple(compared)
    if not compared:
        return
    for code in ("x", "y"):
        v = _vectors(spans, compared, coders, code, present)
        figures = report.per_code[code]
        rows = [[None if np.isnan(x) else int(x) for x in row] for row in v]
        assert figures["percent_agreement"].value == pytest.approx(percent_agreement(rows).value)
        alpha = figures["krippendorff_alpha"].value
        assert alpha == pytest.approx(krippendorff_alpha(rows).value) if alpha is not None else True
        if alpha is not None:
            assert alpha == pytest.approx(kp.alpha(v, level_of_measurement="nominal"))
        if len(coders) == 2:
            kappa = figures["cohen_kappa"].value
            expected = metrics.cohen_kappa_score(v[0], v[1]) if len(set(v[0]) | set(v[1])) > 1 else None
            if kappa is None:
                assert expected is None or np.isnan(expected)
            else:
                assert kappa == pytest.approx(expected)


@settings(max_examples=60, deadline=None)
@given(projects(max_coders=2), projects(max_coders=2))
def test_pooling_two_documents_equals_concatenating_them(one, two):
    (s1, l1, _), (s2, l2, _) = one, two
    n1, n2 = sum(l1.values()), sum(l2.values())
    cat1 = [CodedSpan("one", s.code, s.coder, s.start + _offset(l1, s.document), s.end + _offset(l1, s.document))
            for s in s1]  # fmt: skip
    cat2 = [CodedSpan("two", s.code, s.coder, s.start + _offset(l2, s.document), s.end + _offset(l2, s.document))
            for s in s2]  # fmt: skip
    joined = cat1 + [CodedSpan("one", s.code, s.coder, s.start + n1, s.end + n1) for s in cat2]
    coded = {"one": {"A", "B"}, "two": {"A", "B"}}
    separate = agreement_report(cat1 + cat2, {"one": n1, "two": n2}, ["A", "B"], ["x", "y"], coded_docs=coded)
    together = agreement_report(joined, {"one": n1 + n2}, ["A", "B"], ["x", "y"], coded_docs={"one": {"A", "B"}})
    for key in ("percent_agreement", "jaccard", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
                "unitized_alpha_binary"):  # fmt: skip
        a, b = separate.overall[key].value, together.overall[key].value
        assert (a is None and b is None) or a == pytest.approx(b), key


def _offset(lengths, doc):
    names = list(lengths)
    return sum(lengths[d] for d in names[: names.index(doc)])


def test_large_project_takes_seconds():
    """100 documents × 30,000 characters × 60 codes × 3 coders (the brief's scale)."""
    rng = np.random.default_rng(3)
    codes = [f"c{i}" for i in range(60)]
    lengths = {f"d{i}": 30_000 for i in range(100)}
    spans = []
    for doc in lengths:
        for _ in range(200):
            s = int(rng.integers(0, 29_000))
            e = s + int(rng.integers(50, 900))
            code = codes[int(rng.integers(0, 60))]
            for coder in "ABC":
                if rng.random() < 0.7:
                    jitter = rng.integers(-20, 20, size=2)
                    start, end = max(0, s + int(jitter[0])), min(30_000, e + int(jitter[1]))
                    spans.append(CodedSpan(doc, code, coder, start, end))
    started = time.perf_counter()
    domains = {f"D{j}": codes[j * 10 : j * 10 + 10] for j in range(6)}
    report = agreement_report(spans, lengths, list("ABC"), domains=domains)
    found = disagreements(spans, lengths, list("ABC"))
    elapsed = time.perf_counter() - started
    assert report.overall["units"] == 100 * 30_000 * 60
    assert found
    assert elapsed < 60, f"{elapsed:.1f} s"
