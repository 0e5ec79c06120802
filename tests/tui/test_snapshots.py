"""Snapshot tests at a fixed terminal size, written as short user stories.

Each story saves the screen as SVG (tests/snapshots/NAME.svg, to look at) and compares the
screen's text layout with tests/snapshots/NAME.txt. After an intended change of the layout, run
with QUALCODE_UPDATE_SNAPSHOTS=1 and review the new files.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.tui.fixtures import screen_text, settings, study  # noqa: F401

from qualcode.tui.app import make_app

SNAPSHOTS = Path(__file__).parent / "snapshots"


def check(app, name: str) -> None:
    app.clear_notifications()
    app._flash = ""  # transient confirmations (they go after 4 s) would make the snapshots flaky
    app.update_status()
    text = "\n".join(line.rstrip() for line in screen_text(app).splitlines()).strip("\n") + "\n"
    txt, svg = SNAPSHOTS / f"{name}.txt", SNAPSHOTS / f"{name}.svg"
    if os.environ.get("QUALCODE_UPDATE_SNAPSHOTS") or not txt.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        txt.write_text(text, encoding="utf-8")
        svg.write_text(app.export_screenshot(title=name), encoding="utf-8")
        return
    expected = txt.read_text(encoding="utf-8")
    assert text == expected, f"the screen differs from {txt.name}; see the diff above (update: QUALCODE_UPDATE_SNAPSHOTS=1)"


async def test_snapshot_a_coded_turn_and_a_selection(study):
    """Sanne's first turn is coded; then three words of her second turn are selected."""
    path, _ = study
    app = make_app(path, settings(document="Interview Sanne", theme="textual-dark"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "c", *"admin", "enter")
        await pilot.press("j", "j", "W", "W", "W")
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        app.refresh()
        await pilot.pause()
        check(app, "coded_turn_and_selection")


async def test_snapshot_the_code_picker(study):
    """The picker ranks 'Extra handen' first for the English 'extra hands'."""
    path, _ = study
    app = make_app(path, settings(document="Interview Sanne", theme="textual-light"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "c", *"extra hands")
        await pilot.pause()
        app.refresh()
        await pilot.pause()
        check(app, "code_picker")


async def test_snapshot_small_terminal(study):
    """80×24: the document list gives way; transcript, codebook and details remain."""
    path, _ = study
    app = make_app(path, settings(document="Interview Sanne"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("j", "c", *"extra", "enter")
        await pilot.pause()
        app.clear_notifications()
        await pilot.pause()
        app.refresh()
        await pilot.pause()
        check(app, "small_terminal_80x24")


async def test_snapshot_a_suggestion_in_the_panel_and_the_gutter(study):
    """Sanne's turn about Joyce: 'Extra handen' suggested (panel: score and reason; gutter: ┊),
    not coded; the footer shows a accept / x reject."""
    from tests.tui.test_suggest import FakeSuggester, ready

    path, ids = study
    fake = FakeSuggester(ids["Extra handen"], second=ids["Leraren ontlasten"])
    app = make_app(path, settings(document="Interview Sanne", theme="textual-dark", suggestions=True),
                   nlp_factory=lambda p: fake)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await pilot.press("j", "j", "j")
        await ready(pilot, app)
        app.refresh()
        await pilot.pause()
        check(app, "suggestion_in_panel_and_gutter")
