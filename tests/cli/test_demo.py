"""The shipped demo: transcripts, codebook, respondents and coder files build a working project."""

from __future__ import annotations

import json
from pathlib import Path

from qualcode.cli.main import main
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parents[2]


def test_demo_builds_the_study_with_both_coders(tmp_path, capsys):
    target = tmp_path / "demo.qualcode"
    assert main(["demo", str(target), "--no-tui", "--root", str(ROOT)]) == 0
    with Project.open(target) as p:
        docs = p.documents.list()
        assert len(docs) >= 10
        kinds = {d.kind for d in docs}
        assert kinds == {"interview", "focus_group"}
        assert all(1500 <= d.words <= 4200 for d in docs), [(d.name, d.words) for d in docs]
        assert {d.name: len(d.respondents) for d in docs}["Focusgroep OA 1"] == 5
        per_coder = p.status()["codings_by_coder"]
        assert per_coder["anna"] >= 400 and per_coder["bram"] > 0
        # every coding covers the text it claims, and the attributes are there
        for c in p.codings.list()[:200]:
            assert p.documents.get(c.document).text[c.start:c.end] == c.text
        karin = p.cases.get("Karin")
        assert karin.attributes["perspective"] == "organisatie"
        # each of the study's themes has codings
        tree = p.codebook.tree()
        used_themes = {tree.theme(c.code).name for c in p.codings.list()}
        assert len(used_themes) >= 6 and len(tree) >= 40
    # opening it again does not rebuild it
    capsys.readouterr()
    assert main(["demo", str(target), "--no-tui", "--root", str(ROOT)]) == 0
    assert "existing demo project" in capsys.readouterr().out


def test_demo_codings_have_two_coders_on_shared_documents(tmp_path, capsys):
    target = tmp_path / "demo.qualcode"
    main(["demo", str(target), "--no-tui", "--root", str(ROOT)])
    capsys.readouterr()
    assert main(["agreement", str(target), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["coders"] == ["anna", "bram"]
    assert len(report["documents_compared"]) >= 4
