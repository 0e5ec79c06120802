"""What a coder is shown: back-channel turns, evidence over frequency, the floor, and honest reasons."""

from __future__ import annotations

import pytest

from tests.nlp.test_core import SALARIS, VAKANTIE, code_text, interview, make_project


@pytest.mark.parametrize("text", ["Ja.", "Graag gedaan.", "Oké, dank je.", "Okay, thank you.", "Mm-hm.", "Yeah, sure."])
def test_back_channel_turns(text):
    from qualcode.nlp.display import is_back_channel

    assert is_back_channel(text)


@pytest.mark.parametrize("text", ["Veel administratie.", "De werkdruk is hoog.", "Yes, the funding was cut."])
def test_substantive_turns(text):
    from qualcode.nlp.display import is_back_channel

    assert not is_back_channel(text)


def test_no_suggestion_for_a_back_channel_turn_even_with_a_keyword(tmp_path):
    from qualcode.nlp import Suggester

    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "Dank", "keywords": ["bedankt"]}],
                                {"d": interview("Bedankt.", "Ik wil iedereen bedankt zeggen voor de hulp.")})
    with project:
        sug = Suggester.load(project)
        doc = project.documents.get("d")
        turns = [t for t in project.documents.turns(doc.uuid) if t.speaker == "Karin"]
        got = [sug.suggest(doc.text, t.start, t.end, doc.uuid) for t in turns]
    assert got[0] == [] and [s.path for s in got[1]] == ["Dank"]


def test_frequency_alone_is_never_shown():
    from qualcode.nlp.display import shown
    from qualcode.nlp.signals import Scored
    from qualcode.nlp.similarity import SimilarityHit

    often = Scored("often", 0.4, [0, 0.01, 1, 0, 0, 1.0], None, None, 0.01)  # only its prior lifts it
    near = Scored("near", 0.3, [0, 0, 0, 0.4, 0.2, 0.1], None, SimilarityHit("near", 0.4, 0.2, 2, False), None)
    assert [s.code for s in shown([often, near], "Een gewone zin over het werk.")] == ["near"]


def test_the_floor_keeps_one_weak_suggestion_and_an_explicit_threshold_does_not():
    from qualcode.nlp.display import FLOOR, MIN_SCORE, shown
    from qualcode.nlp.signals import Scored
    from qualcode.nlp.similarity import SimilarityHit

    weak = Scored("weak", (FLOOR + MIN_SCORE) / 2, [0] * 6, None, SimilarityHit("weak", 0.2, 0.1, 1, False), None)
    text = "Een gewone zin over het werk."
    assert [s.code for s in shown([weak], text)] == ["weak"]
    assert shown([weak], text, min_score=0.5, floor=None) == []


def test_redirects_to_own_ancestors_and_in_circles_are_dropped(tmp_path):
    from qualcode.nlp.keywords import KeywordMatcher
    from qualcode.nlp.pipeline import load_pipeline

    project, ids = make_project(tmp_path / "p.qualcode", [
        {"name": "Werk"},
        {"name": "Werkdruk", "parent": "Werk", "keywords": ["werkdruk"], "exclusion": "Algemeen over Werk."},
        {"name": "Rust", "keywords": ["rust"], "exclusion": "Gaat het om Pauze, dan Pauze."},
        {"name": "Pauze", "keywords": ["pauze"], "exclusion": "Gaat het om Rust, dan Rust."},
        {"name": "Extra handen", "keywords": ["extra handen"]},
        {"name": "Hulp", "keywords": ["hulp"], "exclusion": "Use Extra handen."},
    ], {"d": interview("x")})
    with project:
        matcher = KeywordMatcher(load_pipeline("nl"), project.codebook.tree())
    assert ids["Werkdruk"] not in matcher.redirects  # its own parent
    assert ids["Rust"] not in matcher.redirects and ids["Pauze"] not in matcher.redirects  # a circle
    assert matcher.redirects[ids["Hulp"]] == [ids["Extra handen"]]


def test_reasons_name_whose_codings_a_resemblance_comes_from(tmp_path):
    from qualcode.nlp import Suggester

    docs = {f"doc{i}": interview(VAKANTIE[i], SALARIS[i]) for i in range(4)}
    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "Vakantie"}, {"name": "Salaris"}], docs)
    with project:
        for i in range(3):
            code_text(project, f"doc{i}", VAKANTIE[i], ids["Vakantie"], coder="anna")
            code_text(project, f"doc{i}", SALARIS[i], ids["Salaris"], coder="bram")
        sug = Suggester.load(project)
        doc = project.documents.get("doc3")
        turns = [t for t in project.documents.turns(doc.uuid) if t.speaker == "Karin"]
        vak = sug.suggest(doc.text, turns[0].start, turns[0].end, doc.uuid)
        sal = sug.suggest(doc.text, turns[1].start, turns[1].end, doc.uuid)
    assert vak[0].path == "Vakantie" and "anna coded" in vak[0].reason and "you coded" not in vak[0].reason
    assert sal[0].path == "Salaris" and "bram coded" in sal[0].reason
    assert not any("often coded" in s.reason for s in vak + sal)


def test_cold_start_uses_the_codebook_text(tmp_path):
    from qualcode.nlp import Suggester

    project, ids = make_project(tmp_path / "p.qualcode", [
        {"name": "graduation_requirement", "definition": "Whether computer science counts towards graduation."},
        {"name": "funding", "definition": "Money, budgets and grants for the programme."},
    ], {"d": interview("Should computer science count for graduation at all?", "The budget has no money for it.")},
        language="en")
    with project:
        sug = Suggester.load(project)
        doc = project.documents.get("d")
        turns = [t for t in project.documents.turns(doc.uuid) if t.speaker == "Karin"]
        got = [sug.suggest(doc.text, t.start, t.end, doc.uuid) for t in turns]
    assert got[0][0].path == "graduation_requirement" and got[1][0].path == "funding"
    assert "description in the codebook" in got[0][0].reason
