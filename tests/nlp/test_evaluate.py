"""Suggestion quality figures (hand-checked) and the `qualcode suggest` command."""

from __future__ import annotations

import json

import pytest

from tests.nlp.test_core import SALARIS, VAKANTIE, code_text, interview, make_project


def test_metrics_by_hand():
    from qualcode.nlp.evaluate import metrics, per_code_metrics

    rankings = [["a", "b", "c"], ["b", "a"], []]
    golds = [{"a"}, {"a", "c"}, {"b"}]
    # p@1: only the first passage has its top code right -> 1/3
    # p@3: hits 1, 1, 0 out of 3 each -> (1/3 + 1/3 + 0) / 3 = 2/9
    # r@3: 1/1, 1/2, 0/1 -> (1 + 0.5 + 0) / 3 = 0.5
    assert metrics(rankings, golds) == {"precision_at_1": 0.3333, "precision_at_3": 0.2222, "recall_at_3": 0.5}
    codes = per_code_metrics(rankings, golds)
    assert codes["a"] == {"passages": 2, "precision_at_1": 1.0, "precision_at_3": 1.0, "recall_at_3": 1.0}
    # b: ranked first once (wrong), in the top three twice (both wrong), carried once (never found)
    assert codes["b"] == {"passages": 1, "precision_at_1": 0.0, "precision_at_3": 0.0, "recall_at_3": 0.0}
    assert codes["c"] == {"passages": 1, "precision_at_1": None, "precision_at_3": 0.0, "recall_at_3": 0.0}
    assert metrics([], []) == {"precision_at_1": 0.0, "precision_at_3": 0.0, "recall_at_3": 0.0}


def test_folds_deal_documents_round_robin():
    from qualcode.nlp.evaluate import fold_of

    assert fold_of(["c", "a", "b", "d"], 2) == {"a": 0, "b": 1, "c": 0, "d": 1}


@pytest.fixture
def study(tmp_path):
    """Four interviews; 'Vakantie' and 'Salaris' coded by anna, one 'Salaris' passage has a keyword code too."""
    docs = {f"doc{i}": interview(VAKANTIE[i], SALARIS[i], "De administratie is zwaar.") for i in range(4)}
    project, ids = make_project(tmp_path / "study.qualcode", [
        {"name": "Vakantie", "examples": [VAKANTIE[5]]},
        {"name": "Salaris", "keywords": ["cao"]},
        {"name": "Administratie", "keywords": ["administratie"]},
    ], docs)
    for i in range(4):
        code_text(project, f"doc{i}", VAKANTIE[i], ids["Vakantie"])
        code_text(project, f"doc{i}", SALARIS[i], ids["Salaris"])
        code_text(project, f"doc{i}", "De administratie is zwaar.", ids["Administratie"], coder="bert")
    project.close()
    return tmp_path / "study.qualcode", ids


def test_shown_metrics_by_hand():
    from qualcode.nlp.measure import majority, per_code, shown_metrics, to_themes

    shown = [["a", "b", "c"], ["b", "a"], [], ["c"], []]
    golds = [{"a"}, {"a", "c"}, {"b"}, set(), set()]
    subst = [True, True, True, True, False]  # the last one is a back-channel turn
    m = shown_metrics(shown, golds, subst)
    # coded units: the first three. hit@1: 1/3; hit@3: 2/3; MRR: (1 + 1/2 + 0) / 3
    assert m["units"] == 3 and m["hit_at_1"] == 0.3333 and m["hit_at_3"] == 0.6667 and m["mrr"] == 0.5
    # precision: right codes 1 + 1 of 3 + 2 + 0 shown; recall: 2 of 4 gold codes
    assert m["precision"] == 0.4 and m["recall"] == 0.5
    # empty: of the four substantive units, one (the third) had nothing shown; shown: 6 codes / 4
    assert m["empty"] == 0.25 and m["shown"] == 1.5
    codes = per_code(shown, golds, subst)
    assert codes["a"] == {"units": 2, "shown": 2, "precision": 1.0, "recall": 1.0}
    assert codes["c"] == {"units": 1, "shown": 1, "precision": 0.0, "recall": 0.0}  # shown on an uncoded unit: not counted
    assert to_themes(["a1", "b1", "a2"], {"a1": "A", "a2": "A", "b1": "B"}) == ["A", "B"]
    assert majority([{"x"}, {"y", "x"}, {"z"}, {"y"}], k=2) == ["x", "y"]


def test_blocks_of_turns_are_contiguous():
    from qualcode.nlp.evaluate import blocks_of

    assert blocks_of(list(range(10)), 5) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert blocks_of(list(range(3)), 5) == [0, 1, 3]


