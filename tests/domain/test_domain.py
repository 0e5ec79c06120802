"""Span arithmetic, quote finding, span resolution and the code tree."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qualcode.domain.codebook import CodeTree
from qualcode.domain.locate import find_quote, resolve_span
from qualcode.domain.models import Code
from qualcode.domain.spans import covered_length, intersection, union

spans = st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)).map(lambda t: (min(t), max(t))), max_size=30)


@given(spans)
def test_union_is_sorted_disjoint_and_covers_the_same_points(items):
    merged = union(items)
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:]))
    points = {i for s, e in items for i in range(s, e)}
    assert {i for s, e in merged for i in range(s, e)} == points
    assert covered_length(items) == len(points)


@given(st.tuples(st.integers(0, 50), st.integers(0, 50)), st.tuples(st.integers(0, 50), st.integers(0, 50)))
def test_intersection_is_symmetric_and_bounded(a, b):
    a, b = (min(a), max(a)), (min(b), max(b))
    assert intersection(a, b) == intersection(b, a) == len(set(range(*a)) & set(range(*b)))


def test_find_quote_tolerates_whitespace_and_typographic_quotes():
    text = "Ze zei: “het is  te\nveel” en ging weg."
    assert find_quote(text, 'zei: "het is te veel"') == [(3, 25)]
    assert find_quote(text, "ZE ZEI") == [(0, 6)]
    assert find_quote(text, "niet hier") == []


def test_resolve_span_modes():
    text = "abc def abc"

    class T:
        start, end = 4, 7

    assert resolve_span(text, [T()], turn=1) == (4, 7)
    assert resolve_span(text, [], start=0, end=3) == (0, 3)
    assert resolve_span(text, [], quote="abc", occurrence=2) == (8, 11)
    for kwargs, msg in (
        ({"quote": "abc"}, "occurs 2 times"),
        ({"turn": 2}, "no turn 2"),
        ({"start": 5, "end": 99}, "outside"),
        ({}, "exactly one"),
        ({"start": 1, "end": 2, "turn": 1}, "exactly one"),
    ):
        try:
            resolve_span(text, [T()], **kwargs)
        except ValueError as exc:
            assert msg in str(exc)
        else:
            raise AssertionError(kwargs)


def test_code_tree_paths_and_lookup():
    codes = [
        Code("t1", "Werkdruk"), Code("c1", "Administratie", parent="t1", position=1),
        Code("c0", "Tekort", parent="t1", position=0), Code("t2", "EVC", position=1),
        Code("c2", "Administratie", parent="t2"),
    ]
    tree = CodeTree(codes)
    assert [c.uuid for c in tree] == ["t1", "c0", "c1", "t2", "c2"]
    assert tree.path("c1") == "Werkdruk/Administratie"
    assert tree.find("werkdruk / ADMINISTRATIE").uuid == "c1"
    assert tree.find("Tekort").uuid == "c0"
    assert tree.find("Administratie") is None  # ambiguous
    assert tree.candidates("Administratie") == ["EVC/Administratie", "Werkdruk/Administratie"]
    assert tree.theme("c1").uuid == "t1"
    assert [c.uuid for c in tree.descendants("t1")] == ["c0", "c1"]
