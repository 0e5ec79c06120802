"""Agreement coefficients against the published values in shared/reference/AGREEMENT.md,
against the `krippendorff` and scikit-learn packages, and against a literal implementation of
the 2016/2019 unitized-α formulas."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.agreement.stats import (
    Stat,
    alpha_from_coincidences,
    binary_table,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    percent_agreement_table,
    unitized_alpha,
    unitized_alpha_pooled,
    unitized_stats,
)
from qualcode.agreement.unitized import PHI

N = None

# ----------------------------------------------------------------------------- published data

K2011_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
K2011_A = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


def _k2019(one_based):
    return [(a - 1, b, v) for a, b, v in one_based]


K2019 = {
    "Alex": _k2019([(1, 7, "1"), (8, 13, "2"), (31, 32, "5"), (33, 37, "6"), (38, 44, "6"), (45, 60, "7")]),
    "Paul": _k2019([(1, 7, "1"), (8, 13, "3"), (14, 21, "5"), (33, 44, "6")]),
    "Suzan": _k2019([(1, 7, "1"), (8, 13, "4"), (14, 21, "5"), (33, 37, "6"), (38, 41, "6"), (42, 44, "6")]),
}
K2019_L = 60


@pytest.mark.parametrize(
    "level, expected", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_k2011_c_all_levels(level, expected):
    stat = krippendorff_alpha(K2011_C, level)
    assert stat.value == pytest.approx(expected, abs=0.0005)
    assert stat.reason is None
    assert stat.n == 11  # pairable units (unit 12 has one value)


def test_k2011_c_nominal_is_exactly_113_over_152():
    assert krippendorff_alpha(K2011_C).value == pytest.approx(113 / 152, abs=1e-12)


def test_k2011_a_binary():
    assert krippendorff_alpha(K2011_A).value == pytest.approx(2 / 21, abs=1e-12)
    assert percent_agreement(K2011_A).value == pytest.approx(0.60)


def test_nvivo_percent_agreement_and_cohen():
    table = binary_table(both=50, only_a=100, only_b=50, neither=800)
    assert percent_agreement_table(table).value == pytest.approx(0.85)
    assert cohen_kappa(table).value == pytest.approx(0.3182, abs=5e-5)
    # the same from the 1000-character vectors
    a = [1] * 50 + [1] * 100 + [0] * 50 + [0] * 800
    b = [1] * 50 + [0] * 100 + [1] * 50 + [0] * 800
    assert cohen_kappa(a, b).value == pytest.approx(0.3182, abs=5e-5)
    assert cohen_kappa(a, b).n == 1000
    assert percent_agreement([a, b]).value == pytest.approx(0.85)


def test_brennan_prediger():
    assert brennan_prediger(0.85, 2).value == pytest.approx(0.70)
    assert brennan_prediger(0.85, 1).value is None


def test_k2019_unitized_alpha():
    assert unitized_alpha(K2019, K2019_L).value == pytest.approx(0.509982, abs=5e-7)
    assert unitized_alpha(K2019, K2019_L).value == pytest.approx(0.510, abs=0.0005)  # as printed


def test_k2019_binary_unitized_alpha():
    value = unitized_alpha(K2019, K2019_L, binary=True).value
    assert value == pytest.approx(0.4136, abs=5e-5)  # recomputed value
    assert value == pytest.approx(0.413, abs=0.002)  # the book's rounding


@pytest.mark.parametrize("code", ["1", "6"])
def test_k2019_codes_1_and_6_reach_alpha_1(code):
    """Adjacent sections of one value by one coder (Suzan's three "6") are no disagreement."""
    one_code = {c: [s for s in secs if s[2] == code] for c, secs in K2019.items()}
    assert unitized_alpha(one_code, K2019_L).value == pytest.approx(1.0)
    assert unitized_alpha(one_code, K2019_L, binary=True).value == pytest.approx(1.0)


def test_k2019_other_codes_below_1():
    for code in "23457":
        one_code = {c: [s for s in secs if s[2] == code] for c, secs in K2019.items()}
        assert unitized_alpha(one_code, K2019_L).value < 0.5


def test_ident_unitized():
    same = {coder: K2019["Alex"] for coder in ("a", "b", "c")}
    assert unitized_alpha(same, K2019_L).value == pytest.approx(1.0)
    assert unitized_alpha(same, K2019_L, binary=True).value == pytest.approx(1.0)


def test_pool_split_at_section_boundary():
    cut = 21  # every section ends at or before 21 or starts at or after 21
    assert all(e <= cut or s >= cut for secs in K2019.values() for s, e, _ in secs)
    first = {c: [(s, e, v) for s, e, v in secs if e <= cut] for c, secs in K2019.items()}
    second = {c: [(s - cut, e - cut, v) for s, e, v in secs if s >= cut] for c, secs in K2019.items()}
    for binary in (False, True):
        pooled = unitized_alpha_pooled(
            [unitized_stats(first, cut, binary=binary), unitized_stats(second, K2019_L - cut, binary=binary)]
        )
        assert pooled.value == pytest.approx(unitized_alpha(K2019, K2019_L, binary=binary).value, abs=1e-12)
    # and pooling is not averaging: the halves' own coefficients differ from the pooled one
    halves = [unitized_alpha(first, cut).value, unitized_alpha(second, K2019_L - cut).value]
    assert abs(sum(halves) / 2 - 0.509982) > 0.01


def test_fleiss_wikipedia_example():
    """Fleiss (1971)-style example as on Wikipedia: 10 subjects, 14 raters, κ ≈ 0.210."""
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]  # fmt: skip
    assert fleiss_kappa(table).value == pytest.approx(0.210, abs=0.001)