def test_evaluate_on_a_tiny_study(study):
    from qualcode.nlp.evaluate import evaluate
    from qualcode.store.project import Project

    path, ids = study
    with Project.open(path) as project:
        result = evaluate(project, folds=2, coder="anna")
        everyone = evaluate(project, folds=4)
    assert result["passages"] == 8 and result["documents"] == 4 and result["folds"] == 2
    assert result["fold_by"] == "document"
    spans, turns = result["spans"], result["turns"]
    # keyword baseline: only the Salaris spans with "cao" (SALARIS[0], [1], [3]) get a code, all right
    assert spans["code"]["keyword_baseline"]["hit_at_1"] == pytest.approx(3 / 8, abs=1e-4)
    assert spans["code"]["keyword_baseline"]["empty"] == pytest.approx(5 / 8, abs=1e-4)
    # the constant baseline shows the training folds' two codes (tied) everywhere: always in the top 3,
    # first for half of the spans
    assert spans["code"]["majority_baseline"]["hit_at_3"] == 1.0
    assert spans["code"]["majority_baseline"]["hit_at_1"] == 0.5
    # the suggester learns the rest from the other documents' passages and the example quote
    assert spans["code"]["suggester"]["hit_at_1"] > spans["code"]["keyword_baseline"]["hit_at_1"]
    assert spans["code"]["suggester"]["mrr"] >= spans["code"]["suggester"]["hit_at_1"]
    # every code here is a theme of its own: both levels agree
    assert spans["theme"]["suggester"] == spans["code"]["suggester"]
    # respondent turns: three per interview; anna coded two of each document's three
    assert turns["units"] == 12 and turns["coded"] == 8 and turns["substantive"] == 12
    # before any coding, the codebook alone (Salaris' keyword, Vakantie's example quote) already finds some
    assert spans["cold_start"]["code"]["hit_at_1"] > 0
    assert turns["per_code"]["Salaris"]["keyword_baseline"]["units"] == 4
    assert everyone["passages"] == 12
    assert everyone["spans"]["code"]["keyword_baseline"]["hit_at_1"] == pytest.approx(7 / 12, abs=1e-4)


def test_evaluate_by_blocks_of_turns_in_one_document(tmp_path):
    from qualcode.nlp.evaluate import evaluate

    answers = [VAKANTIE[i // 2] if i % 2 else SALARIS[i // 2] for i in range(12)]
    project, ids = make_project(tmp_path / "one.qualcode", [{"name": "Vakantie"}, {"name": "Salaris"}],
                                {"d": interview(*answers)})
    with project:
        for i, a in enumerate(answers):
            code_text(project, "d", a, ids["Vakantie" if i % 2 else "Salaris"])
        result = evaluate(project, folds=3)
    assert result["fold_by"] == "block" and result["folds"] == 3 and result["documents"] == 1
    assert result["spans"]["units"] == result["passages"]
    assert result["turns"]["coded"] == 12
    assert result["turns"]["code"]["suggester"]["hit_at_1"] > result["turns"]["code"]["majority_baseline"]["hit_at_1"]


def test_evaluate_needs_codings_in_two_documents(tmp_path):
    from qualcode.nlp.evaluate import evaluate

    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "A"}], {"d": interview(VAKANTIE[0])})
    with project:
        assert "needs human codings" in evaluate(project)["note"]
        code_text(project, "d", VAKANTIE[0], ids["A"])
        result = evaluate(project, fold_by="document")
    assert result["passages"] == 1 and "two documents" in result["note"]


# -- the CLI ---------------------------------------------------------------------------------------------
def test_cli_evaluate_json_shape(study, capsys):
    from qualcode.cli.main import main
    from qualcode.nlp.measure import KEYS

    path, _ = study
    assert main(["suggest", str(path), "--evaluate", "--json", "--folds", "2", "--coder", "anna"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"version", "spans", "turns", "passages", "documents", "folds", "fold_by", "defaults", "acceptance",
            "coder", "pipeline"} <= set(data)
    for kind in ("spans", "turns"):
        part = data[kind]
        assert {"units", "substantive", "coded", "code", "theme", "cold_start", "per_code"} <= set(part)
        for level in ("code", "theme"):
            assert set(part[level]) == {"suggester", "keyword_baseline", "majority_baseline"}
            assert all(set(m) == set(KEYS) for m in part[level].values())
            assert set(part["cold_start"][level]) == set(KEYS)
    assert data["passages"] == 8
    assert all(0.0 <= v <= 1.0 for k, v in data["spans"]["code"]["suggester"].items() if k not in ("units", "shown"))
    assert set(data["turns"]["per_code"]["Vakantie"]["suggester"]) == {"units", "shown", "precision", "recall"}
    assert main(["suggest", str(path), "--evaluate", "--folds", "2"]) == 0
    out = capsys.readouterr().out
    assert "respondent turns" in out and "coded spans" in out and "constant top 3" in out and "cold start" in out


def test_cli_suggest_json_per_respondent_turn(study, capsys):
    from qualcode.cli.main import main

    path, _ = study
    assert main(["suggest", str(path), "--doc", "doc0", "--json", "--top", "2"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {"document", "start", "end", "code", "code_uuid", "score", "reason", "text"} <= set(rows[0])
    assert all(r["document"] == "doc0" and 0 <= r["score"] <= 1 for r in rows)
    assert not any(r["text"].startswith("Vraag") for r in rows)  # interviewer turns are skipped
    # every respondent turn here is already coded with its code, so that code is not suggested again
    assert not any(r["code"] == "Salaris" and r["text"] == SALARIS[0] for r in rows)
    assert main(["suggest", str(path), "--doc", "doc0", "--min-score", "1.1"]) == 0
    assert "no suggestions" in capsys.readouterr().out


def test_cli_train_reports_what_it_learned(study, capsys):
    from qualcode.cli.main import main
    from qualcode.store.project import Project

    path, ids = study
    assert main(["suggest", str(path), "--train", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["codings"] == 12 and report["passages"] == 12
    assert set(report["counts"]) == {"Vakantie", "Salaris", "Administratie"}
    with Project.open(path) as project:
        assert project.models.load("suggester")[1]["codings"] == 12
    assert report["labels"] == []  # four passages per code: below the five the classifier needs
    assert main(["suggest", str(path), "--train"]) == 0
    assert "no code has 5 coded passages yet" in capsys.readouterr().out


def test_cli_unknown_model_is_a_clear_error(study, capsys):
    from qualcode.cli.main import main

    path, _ = study
    assert main(["suggest", str(path), "--model", "nl_not_installed_xx"]) == 2
    assert "not installed" in capsys.readouterr().err
