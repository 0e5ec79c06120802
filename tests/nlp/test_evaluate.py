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


def test_evaluate_on_a_tiny_study(study):
    from qualcode.nlp.evaluate import evaluate
    from qualcode.store.project import Project

    path, ids = study
    with Project.open(path) as project:
        result = evaluate(project, folds=2, coder="anna")
        everyone = evaluate(project, folds=4)
    assert result["passages"] == 8 and result["documents"] == 4 and result["folds"] == 2
    # keyword baseline: only the Salaris passages with "cao" (SALARIS[0], [1], [3]) get a suggestion, all right
    assert result["keyword_baseline"]["precision_at_1"] == pytest.approx(3 / 8, abs=1e-4)
    assert result["keyword_baseline"]["recall_at_3"] == pytest.approx(3 / 8, abs=1e-4)
    # the suggester learns the rest from similarity to the other documents' passages and the example quote
    assert result["suggester"]["precision_at_1"] > result["keyword_baseline"]["precision_at_1"]
    assert result["per_code"]["Salaris"]["keyword_baseline"]["passages"] == 4
    assert everyone["passages"] == 12 and everyone["keyword_baseline"]["precision_at_1"] == pytest.approx(7 / 12, abs=1e-4)


def test_evaluate_needs_two_documents(tmp_path):
    from qualcode.nlp.evaluate import evaluate

    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "A"}], {"d": interview(VAKANTIE[0])})
    with project:
        code_text(project, "d", VAKANTIE[0], ids["A"])
        result = evaluate(project)
    assert result["passages"] == 1 and "two documents" in result["note"]


# -- the CLI ---------------------------------------------------------------------------------------------
def test_cli_evaluate_json_shape(study, capsys):
    from qualcode.cli.main import main

    path, _ = study
    assert main(["suggest", str(path), "--evaluate", "--json", "--folds", "2", "--coder", "anna"]) == 0
    data = json.loads(capsys.readouterr().out)
    keys = {"precision_at_1", "precision_at_3", "recall_at_3"}
    assert {"suggester", "keyword_baseline", "per_code", "passages", "acceptance"} <= set(data)
    assert set(data["suggester"]) == keys and set(data["keyword_baseline"]) == keys
    assert data["passages"] == 8
    assert all(0.0 <= v <= 1.0 for v in data["suggester"].values())
    assert set(data["per_code"]["Vakantie"]["suggester"]) == keys | {"passages"}


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