def test_fleiss_weights_equal_repeated_rows():
    rows = [[2, 1], [0, 3], [3, 0]]
    weights = [5, 2, 7]
    expanded = [r for r, w in zip(rows, weights) for _ in range(w)]
    assert fleiss_kappa(rows, weights=weights).value == pytest.approx(fleiss_kappa(expanded).value)


# ----------------------------------------------------------------------------- n/a with reasons


def test_undefined_values_say_why():
    assert krippendorff_alpha([[1, 1, 1], [1, 1, 1]]).value is None
    assert "variation" in krippendorff_alpha([[1, 1, 1], [1, 1, 1]]).reason
    assert "two coders" in krippendorff_alpha([[1, N, N], [N, 2, N]]).reason
    assert cohen_kappa([1, 1], [1, 1]).value is None
    assert cohen_kappa([1, 1], [1, 1]).reason
    assert fleiss_kappa([[2, 0], [2, 0]]).value is None
    assert unitized_alpha({"a": [], "b": []}, 10).value is None
    assert "variation" in unitized_alpha({"a": [], "b": []}, 10).reason
    assert unitized_alpha({"a": [(0, 3, "x")], "b": None}, 10).value is None
    assert percent_agreement([[1, N], [N, 1]]).value is None
    assert Stat(None, "because").to_dict() == {"value": None, "reason": "because", "n": 0}


def test_nan_is_missing():
    nan = float("nan")
    with_nan = [[v if v is not None else nan for v in row] for row in K2011_C]
    assert krippendorff_alpha(with_nan).value == pytest.approx(113 / 152)


# ----------------------------------------------------------------------------- cross-checks


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_matches_krippendorff_package(level):
    kp = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    for _ in range(25):
        coders, units = rng.integers(2, 6), rng.integers(5, 40)
        data = rng.integers(1, 6, size=(coders, units)).astype(float)
        data[rng.random(size=data.shape) < 0.2] = np.nan
        ours = krippendorff_alpha(data.tolist(), level).value
        if ours is None:
            continue
        theirs = kp.alpha(reliability_data=data, level_of_measurement=level)
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_cohen_matches_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(11)
    for _ in range(25):
        n, k = rng.integers(10, 200), rng.integers(2, 5)
        a = rng.integers(0, k, size=n)
        b = np.where(rng.random(n) < 0.6, a, rng.integers(0, k, size=n))
        ours = cohen_kappa(a.tolist(), b.tolist()).value
        assert ours == pytest.approx(metrics.cohen_kappa_score(a, b), abs=1e-12)


# ----------------------------------------------------------------------------- unitized α, literally


def literal_sufficient(sections_by_coder, length):
    """l_ck, W and l·· straight from the formulas (sections must partition; none overlap)."""
    m = len(sections_by_coder)
    values, w = [], defaultdict(float)
    for sections in sections_by_coder:
        row = ["φ"] * length
        for s, e, v in sections:
            row[s:e] = [v] * (e - s)
            w[v] += (e - s) ** 2
        w["φ"] += row.count("φ")
        values.append(row)
    l = defaultdict(float)
    for i, j in itertools.permutations(range(m), 2):
        for x in range(length):
            l[values[i][x], values[j][x]] += 1 / (m - 1)
    return l, w, m * length


def literal_ualpha(parts):
    l, w, total = defaultdict(float), defaultdict(float), 0
    for pl, pw, pt in parts:
        for k, v in pl.items():
            l[k] += v
        for k, v in pw.items():
            w[k] += v
        total += pt
    marg = defaultdict(float)
    for (c, _), x in l.items():
        marg[c] += x
    big_w = sum(w.values())
    obs = sum(x for (c, k), x in l.items() if c != k)
    exp = sum(total * marg[c] * marg[k] / (total**2 - big_w) for c in marg for k in marg if c != k)
    return None if exp == 0 else 1 - obs / exp


