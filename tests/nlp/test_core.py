"""Suggestions: lemma keyword matching, exclusion criteria, the classifier, storage, no downloads."""

from __future__ import annotations

import socket

import pytest

from qualcode.ingest.turns import detect_turns
from qualcode.store.project import Project

VAKANTIE = [
    "We gingen in de zomer naar de camping aan het strand met de zon.",
    "Op vakantie zoek ik de zon op, het strand en de zee, heerlijk reizen.",
    "De camping lag vlak bij zee, elke dag strand en zon.",
    "In de zomervakantie reizen we met de caravan naar een camping in Frankrijk.",
    "Het strand, de zee en de zon, dat is voor mij echt vakantie.",
    "We reizen elke zomer naar het zuiden, naar de zon en het strand.",
]
SALARIS = [
    "Mijn loon is laag, de schaal past niet bij het werk en de cao helpt niet.",
    "De betaling volgt de cao, maar het salaris blijft achter bij het loon van leraren.",
    "Ik zit al jaren in dezelfde schaal, mijn loon gaat niet omhoog.",
    "Het geld is het probleem: de cao geeft geen hogere schaal voor ons loon.",
    "Met dit salaris en deze schaal kan ik de huur bijna niet betalen.",
    "Over het loon en de schaal in de cao is veel onvrede.",
]


def make_project(path, codes: list[dict], docs: dict[str, str], language: str = "nl"):
    """A project built through the Project API: codes (dicts with name/parent/keywords/…) and documents."""
    project = Project.create(path, language=language)
    uuids = {}
    for spec in codes:
        spec = dict(spec)
        name, parent = spec.pop("name"), spec.pop("parent", None)
        uuids[name] = project.codebook.add(name, parent=uuids.get(parent, parent), **spec).uuid
    with project.transaction():
        for name, text in docs.items():
            project.documents.add(name, text, detect_turns(text))
    return project, uuids


def code_text(project, doc_name: str, needle: str, code: str, coder: str = "anna", origin: str = "human"):
    doc = project.documents.get(doc_name)
    start = doc.text.index(needle)
    return project.codings.add(doc.uuid, code, coder, start, start + len(needle), origin=origin)


def interview(*answers: str) -> str:
    return "\n\n".join(f"Interviewer: Vraag {i}?\n\nKarin: {a}" for i, a in enumerate(answers, 1)) + "\n"


@pytest.fixture
def toy(tmp_path):
    """Two codes without keywords that only the classifier and similarity can learn, plus a keyword code."""
    docs = {f"doc{i}": interview(VAKANTIE[2 * i], SALARIS[2 * i], VAKANTIE[2 * i + 1], SALARIS[2 * i + 1])
            for i in range(3)}
    project, ids = make_project(tmp_path / "toy.qualcode", [
        {"name": "Vakantie"}, {"name": "Salaris"},
        {"name": "Administratieve last", "keywords": ["administratieve last", "registratie"]},
    ], docs)
    for i in range(3):
        for j in (0, 1):
            code_text(project, f"doc{i}", VAKANTIE[2 * i + j], ids["Vakantie"])
            code_text(project, f"doc{i}", SALARIS[2 * i + j], ids["Salaris"])
    yield project, ids
    project.close()


# -- pipeline and keys ------------------------------------------------------------------------------
def test_stem_joins_dutch_plurals_and_lemmas():
    from qualcode.nlp.pipeline import stem

    assert stem("lasten") == stem("last") == "last"
    assert stem("leraren") == stem("leraar")
    assert stem("toetsen") == stem("toets")
    assert stem("invallers") == "invaller"
    assert stem("administratieve") == stem("administratief")
    assert stem("teachers", "en") == "teacher"


def test_model_not_installed_is_a_clear_error():
    from qualcode.errors import ProjectError
    from qualcode.nlp.pipeline import load_pipeline

    with pytest.raises(ProjectError, match="not installed"):
        load_pipeline("nl", "nl_no_such_model_xx")


def test_no_network_is_used(tmp_path, monkeypatch):
    from qualcode.nlp import Suggester
    from qualcode.nlp.pipeline import _load

    def refuse(*args, **kwargs):
        raise AssertionError("the suggester tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    _load.cache_clear()
    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "Last", "keywords": ["administratie"]}],
                                {"d": interview("Veel administratie elke week.")})
    with project:
        doc = project.documents.get("d")
        found = Suggester.load(project).suggest_document(project, doc.uuid)
    assert [s.path for s in found] == ["Last"]


