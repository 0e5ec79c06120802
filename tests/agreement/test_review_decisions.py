"""Review decisions that leave no coding behind ("not coded") are kept in the project file and
undoable, like the ones that add or remove consensus codings (issue 16)."""

from __future__ import annotations

from tests.agreement.test_cli import code, nvivo  # noqa: F401 - fixture
from tests.tui.test_review_screen import ADM, INV, SIZE, consensus, current, doc_id, study  # noqa: F401

from qualcode.cli.main import main
from qualcode.store.project import Project
from qualcode.agreement.consensus import review_data
from qualcode.tui.review import ReviewApp


def open_count(path) -> int:
    with Project.open(path) as p:
        data = review_data(p, "Interview 1")
        return sum(not data.settled(d) for d in data.disagreements)


def decisions(path) -> list:
    with Project.open(path) as p:
        tree = p.codebook.tree()
        return [(tree.path(c), a, b) for c, a, b in p.review_decisions.not_coded(doc_id(path))]


async def test_not_coded_is_kept_after_leaving_the_screen(study):
    assert open_count(study) == 3
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "0")  # Invallen 20-60 (only bram coded it): not coded
        await pilot.pause()
    assert decisions(study) == [(INV, 20, 60)] and consensus(study) == []
    assert open_count(study) == 2  # a new session sees it settled
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "2 open" in str(app.screen.query_one("#review-title").render())
        await pilot.press("n")
        assert current(app) == (INV, 20, 60)
        assert "settled as not coded" in app.screen._panel().plain


async def test_a_coder_who_did_not_code_it_is_a_kept_decision_too(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "1")  # anna did not code Invallen 20-60: her version is "not coded"
        await pilot.pause()
    assert decisions(study) == [(INV, 20, 60)]


async def test_undo_takes_a_not_coded_decision_back_in_the_screen(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "0")
        await pilot.press("u")
        await pilot.pause()
        assert "3 open" in str(app.screen.query_one("#review-title").render())
    assert decisions(study) == []
    with Project.open(study) as p:  # the undo took the decision back, not bram's last coding
        assert len(p.codings.list(coder="bram")) == 2


def test_qualcode_undo_and_redo_a_not_coded_decision(study, capsys):
    with Project.open(study, coder="consensus") as p:
        from qualcode.agreement.consensus import settle

        doc = doc_id(study)
        done = settle(p, doc, p.codebook.get(INV).uuid, 20, 60, none=True)
        assert done.changed
        again = settle(p, doc, p.codebook.get(INV).uuid, 20, 60, none=True)
        assert not again.changed  # already so: no second history entry
    assert main(["undo", str(study)]) == 0
    assert decisions(study) == []
    assert main(["redo", str(study)]) == 0
    assert decisions(study) == [(INV, 20, 60)]


async def test_coding_a_passage_replaces_its_not_coded_decision(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", "0", "p")  # Invallen: not coded ...
        await pilot.press("2")  # ... then bram's version after all
        await pilot.pause()
    assert decisions(study) == []
    assert consensus(study) == [(INV, 20, 60, "human")]