@st.composite
def partitions(draw, coders=st.integers(2, 4), max_len=30):
    """Per coder a partition of [0, L) into sections valued a/b/c or φ (None)."""
    length = draw(st.integers(2, max_len))
    out = []
    for _ in range(draw(coders)):
        cuts = sorted(draw(st.sets(st.integers(1, length - 1), max_size=6)))
        edges = [0, *cuts, length]
        vals = draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=len(edges) - 1, max_size=len(edges) - 1))
        out.append([(s, e, v) for s, e, v in zip(edges, edges[1:], vals) if v is not None])
    return out, length


@settings(max_examples=150, deadline=None)
@given(partitions())
def test_unitized_matches_literal_formula(data):
    sections, length = data
    expected = literal_ualpha([literal_sufficient(sections, length)])
    got = unitized_alpha(sections, length).value
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(partitions(coders=st.just(3)), partitions(coders=st.just(3)))
def test_pooling_matches_literal_sums_and_concatenation(one, two):
    (s1, l1), (s2, l2) = one, two
    expected = literal_ualpha([literal_sufficient(s1, l1), literal_sufficient(s2, l2)])
    pooled = unitized_alpha_pooled([unitized_stats(s1, l1), unitized_stats(s2, l2)]).value
    joined = [a + [(s + l1, e + l1, v) for s, e, v in b] for a, b in zip(s1, s2)]
    concatenated = unitized_stats(joined, l1 + l2)
    assert concatenated.patterns == pytest.approx((unitized_stats(s1, l1) + unitized_stats(s2, l2)).patterns)
    if expected is None:
        assert pooled is None
    else:
        assert pooled == pytest.approx(expected, abs=1e-9)
        assert concatenated.alpha().value == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(partitions(coders=st.just(1)), st.integers(2, 5))
def test_identical_codings_give_one_or_na(data, coders):
    (sections,), length = data
    same = [sections] * coders
    for stat in (unitized_alpha(same, length), unitized_alpha(same, length, binary=True)):
        assert stat.value is None or stat.value == pytest.approx(1.0)
    per_char = [["φ"] * length for _ in range(coders)]
    for row in per_char:
        for s, e, v in sections:
            row[s:e] = [v] * (e - s)
    assert krippendorff_alpha(per_char).value in (None, pytest.approx(1.0))
    assert percent_agreement(per_char).value == 1.0
    assert cohen_kappa(per_char[0], per_char[1]).value in (None, pytest.approx(1.0))


def test_unitized_per_character_l_equals_alpha_coincidences():
    """l_ck is the per-character coincidence matrix: per-character α from it matches α on vectors."""
    stats = unitized_stats(K2019, K2019_L)
    rows = []
    for sections in K2019.values():
        row = ["φ"] * K2019_L
        for s, e, v in sections:
            row[s:e] = [v] * (e - s)
        rows.append(row)
    by_vectors = krippendorff_alpha(rows).value
    relabel = {(("φ" if c is PHI else c), ("φ" if k is PHI else k)): x for (c, k), x in stats.l.items()}
    assert alpha_from_coincidences(relabel).value == pytest.approx(by_vectors)


def test_overlapping_same_value_sections_are_united_touching_kept():
    doubled = {"a": [(0, 10, "x"), (5, 10, "x")], "b": [(0, 10, "x")]}
    stats = unitized_stats(doubled, 20)
    assert stats.w["x"] == 2 * 10**2  # one section of 10 per coder, not 10 + 5
    touching = unitized_stats({"a": [(0, 5, "x"), (5, 10, "x")], "b": [(0, 10, "x")]}, 20)
    assert touching.w["x"] == 25 + 25 + 100
    assert touching.patterns == stats.patterns


def test_one_coder_two_values_is_its_own_category():
    stats = unitized_stats({"a": [(0, 10, "x"), (5, 10, "y")], "b": [(0, 10, "x")]}, 10)
    assert (frozenset({"x", "y"}), "x") in stats.patterns
    assert not math.isclose(stats.alpha().value or 0, 1.0)


def test_sufficient_statistics_add_up():
    stats = unitized_stats(K2019, K2019_L)
    assert stats.total == pytest.approx(3 * K2019_L)
    assert stats.characters == K2019_L
    doubled = stats + stats
    assert doubled.total == pytest.approx(2 * stats.total)
    assert doubled.w == {k: 2 * v for k, v in stats.w.items()}