# -- signal 1: keywords ----------------------------------------------------------------------------------
def test_keywords_match_plural_and_inflected_forms(tmp_path):
    from qualcode.nlp import Suggester

    project, ids = make_project(tmp_path / "p.qualcode", [
        {"name": "Administratieve last", "keywords": ["administratieve last", "registreren"]},
        {"name": "Vrijstelling", "keywords": ["vrijstelling"]},
    ], {"d": interview("De administratieve lasten zijn enorm.", "Alles wordt geregistreerd.",
                       "Ik kreeg twee Vrijstellingen.", "Niets hiervan.")})
    with project:
        sug = Suggester.load(project)
        doc = project.documents.get("d")
        turns = [t for t in project.documents.turns(doc.uuid) if t.speaker == "Karin"]
        got = [sug.suggest(doc.text, t.start, t.end, doc.uuid) for t in turns]
    assert [s.path for s in got[0]] == ["Administratieve last"]
    assert got[0][0].reason == "keyword: administratieve last"
    assert [s.path for s in got[1]] == ["Administratieve last"] and "registreren" in got[1][0].reason
    assert [s.path for s in got[2]] == ["Vrijstelling"]
    assert got[3] == []
    assert all(0 < s.score <= 1 and s.start == turns[0].start for s in got[0])


def test_criterion_terms_are_read_from_quotes_and_term_lists():
    from qualcode.nlp.keywords import criterion_terms

    assert criterion_terms('Not when "ontlasten" or ‘extra handen’ is the point.') == ["ontlasten", "extra handen"]
    assert criterion_terms("Only about pay. terms: loon, salaris; cao") == ["loon", "salaris", "cao"]
    assert criterion_terms("If the point is relief, use Leraren ontlasten.") == []


def test_exclusion_terms_and_redirects_lower_the_score(tmp_path):
    from qualcode.nlp import Suggester

    project, ids = make_project(tmp_path / "p.qualcode", [
        {"name": "Administratie", "keywords": ["administratie"], "exclusion": 'Not when "ontlasten" is the point.'},
        {"name": "Werkdruk", "keywords": ["werkdruk"], "exclusion": "When the point is help, use Extra handen."},
        {"name": "Extra handen", "keywords": ["extra handen"]},
    ], {"d": interview("Veel administratie.", "Zij ontlast mij van de administratie.",
                       "De werkdruk is hoog.", "De werkdruk daalt door extra handen.")})
    with project:
        sug = Suggester.load(project)
        doc = project.documents.get("d")
        turns = [t for t in project.documents.turns(doc.uuid) if t.speaker == "Karin"]
        got = [{s.path: s for s in sug.suggest(doc.text, t.start, t.end, doc.uuid, top=5)} for t in turns]
    assert got[1]["Administratie"].score == pytest.approx(got[0]["Administratie"].score * 0.5)
    assert "exclusion term ontlasten" in got[1]["Administratie"].reason
    assert got[3]["Werkdruk"].score == pytest.approx(got[2]["Werkdruk"].score * 0.75)
    assert "points to Extra handen" in got[3]["Werkdruk"].reason
    assert "Extra handen" in got[3]


def test_exclude_codes_and_min_score(tmp_path):
    from qualcode.nlp import Suggester

    project, ids = make_project(tmp_path / "p.qualcode", [
        {"name": "A", "keywords": ["administratie"]}, {"name": "B", "keywords": ["registratie", "formulier"]},
    ], {"d": interview("Administratie en registratie van elk formulier.")})
    with project:
        sug = Suggester.load(project)
        doc = project.documents.get("d")
        turn = [t for t in project.documents.turns(doc.uuid) if t.speaker == "Karin"][0]
        both = sug.suggest(doc.text, turn.start, turn.end, doc.uuid)
        assert [s.path for s in both] == ["B", "A"]  # two keywords beat one
        assert [s.path for s in sug.suggest(doc.text, turn.start, turn.end, exclude_codes={ids["B"]})] == ["A"]
        assert sug.suggest(doc.text, turn.start, turn.end, min_score=0.99) == []
        # a coded span is not suggested again by suggest_document
        code_text(project, "d", "Administratie en registratie", ids["B"])
        assert [s.path for s in sug.suggest_document(project, doc.uuid)] == ["A"]


def test_suggestions_per_sentence(tmp_path):
    from qualcode.nlp import Suggester

    project, _ = make_project(tmp_path / "p.qualcode", [{"name": "A", "keywords": ["administratie"]}],
                              {"d": interview("Dat weet ik niet. Maar de administratie is veel. Echt.")})
    with project:
        doc = project.documents.get("d")
        (found,) = Suggester.load(project).suggest_document(project, doc.uuid, unit="sentence")
    assert doc.text[found.start:found.end] == "Maar de administratie is veel."


def test_interviewer_turns_are_skipped(tmp_path):
    from qualcode.nlp import Suggester

    project, _ = make_project(tmp_path / "p.qualcode", [{"name": "A", "keywords": ["administratie"]}],
                              {"d": "Interviewer: En de administratie?\n\nKarin: Geen idee.\n"})
    with project:
        assert Suggester.load(project).suggest_document(project, "d") == []


# -- signal 2 and 3: learning from the coder -------------------------------------------------------------
def test_classifier_learns_a_separable_toy_corpus(toy):
    from qualcode.nlp import Suggester

    project, ids = toy
    sug = Suggester.load(project)
    assert sug.is_stale(project)
    report = sug.retrain_if_stale(project)
    assert sorted(report["labels"]) == sorted([ids["Vakantie"], ids["Salaris"]])
    text = "Deze zomer naar de camping, lekker in de zon op het strand."
    top = sug.suggest(text)
    assert top[0].path == "Vakantie"
    assert "classifier" in top[0].reason and "learned from 6 codings" in top[0].reason
    other = sug.suggest("Het loon in mijn schaal is te laag volgens de cao.")
    assert other[0].path == "Salaris"
    assert top[0].score > 0.5


