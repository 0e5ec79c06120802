"""Finding and working: search, uncoded turns, passages of a code, documents, the coder,
help, the command palette, remapped keys and small terminals."""

from __future__ import annotations

import tomllib

from tests.tui.fixtures import codings, screen_text, settings, stored, study  # noqa: F401

from qualcode.tui.app import make_app
from qualcode.tui.screens.help import HelpScreen
from qualcode.tui.screens.passages import PassagesScreen


def app_for(path, **extra):
    return make_app(path, settings(document="Interview Sanne", **extra))


async def test_search_the_document_then_step_with_n(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"de ")
        await pilot.press(*"werkdruk")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        s, e = app.view.selection()
        assert app.ws.doc.text[s:e] == "de werkdruk"
        assert len(app.search_state["hits"]) == 1
        await pilot.press("n")
        assert app.view.selection() == (s, e)


async def test_search_the_whole_study_opens_the_other_document(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", "ctrl+t", *"lerarentekort")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.ws.doc.uuid == ids["Focusgroep"]
        s, e = app.view.selection()
        assert app.ws.doc.text[s:e] == "lerarentekort"


async def test_jump_to_the_next_uncoded_respondent_turn(study):
    path, ids = study
    with stored(path) as p:
        turns = p.documents.turns(ids["Interview Sanne"])
        p.codings.add(ids["Interview Sanne"], ids["Extra handen"], "tester", turns[1].start, turns[1].end)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("right_square_bracket")  # Sanne's 1st turn is coded: her 2nd is next
        block = app.ws.doc.block_at(app.view.cursor)
        assert block.turn == 3 and block.speaker == "Sanne"
        await pilot.press("right_square_bracket", "right_square_bracket")  # then 3rd, then the next document
        await pilot.pause()
        assert app.ws.doc.uuid == ids["Focusgroep"]
        assert app.ws.doc.block_at(app.view.cursor).speaker == "Els"


async def test_passages_of_a_code_across_the_study_and_jump(study):
    path, ids = study
    with stored(path) as p:
        for doc in ("Interview Sanne", "Focusgroep"):
            t = p.documents.turns(ids[doc])[1]
            p.codings.add(ids[doc], ids["Administratieve last"], "tester", t.start, t.start + 20)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("p", *"administratieve", "enter")
        await pilot.pause(0.5)
        assert isinstance(app.screen, PassagesScreen)
        assert len(app.screen.rows) == 2
        assert "Focusgroep" in screen_text(app) and "Interview Sanne" in screen_text(app)
        await pilot.press("enter")  # the first: Focusgroep (documents in name order)
        await pilot.pause()
        assert app.ws.doc.uuid == ids["Focusgroep"]
        assert app.view.selection() is not None


async def test_switch_documents_from_the_list_and_the_picker(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        await pilot.press("D", *"focus", "enter")
        await pilot.pause()
        assert app.ws.doc.uuid == ids["Focusgroep"]
        await pilot.press("d", "down", "enter")
        await pilot.pause()
        assert app.ws.doc.uuid == ids["Interview Sanne"]


async def test_coder_is_asked_once_remembered_and_stamped(study, tmp_path):
    path, ids = study
    app = make_app(path, {"document": "Interview Sanne", "suggestions": False})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"Marit", "enter")
        await pilot.pause()
        assert "coder: Marit" in app.sub_title
        await pilot.press("j", "c", *"extra", "enter")
        await pilot.pause()
    assert tomllib.loads((tmp_path / "config.toml").read_text())["coder"] == "Marit"
    assert [c.coder for c in codings(path)] == ["Marit"]
    app = make_app(path, {"document": "Interview Sanne", "suggestions": False})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.ws.coder == "Marit"  # not asked again


async def test_help_lists_the_bindings(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Code the passage" in text and "Next uncoded respondent turn" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_workspace_actions(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "c", *"extra", "enter")
        await pilot.pause()
        assert len(codings(path)) == 1
        await pilot.press("ctrl+p", *"undo the last", )
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
    assert codings(path) == []


async def test_keys_can_be_remapped_from_the_config(study):
    path, _ = study
    app = app_for(path, keys={"code": "ctrl+k", "undo": "z"})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "c")  # c is no longer bound
        assert app.screen is app.screen_stack[0]
        await pilot.press("ctrl+k", *"extra", "enter")
        await pilot.pause()
        assert len(codings(path)) == 1
        await pilot.press("z")
        await pilot.pause()
        assert codings(path) == []
        help_screen = HelpScreen(app._keymap_for_help())
        assert help_screen.keymap["undo"] == "z"


async def test_small_terminal_hides_the_document_list_but_still_codes(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("narrow")
        text = screen_text(app)
        assert "CODEBOOK" in text and "Interview Sanne" in text and "DOCUMENTS" not in text
        await pilot.press("j", "c", *"extra", "enter")
        await pilot.pause()
    assert len(codings(path)) == 1


async def test_q_quits(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
