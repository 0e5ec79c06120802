"""The analysis screens through Pilot: study search with coding of hits and one-step undo, memos
on the document and on a code, sets, summaries in the code matrix, the coder picker in the review.
The project file is the oracle."""

from __future__ import annotations

import pytest
from tests.tui.fixtures import codings, settings, stored, study  # noqa: F401

from qualcode.tui.app import make_app
from qualcode.tui.review import ReviewScreen
from qualcode.tui.screens.coder_picker import CoderPicker
from qualcode.tui.screens.matrix import MatrixScreen
from qualcode.tui.screens.sets_screen import SetsScreen
from qualcode.tui.screens.study_search import StudySearchScreen
from qualcode.tui.screens.summary_screen import SummaryScreen


@pytest.fixture(autouse=True, scope="module")
def export_actions():
    from qualcode.cli.main import build_parser

    build_parser()


def app_for(path, **extra):
    return make_app(path, settings(document="Interview Sanne", **extra))


async def settle(pilot, app) -> None:
    from tests.tui.test_suggest import idle

    await idle(app)
    await pilot.pause(0.05)


async def test_study_search_codes_one_hit_then_all_and_undoes_in_one_step(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("ctrl+f")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudySearchScreen)
        await pilot.press(*"administratie", "enter")
        await pilot.pause()
        assert len(screen.hits) == 2  # Sanne's turn and Els' in the focus group
        assert {h.speaker for h in screen.hits} == {"Sanne", "Els"}
        await pilot.press("c", *"admin", "enter")  # the highlighted hit, one by one
        await pilot.pause()
        [one] = codings(path)
        assert one.text == "administratie" and one.origin == "human" and one.coder == "tester"
        await pilot.press("t")  # unit: sentence
        await pilot.press("A", *"lerarentekort", "enter")
        await pilot.pause()
        await pilot.press("y")  # confirm after a look
        await pilot.pause()
        auto = [c for c in codings(path) if c.code == ids["Lerarentekort"]]
        assert sorted(c.text for c in auto) == ["De administratie stapelt zich op.",
                                                "Vooral de administratie, en de zorg in de groep."]
        assert {c.origin for c in auto} == {"auto"}
        await pilot.press("u")  # one step undoes all of them
        await pilot.pause()
        assert [c.code for c in codings(path)] == [ids["Administratieve last"]]
        await pilot.press("enter")  # jump to the highlighted hit
        await pilot.pause()
        assert app.screen is app.screen_stack[0]


async def test_memo_on_the_document_and_on_a_code(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("M")
        await pilot.pause()
        await pilot.press(*"open gesprek", "ctrl+s")
        await pilot.pause()
        await pilot.press("C", "slash", *"Extra handen", "enter")  # to the code in the tree
        await pilot.pause()
        tree = app.tree_widget
        tree.move_cursor(tree._code_nodes[ids["Extra handen"]])
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"thema", "ctrl+s")
        await pilot.pause()
    with stored(path) as p:
        memos = {(m.target_type, m.target, m.author, m.text) for m in p.memos.list()}
        highlighted = [m.target for m in p.memos.list("code")]
    assert ("document", ids["Interview Sanne"], "tester", "open gesprek") in memos
    assert highlighted == [ids["Extra handen"]] and ("code", ids["Extra handen"], "tester", "thema") in memos


async def test_sets_screen_makes_a_set_and_toggles_members(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SetsScreen)
        await pilot.press("n", *"Ronde 1", "enter")
        await pilot.pause()
        with stored(path) as p:
            assert p.sets.get("Ronde 1").documents == (ids["Interview Sanne"],)
        await pilot.press("r")  # the open document's respondents in
        await pilot.pause()
        await pilot.press("a")  # the document out again
        await pilot.pause()
        with stored(path) as p:
            g = p.sets.get("Ronde 1")
            assert g.documents == () and [p.cases.get(c).name for c in g.cases] == ["Sanne"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("u")  # undo in the workspace: the document is back in the set
        await pilot.pause()
    with stored(path) as p:
        assert p.sets.get("Ronde 1").documents == (ids["Interview Sanne"],)


async def test_summary_written_in_the_code_matrix(study):
    path, ids = study
    with stored(path) as p:
        doc = ids["Interview Sanne"]
        turn = p.documents.turns(doc)[1]
        p.codings.add(doc, ids["Administratieve last"], "anna", turn.start, turn.end)
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("X")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        labels = [r.label for r in screen.matrix.rows]
        await pilot.press(*["down"] * labels.index("Administratieve last"))
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and len(app.screen.passages) == 1
        await pilot.press(*"Sanne: veel administratie", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
    with stored(path) as p:
        [s] = p.summaries.all()
        assert (p.cases.get(s.case).name, s.code, s.text, s.author) == \
            ("Sanne", ids["Administratieve last"], "Sanne: veel administratie", "tester")


async def test_review_coder_picker(study):
    path, ids = study
    with stored(path) as p:
        doc = ids["Interview Sanne"]
        turns = p.documents.turns(doc)
        for coder in ("anna", "bram"):
            p.codings.add(doc, ids["Administratieve last"], coder, turns[1].start, turns[1].end)
            p.codings.add(doc, ids["Extra handen"], coder, turns[3].start, turns[3].end)
            p.codings.add(doc, ids["Pabo te hoge drempel"], coder, turns[5].start, turns[5].end)
        p.codings.add(doc, ids["Lerarentekort"], "carl", turns[1].start, turns[1].end)  # one of three
    app = app_for(path)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.data.coders == ["anna", "bram"] and review.data.disagreements == []
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, CoderPicker)
        await pilot.press("down", "down", "space", "enter")  # tick carl
        await pilot.pause()
        assert app.screen is review
        assert review.data.coders == ["anna", "bram", "carl"] and len(review.data.disagreements) >= 1
