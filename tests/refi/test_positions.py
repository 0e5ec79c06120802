"""Positions from other tools land on the text they meant: BOM, CRLF, NFD, UTF-16 (NVivo)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.refi.support import make_qdpx, project_xml, selection, text_source

from qualcode.ingest.encoding import canonicalise
from qualcode.refi.project_import import import_refi_project
from qualcode.refi.positions import TextMap, choose_positions
from qualcode.store.project import Project

G1 = "a0000000-0000-0000-0000-000000000001"


def _coded(tmp_path, raw: bytes, start: int, end: int, positions=None, name: str = "") -> tuple[list[str], object]:
    qdpx = make_qdpx(tmp_path / "in.qdpx", project_xml(text_source(G1, "Interview", selection(
        "b0000000-0000-0000-0000-000000000001", start, end, name=name))), {f"sources/{G1}.txt": raw})
    report = import_refi_project(qdpx, tmp_path / "p.qualcode", "nl", utf16=positions)
    with Project.open(tmp_path / "p.qualcode") as project:
        return [c.text for c in project.codings.list()], report


def test_bom_and_crlf_positions_count_the_raw_text(tmp_path):
    raw = "Regel een\r\nKarin: de administratie\r\nnog meer"
    start = raw.index("de administratie")
    texts, _ = _coded(tmp_path, b"\xef\xbb\xbf" + raw.encode(), start, start + len("de administratie"))
    assert texts == ["de administratie"]


def test_utf16_bom_source_text(tmp_path):
    raw = "Eerste regel\r\nTweede regel"
    start = raw.index("Tweede")
    texts, _ = _coded(tmp_path, "\ufeff".encode("utf-16-le") + raw.encode("utf-16-le"), start, start + 6)
    assert texts == ["Tweede"]


def test_decomposed_accents_are_composed_and_positions_follow(tmp_path):
    raw = unicodedata.normalize("NFD", "café en crème brûlée, daarna thee")
    start = raw.index("daarna")
    texts, _ = _coded(tmp_path, raw.encode(), start, start + len("daarna"))
    assert texts == ["daarna"]


def test_utf16_positions_detected_when_a_selection_overruns_in_code_points(tmp_path):
    raw = "Leuk 😀 werk 😀😀 maar zwaar"
    utf16 = raw.encode("utf-16-le")
    start = len(raw[:raw.index("zwaar")].encode("utf-16-le")) // 2
    texts, report = _coded(tmp_path, raw.encode(), start, len(utf16) // 2)
    assert texts == ["zwaar"]
    assert report.positions == "utf16" and "beyond" in report.positions_reason


def test_utf16_positions_detected_from_word_boundaries(tmp_path):
    raw = "😀😀 Wij hebben het druk. Heel druk, echt."
    word = "Heel druk"
    start16 = len(raw[:raw.index(word)].encode("utf-16-le")) // 2
    texts, report = _coded(tmp_path, raw.encode(), start16, start16 + len(word))
    assert texts == [word] and report.positions == "utf16"


def test_code_points_kept_when_they_fit_better(tmp_path):
    raw = "😀 Wij hebben het druk. Heel druk, echt."
    start = raw.index("Heel druk")
    texts, report = _coded(tmp_path, raw.encode(), start, start + 9, name="Heel druk")
    assert texts == ["Heel druk"] and report.positions == "codepoints"


@pytest.mark.parametrize("forced, expected", [(True, "Heel"), (False, "eel ")])
def test_positions_can_be_chosen(tmp_path, forced, expected):
    raw = "😀 Heel druk"
    texts, report = _coded(tmp_path, raw.encode(), 3, 7, positions=forced)
    assert texts == [expected] and report.positions_reason == "chosen with --positions"


def test_nvivo_windows_origin_tips_a_tie():
    tm = TextMap("a😀 b")
    # a selection before the emoji reads the same either way: a tie, settled by the exporting tool
    assert choose_positions([(tm, [(0, 1, None)])], "NVivo 12 (Windows)")[0] is True
    assert choose_positions([(tm, [(0, 1, None)])], "NVivo for Mac 15.0.0")[0] is False
    assert choose_positions([(TextMap("ab"), [(0, 1, None)])], "NVivo 12 (Windows)")[0] is False
    tied = [(tm, [(4, 5, None)])]  # 'b' in UTF-16, or past the end in code points
    assert choose_positions(tied, "whatever")[0] is True


def test_text_map_utf16_surrogate_split_rounds_outward():
    tm = TextMap("a😀b")
    assert [tm.from_utf16(u) for u in range(5)] == [0, 1, 1, 2, 3]
    assert tm.from_utf16(2, end=True) == 2


_pieces = st.lists(st.sampled_from(["a", "b", " ", "\r\n", "\n", "\r", "e\u0301", "é", "\x07", "😀", "ﬁ", "\u2028",
                                    "\u1100\u1161", "k"]), max_size=30)


@settings(deadline=None)
@given(_pieces, st.data())
def test_map_keeps_whole_pieces(pieces, data):
    """Cut between pieces of the raw text, the canonical slice is the canonical form of the raw slice."""
    raw = "".join(pieces)
    tm = TextMap(raw)
    assert tm.canonical == canonicalise(raw)
    cuts = [0]
    for piece in pieces:
        cuts.append(cuts[-1] + len(piece))
    i = data.draw(st.integers(0, len(cuts) - 1))
    j = data.draw(st.integers(i, len(cuts) - 1))
    a, b = cuts[i], cuts[j]
    piece = canonicalise(raw[a:b])
    # a lone CR before LF is one line end; a cut just after a CR that precedes an LF piece may move
    if not (raw[a - 1:a] == "\r" or raw[b - 1:b] == "\r"):
        assert tm.canonical[tm.to_canonical(a):tm.to_canonical(b)] == piece
