"""Editing the codebook in place from the tree; every edit is saved and undoable."""

from __future__ import annotations

from tests.tui.fixtures import codings, settings, stored, study  # noqa: F401

from qualcode.tui.app import make_app
from qualcode.tui.screens.prompts import Confirm


def app_for(path):
    return make_app(path, settings(document="Interview Sanne"))


async def goto_code(pilot, app, name: str) -> None:
    """Focus the tree and highlight the code called ``name`` via the filter."""
    await pilot.press("C", "slash", *name, "enter")
    await pilot.pause()
    tree = app.tree_widget
    node = next(n for n in tree._code_nodes.values() if app.ws.tree.by_uuid[n.data].name == name)
    tree.move_cursor(node)
    await pilot.pause()


def tree_of(path):
    with stored(path) as p:
        return p.codebook.tree()


async def test_add_a_code_under_the_highlighted_one_then_undo(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await goto_code(pilot, app, "Toegevoegde waarde")
        await pilot.press("n", *"Sparringpartner", "enter")
        await pilot.pause()
        new = tree_of(path).find("Toegevoegde waarde/Sparringpartner")
        assert new is not None and new.parent == ids["Toegevoegde waarde"]
        assert new.uuid in app.codes
        await pilot.press("u")
        await pilot.pause()
    assert tree_of(path).find("Toegevoegde waarde/Sparringpartner") is None


async def test_rename_and_edit_definition_keywords_colour(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await goto_code(pilot, app, "Extra handen")
        await pilot.press("r", *["backspace"] * 20, *"Extra paar handen", "enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        editor.query_one("#definition").text = "Een extra volwassene in de klas."
        editor.query_one("#keywords").value = "extra handen, tweede volwassene"
        editor.query_one("#colour").value = "teal"
        await pilot.press("ctrl+s")
        await pilot.pause()
    code = tree_of(path).by_uuid[ids["Extra handen"]]
    assert code.name == "Extra paar handen"
    assert code.definition == "Een extra volwassene in de klas."
    assert code.keywords == ("extra handen", "tweede volwassene")
    assert code.colour == "#008080"


async def test_move_a_code_under_another_theme(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await goto_code(pilot, app, "Pabo te hoge drempel")
        await pilot.press("M", *"toegevoegde", "enter")
        await pilot.pause()
    assert tree_of(path).by_uuid[ids["Pabo te hoge drempel"]].parent == ids["Toegevoegde waarde"]


async def test_merge_two_codes_moves_the_codings(study):
    path, ids = study
    with stored(path) as p:
        t = p.documents.turns(ids["Interview Sanne"])[1]
        p.codings.add(ids["Interview Sanne"], ids["Leraren ontlasten"], "tester", t.start, t.end)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await goto_code(pilot, app, "Leraren ontlasten")
        await pilot.press("J", *"extra handen", "enter")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await pilot.pause()
    [c] = codings(path)
    assert c.code == ids["Extra handen"]
    assert ids["Leraren ontlasten"] not in tree_of(path)


async def test_delete_asks_first_and_says_how_many_codings(study):
    path, ids = study
    with stored(path) as p:
        for t in p.documents.turns(ids["Interview Sanne"])[1::2]:
            p.codings.add(ids["Interview Sanne"], ids["Administratieve last"], "tester", t.start, t.end)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await goto_code(pilot, app, "Administratieve last")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert "3 codings" in app.screen.message
        await pilot.press("n")  # declined: nothing happens
        await pilot.pause()
        assert len(codings(path)) == 3
        await pilot.press("delete", "y")
        await pilot.pause()
        assert codings(path) == [] and ids["Administratieve last"] not in tree_of(path)
        await pilot.press("u")  # undo brings code and codings back
        await pilot.pause()
        assert len(app.ws.coverage) == 3
    assert len(codings(path)) == 3


async def test_enter_in_the_tree_codes_the_passage_and_counts_follow(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j")
        await goto_code(pilot, app, "Lerarentekort")
        await pilot.press("enter")
        await pilot.pause()
        assert app.ws.counts[ids["Lerarentekort"]] == 1
        label = app.tree_widget._code_nodes[ids["Lerarentekort"]].label.plain
        assert label.endswith(" 1")
    [c] = codings(path)
    assert c.code == ids["Lerarentekort"] and c.text.startswith("Eh, ik werk")
