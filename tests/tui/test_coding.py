"""Coding workflows, driven with the keyboard through Pilot; the project file is the oracle."""

from __future__ import annotations

from tests.tui.fixtures import codings, settings, stored, study  # noqa: F401

from qualcode.tui.app import make_app


def app_for(path, **extra):
    return make_app(path, settings(document="Interview Sanne", **extra))


async def test_code_the_turn_under_the_cursor_with_the_picker(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j")  # the first respondent turn
        await pilot.press("c")
        await pilot.press(*"admin")
        await pilot.press("enter")
        await pilot.pause()
    [c] = codings(path)
    assert c.code == ids["Administratieve last"] and c.coder == "tester"
    assert c.text.startswith("Eh, ik werk bijna elke avond") and c.text.endswith("Het is nooit af.")


async def test_picker_matches_english_labels_and_keywords(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "j", "c", *"extra hands", "enter")
        await pilot.pause()
    [c] = codings(path)
    assert c.code == ids["Extra handen"]


async def test_select_words_then_apply_a_recent_code_with_a_number_key(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "c", *"lerarentekort", "enter")  # makes it recent code 1
        await pilot.press("w")  # from "Eh," to "ik"
        await pilot.press("W", "W", "W")  # select "ik werk bijna"
        assert app.view.selection() is not None
        await pilot.press("1")
        await pilot.pause()
    texts = sorted(c.text for c in codings(path))
    assert "ik werk bijna" in texts
    assert all(c.code == ids["Lerarentekort"] for c in codings(path))


async def test_extend_by_sentence_and_select_mode(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "greater_than_sign", "greater_than_sign")  # two sentences
        await pilot.press("c", *"administratieve", "enter")
        await pilot.press("right_parenthesis", "v", "w", "w", "c", *"extra", "enter")
        await pilot.pause()
    texts = sorted(c.text for c in codings(path))
    assert "Eh, ik werk bijna elke avond. De administratie stapelt zich op." in texts
    assert any(t.startswith("Toetsen invoeren") for t in texts)


async def test_several_codes_on_the_same_text_and_removing_one(study):
    path, ids = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "c", *"administratieve", "enter")
        await pilot.press("c", *"lerarentekort", "enter")
        await pilot.pause()
        assert len(codings(path)) == 2
        await pilot.press("delete")  # two codings under the cursor: a chooser opens
        await pilot.press(*"leraren", "enter")
        await pilot.pause()
    [c] = codings(path)
    assert c.code == ids["Administratieve last"]


async def test_duplicate_coding_is_refused_with_a_message(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "c", *"administratieve", "enter")
        await pilot.press("1")
        await pilot.pause()
        assert any("already coded" in n.message for n in app._notifications)
    assert len(codings(path)) == 1


async def test_memo_on_a_coding(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "c", *"administratieve", "enter")
        await pilot.press("m")
        await pilot.press(*"werkt 's avonds")
        await pilot.press("ctrl+s")
        await pilot.pause()
    [c] = codings(path)
    assert c.memo == "werkt 's avonds"


async def test_adjust_the_span_of_a_coding(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "w", "W", "W", "c", *"administratieve", "enter")  # "ik werk"
        await pilot.press("s")  # adjust: the selection becomes the coding's span
        assert app.view.adjusting
        await pilot.press("W", "W")  # "ik werk bijna elke"
        await pilot.press("enter")
        await pilot.pause()
    [c] = codings(path)
    assert c.text == "ik werk bijna elke"


async def test_undo_and_redo_a_coding(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "c", *"administratieve", "enter")
        await pilot.pause()
        assert len(codings(path)) == 1
        await pilot.press("u")
        await pilot.pause()
        assert codings(path) == []
        assert len(app.ws.coverage) == 0
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(codings(path)) == 1
        assert len(app.ws.coverage) == 1


async def test_select_a_turn_with_t_and_with_the_mouse(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j", "t")
        sel = app.view.selection()
        block = app.ws.doc.block_at(sel[0])
        assert sel == (block.start, block.end) and block.speaker == "Sanne"
        await pilot.press("escape")
        assert app.view.selection() is None
        # drag over the first characters of the interviewer's first line
        view = app.view
        first = app.ws.doc.turns[0].start
        row = view.doc_layout().row_of(first) - int(view.scroll_offset.y)
        await pilot.mouse_down(view, offset=(2, row))
        await pilot.hover(view, offset=(10, row))
        await pilot.mouse_up(view, offset=(10, row))
        await pilot.pause()
        s, e = view.selection()
        assert app.ws.doc.text[s:e] == "Hoe erva"


async def test_mine_only_toggle_hides_other_coders(study):
    path, ids = study
    with stored(path) as p:
        turn = p.documents.turns(ids["Interview Sanne"])[1]
        p.codings.add(ids["Interview Sanne"], ids["Extra handen"], "someone", turn.start, turn.end)
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert len(app.ws.coverage) == 1
        await pilot.press("A")
        assert len(app.ws.coverage) == 0 and "my codings" in app.sub_title
        await pilot.press("A")
        assert len(app.ws.coverage) == 1


async def test_without_a_suggester_the_panel_says_so(study):
    path, _ = study
    app = app_for(path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        panel = app.query_one("SuggestionsPanel")
        assert "turned off" in str(panel.get_option_at_index(0).prompt)
        await pilot.press("j", "a")  # a accepts a suggestion: there is none, and nothing is coded
        await pilot.pause()
        assert any("suggestions are off" in n.message for n in app._notifications)
    assert codings(path) == []
