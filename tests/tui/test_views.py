"""Review agreement (R), exports (E), the code matrix (X) and flagged codings (F), driven with
the keyboard; the project file and the files written are the oracle."""

from __future__ import annotations

import csv

import pytest
from tests.tui.fixtures import codings, settings, stored, study  # noqa: F401

from qualcode.tui.app import make_app
from qualcode.tui.review import ReviewScreen
from qualcode.tui.screens.export import ExportScreen
from qualcode.tui.screens.flagged import FlaggedScreen
from qualcode.tui.screens.matrix import MatrixScreen
from qualcode.tui.screens.passages import PassagesScreen


@pytest.fixture(autouse=True, scope="module")
def export_actions():
    """The CLI registers the export actions as qualcode starts (before it opens the TUI)."""
    from qualcode.cli.main import build_parser

    build_parser()


def app_for(path, **extra):
    return make_app(path, settings(document="Interview Sanne", **extra))


def two_coders(path, ids) -> tuple[int, int]:
    """anna codes Sanne's first turn as 'Administratieve last'; bram only its first sentence."""
    with stored(path) as p:
        doc = ids["Interview Sanne"]
        turn = p.documents.turns(doc)[1]
        text = p.documents.get(doc).text
        first = text.index(".", turn.start) + 1
        p.codings.add(doc, ids["Administratieve last"], "anna", turn.start, turn.end)
        p.codings.add(doc, ids["Administratieve last"], "bram", turn.start, first)
        return turn.start, turn.end


async def settle(pilot, app) -> None:
    from tests.tui.test_suggest import idle

    await idle(app)
    await pilot.pause(0.05)


async def test_review_settles_a_disagreement_into_consensus_and_reloads(study):
    path, ids = study
    start, end = two_coders(path, ids)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c", "x")  # workspace keys do nothing under the review
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("1")  # accept anna's version (the whole turn)
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert any(c.coder == "consensus" for c in app.ws.codings)  # reloaded on return
    [c] = codings(path, coder="consensus")
    assert (c.code, c.start, c.end) == (ids["Administratieve last"], start, end)


async def test_export_screen_writes_a_tidy_csv_with_the_chosen_coder(study, tmp_path):
    path, ids = study
    two_coders(path, ids)
    out = tmp_path / "out" / "codings.csv"
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("E")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        names = [e.name for e in screen.exporters]
        assert names[:7] == ["matrix", "quotes", "frequencies", "cooccurrence", "tidy", "charts", "refi"]
        default = screen.query_one("#opt-output").value
        assert default.endswith("exports/study-matrix.xlsx")
        await pilot.press("down", "down", "down", "down")  # tidy
        await pilot.pause()
        assert screen.action_name == "tidy" and screen.query("#opt-pseudonymise")
        await pilot.press("enter")  # to the output field
        screen.query_one("#opt-output").value = str(out)
        screen.query_one("#opt-coder").value = "bram"
        await pilot.press("enter")  # export
        await settle(pilot, app)
        status = str(screen.query_one("#export-status").render())
        assert "wrote 2 files" in status and str(out) in status
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1 and rows[0]["coder"] == "bram"
    assert (tmp_path / "out" / "codings_respondent_x_code.csv").exists()


async def test_export_errors_are_shown_not_raised(study, tmp_path):
    path, ids = study
    two_coders(path, ids)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("E")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#opt-output").value = str(tmp_path / "matrix.pdf")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "writes .xlsx, .csv, .md, .html" in str(screen.query_one("#export-status").render())
        screen.query_one("#opt-output").value = str(tmp_path / "matrix.md")
        screen.query_one("#opt-columns").value = "codes"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    text = (tmp_path / "matrix.md").read_text(encoding="utf-8")
    assert "Administratieve last" in text and "Sanne" in text


async def test_code_matrix_counts_and_opens_a_cell_then_jumps(study):
    path, ids = study
    two_coders(path, ids)
    with stored(path) as p:
        turn = p.documents.turns(ids["Interview Sanne"])[3]
        p.codings.add(ids["Interview Sanne"], ids["Extra handen"], "anna", turn.start, turn.end)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("X")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, MatrixScreen)
        m = screen.matrix
        assert [c.label for c in m.columns] == ["Sanne", "Els", "Joost"]
        labels = [r.label for r in m.rows]
        adm, theme, extra = (labels.index(n) for n in ("Administratieve last", "Oorzaken werkdruk", "Extra handen"))
        assert m.count(adm, 0) == 2 and m.count(theme, 0) == 2 and m.count(extra, 0) == 1 and m.count(extra, 1) == 0
        await pilot.press(*["down"] * extra)  # the cursor starts on the first respondent of the first row
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PassagesScreen) and len(app.screen.rows) == 1
        await pilot.press("enter")  # jump to the passage
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert app.view.selection() == (turn.start, turn.end)


async def test_flagged_codings_can_be_placed_and_discarded(study, tmp_path):
    from qualcode.merge.replace import replace_text
    from tests.tui.fixtures import INTERVIEW

    path, ids = study
    doc = ids["Interview Sanne"]
    with stored(path) as p:
        text = p.documents.get(doc).text
        for quote in ("Het is nooit af.", "Zonder haar red ik het niet."):
            s = text.index(quote)
            p.codings.add(doc, ids["Administratieve last"], "anna", s, s + len(quote))
    changed = INTERVIEW.replace("Het is nooit af.", "Het is nooit helemaal klaar.").replace(
        " Zonder haar red ik het niet.", "")
    (tmp_path / "sanne.txt").write_text(changed, encoding="utf-8")
    report = replace_text(path, "Interview Sanne", tmp_path / "sanne.txt", backup=False)
    assert report["counts"]["flagged"] == 2
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("F")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FlaggedScreen) and len(screen.rows) == 2
        placeable = next(i for i, r in enumerate(screen.rows) if r["new_start"] is not None)
        screen.query_one("OptionList").highlighted = 2 * placeable  # options are separated by a line
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("d")  # the other one: discarded
        await pilot.pause()
        assert screen.rows == []
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.ws.codings) == 1  # the placed coding is in the open document
    with stored(path) as p:
        assert sorted(r["status"] for r in p.reviews.list(None)) == ["discarded", "placed"]
        [c] = p.codings.list(document=doc)
        assert c.text.startswith("Het is nooit")


async def test_palette_opens_the_code_matrix_and_the_review(study):
    path, ids = study
    two_coders(path, ids)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p", *"code matrix")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, MatrixScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+p", *"review agreement")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReviewScreen)
