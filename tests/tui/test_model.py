"""The pure parts of the workspace: wrapping, blocks, units, coverage, fuzzy codes, queries."""

from __future__ import annotations

from hypothesis import given, settings as hsettings, strategies as st
from tests.tui.fixtures import build_study, stored, study  # noqa: F401

from qualcode.domain.models import Coding, Turn
from qualcode.tui.coverage import Coverage
from qualcode.tui.doc_model import TEXT, DocModel, wrap
from qualcode.tui.fuzzy import CodeMatcher
from qualcode.tui.workspace import Workspace, open_project

TEXT_ = "Intro line\n\nAnna: Hallo daar. Hoe gaat het? Goed!\n\nBob: Prima, dank je.\n"


def turns_for(text: str) -> list:
    from qualcode.ingest.turns import detect_turns

    return [Turn("d", i, t.speaker, t.start, t.end, t.timestamp_ms, None) for i, t in enumerate(detect_turns(text))]


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab cdé\n日x-"), max_size=300), st.integers(4, 30))
def test_wrap_covers_every_visible_character_once_within_the_width(text, width):
    from rich.cells import cell_len

    for uniform in (False, True):
        if uniform and cell_len(text.replace("\n", "")) != len(text.replace("\n", "")):
            continue
        lines = wrap(text, 0, len(text), width, uniform)
        covered = [i for s, e in lines for i in range(s, e)]
        assert len(covered) == len(set(covered))
        assert all(cell_len(text[s:e]) <= width or e - s == 1 for s, e in lines)
        visible = {i for i, ch in enumerate(text) if not ch.isspace()}
        assert visible <= set(covered)


def test_fast_and_exact_wrap_agree_on_plain_text():
    text = "Dit is een vrij gewone zin met één woord met accenten, en nog wat meer woorden. " * 20
    assert wrap(text, 0, len(text), 37, True) == wrap(text, 0, len(text), 37, False)


def test_blocks_lines_and_units():
    doc = DocModel("d", "D", TEXT_, turns_for(TEXT_))
    assert [b.speaker for b in doc.blocks] == [None, "Anna", "Bob"]
    assert TEXT_[doc.blocks[0].start:doc.blocks[0].end] == "Intro line"
    lay = doc.layout(20)
    texts = [TEXT_[ln.start:ln.end] for ln in lay.lines if ln.kind == TEXT]
    assert texts[:3] == ["Intro line", "Hallo daar. Hoe gaat", "het? Goed!"]
    sentences = [TEXT_[s:e] for s, e in doc.sentences()]
    assert sentences[1:4] == ["Hallo daar.", "Hoe gaat het?", "Goed!"]
    anna = doc.blocks[1]
    assert doc.next_start("word", anna.start) == TEXT_.index("daar")
    assert doc.next_end("sentence", anna.start) == TEXT_.index("Hallo daar.") + len("Hallo daar.")
    assert doc.block_at(TEXT_.index("Prima")).speaker == "Bob"
    row = lay.row_of(TEXT_.index("het?"))
    assert lay.offset_at(row, 0, TEXT_) == TEXT_.index("het?")


def coding(uuid, start, end, code="k"):
    return Coding(uuid, "d", code, "anna", start, end, "")


def test_coverage_segments_overlaps_and_columns():
    cov = Coverage([coding("a", 0, 10), coding("b", 5, 300, "m"), coding("c", 400, 410)])
    segs = cov.segments(0, 20)
    assert [(s, e, tuple(c.uuid for c in a)) for s, e, a in segs] == [(0, 5, ("a",)), (5, 10, ("a", "b")), (10, 20, ("b",))]
    assert [c.uuid for c in cov.at(299)] == ["b"] and cov.at(300) == []
    assert [c.uuid for c in cov.overlapping(250, 405)] == ["b", "c"]
    assert cov.column["a"] != cov.column["b"] and cov.column["c"] == 0
    assert not cov.covered(300, 400) and cov.covered(0, 1)


def test_code_matcher_finds_labels_keywords_and_typos(study):
    path, ids = study
    with stored(path) as p:
        m = CodeMatcher(p.codebook.tree())
    assert m.match("extra hands")[0].uuid == ids["Extra handen"]
    assert m.match("paperwork")[0].uuid == ids["Administratieve last"]
    assert m.match("lerarentkort")[0].uuid == ids["Lerarentekort"]


def test_workspace_codes_trims_and_counts(study):
    path, ids = study
    p = open_project(path, "anna")
    ws = Workspace(p, "anna")
    doc = ws.open_document(ids["Interview Sanne"])
    turn = doc.turns[1]
    c = ws.apply(ids["Extra handen"], turn.start - 1, turn.end + 2)  # white space around is trimmed
    assert (c.start, c.end) == (turn.start, turn.end) and ws.counts[ids["Extra handen"]] == 1
    assert ws.recent[0] == ids["Extra handen"]
    assert [b.turn for b in ws.uncoded_turns()] == [3, 5]
    ws.undo()
    assert len(ws.coverage) == 0 and ws.counts.get(ids["Extra handen"], 0) == 0
    p.close()


def test_queries_for_the_workspace(study):
    path, ids = study
    p = open_project(path)
    sanne = ids["Interview Sanne"]
    t = p.documents.turns(sanne)[1]
    p.codings.add(sanne, ids["Administratieve last"], "anna", t.start, t.start + 10)
    p.codings.add(sanne, ids["Extra handen"], "bob", t.start + 5, t.start + 20)
    assert p.codings.coded_chars_by_document() == {sanne: 20}
    assert p.codings.coded_chars_by_document("anna") == {sanne: 10}
    assert p.codings.recent_codes("bob") == [ids["Extra handen"]]
    [row] = p.codings.passages([ids["Administratieve last"]])
    assert row["text"] == p.documents.get(sanne).text[t.start:t.start + 10] and row["speaker"] == "Sanne"
    hits = p.documents.search("DE   werkdruk")
    assert [(h["document_name"], h["match"]) for h in hits] == [("Focusgroep", "de werkdruk"), ("Interview Sanne", "de werkdruk")]
    assert [r[0] for r in p.documents.uncoded_respondent_turns(sanne)] == [3, 5]
    assert [r[0] for r in p.documents.uncoded_respondent_turns(sanne, coder="carla")] == [1, 3, 5]
    p.close()