def test_model_is_stored_reused_and_retrained_when_stale(toy):
    from qualcode.nlp import Suggester

    project, ids = toy
    Suggester.load(project).train(project)
    data, info = project.models.load("suggester")
    assert data and set(info["labels"]) == {ids["Vakantie"], ids["Salaris"]}
    assert info["codings"] == 12 and info["counts"][ids["Vakantie"]] == 6 and info["trained_at"]
    again = Suggester.load(project)
    assert again.models.classifier is not None and not again.is_stale(project)
    assert again.retrain_if_stale(project) is None
    assert again.suggest("Zon, zee en strand op de camping.")[0].path == "Vakantie"
    # accepted suggestions are not learned from; five new human codings make the model stale
    doc = project.documents.get("doc0")
    project.codings.add(doc.uuid, ids["Salaris"], "anna", 0, 5, origin="suggestion")
    assert not again.is_stale(project)
    for k in range(5):
        project.codings.add(doc.uuid, ids["Salaris"], "bert", 10 * k, 10 * k + 8)
    assert again.is_stale(project)


def test_similarity_to_example_quotes_without_training(tmp_path):
    from qualcode.nlp import Suggester

    project, _ = make_project(tmp_path / "p.qualcode", [
        {"name": "Invalpool leeg", "examples": ["Als er iemand ziek is, is er niemand meer. De invalpool is leeg."]},
        {"name": "Anders", "examples": ["Wij praten over de tuin en de bloemen."]},
    ], {"d": interview("x")})
    with project:
        got = Suggester.load(project).suggest("Niemand meer als er iemand ziek is, de pool is leeg.")
    assert got[0].path == "Invalpool leeg"
    assert "example quote" in got[0].reason


def test_log_shown_and_decisions(toy):
    from qualcode.nlp import Suggester, accept, log_decision, log_shown
    from qualcode.nlp.evaluate import acceptance

    project, ids = toy
    sug = Suggester.load(project)
    doc = project.documents.get("doc1")
    shown = sug.suggest_document(project, doc.uuid)
    assert shown
    ids_logged = log_shown(project, shown[:2], coder="anna")
    coding = accept(project, shown[0], ids_logged[0], "anna")
    assert coding.origin == "suggestion"
    log_decision(project, ids_logged[1], "rejected")
    acc = acceptance(project)
    assert acc["overall"] == {"shown": 2, "accepted": 1, "changed": 0, "rejected": 1, "acceptance_rate": 0.5}


def test_score_weights_are_learned_then_kept_on_retraining(tmp_path):
    import random

    from qualcode.nlp import Suggester

    rng = random.Random(4)
    words = {"Vakantie": "zon strand zee camping zomer reizen caravan".split(),
             "Salaris": "loon schaal cao salaris betaling geld inschaling".split()}
    filler = "ik vind dat het eigenlijk wel zo is en dan ook nog".split()

    def sentence(code: str) -> str:
        return " ".join(rng.sample(filler, 5) + rng.sample(words[code], 3)).capitalize() + "."

    plan = {f"doc{d}": [("Vakantie" if k % 2 else "Salaris") for k in range(15)] for d in range(3)}
    texts = {d: [sentence(c) for c in codes] for d, codes in plan.items()}
    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "Vakantie"}, {"name": "Salaris"}],
                                {d: interview(*ts) for d, ts in texts.items()})
    with project:
        for d, codes in plan.items():
            for c, t in zip(codes[:14], texts[d][:14]):
                code_text(project, d, t, ids[c])
        sug = Suggester.load(project)
        report = sug.train(project)
        assert report["calibrated"] is True and report["passages"] == 42
        assert sug.info["calibrated_passages"] == 42 and sug.models.combiner.learned
        assert sug.suggest("De cao en mijn schaal, het loon dus.")[0].path == "Salaris"
        for d, codes in plan.items():
            code_text(project, d, texts[d][14], ids[codes[14]])
        for k in range(2):
            code_text(project, "doc0", texts["doc0"][k], ids["Vakantie" if codes[k] == "Salaris" else "Salaris"])
        again = Suggester.load(project)
        assert again.models.combiner.learned and again.is_stale(project)
        second = again.retrain_if_stale(project)
        assert second["calibrated"] == "kept" and second["passages"] == 45
        assert again.info["calibrated_passages"] == 42


def test_training_passages_keep_their_keyword_hits_across_refreshes(tmp_path):
    from qualcode.nlp import Suggester

    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "A", "keywords": ["administratie"]}],
                                {"d": interview("Veel administratie elke week.")})
    with project:
        code_text(project, "d", "Veel administratie elke week.", ids["A"])
        sug = Suggester.load(project)  # analyses and caches the coded passages
        sug.refresh(project)
        (passage,) = sug._passages(project)  # from the cache: the keyword feature must still be there
        assert passage.keys and passage.kw[ids["A"]].terms == ["administratie"]
