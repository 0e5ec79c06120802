"""The review screen: press keys, then assert what the project file holds (the database is the
oracle). The study: anna coded 'Administratie' 0-150, bram 100-200 and 'Invallen' 20-60."""

from __future__ import annotations

import pytest
from tests.agreement.test_cli import code, nvivo  # noqa: F401 - fixture

from qualcode.cli.main import main
from qualcode.store.project import Project
from qualcode.tui.review import ReviewApp, ReviewScreen, word_step, wrap_lines

ADM, INV = "Werkdruk/Administratie", "Werkdruk/Invallen"
SIZE = (120, 40)


@pytest.fixture
def study(nvivo):  # noqa: F811
    with Project.open(nvivo) as p:
        doc = p.documents.get("Interview 1").uuid
        code(p, "Invallen", (doc, "bram", 20, 60))
    return nvivo


def doc_id(path, name="Interview 1"):
    with Project.open(path) as p:
        return p.documents.get(name).uuid


def consensus(path):
    with Project.open(path) as p:
        tree = p.codebook.tree()
        return sorted((tree.path(c.code), c.start, c.end, c.origin) for c in p.codings.list(coder="consensus"))


def current(app):
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    d = screen.current
    return (screen.data.paths[d.code], d.start, d.end) if d else None


async def test_navigate_disagreements(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert current(app) == (ADM, 0, 100)
        await pilot.press("n")
        assert current(app) == (INV, 20, 60)
        await pilot.press("n", "n")
        assert current(app) == (ADM, 0, 100)  # wraps around
        await pilot.press("p")
        assert current(app) == (ADM, 150, 200)
        screen = app.screen
        assert "3 of 3" in str(screen.query_one("#review-title").render())
        rendered = screen.rendered.plain
        assert "██" in rendered and "an" in rendered.splitlines()[0]


async def test_accept_coders_settles_into_consensus(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1")  # anna's version of Administratie 0-100: her whole span
        assert current(app) == (INV, 20, 60)  # moved on
        await pilot.press("2")  # bram's Invallen
        assert current(app) == (ADM, 150, 200)
        await pilot.press("1")  # anna left 150-200 uncoded: settled as not coded
        await pilot.press("p")
        panel = app.screen._panel().plain
        assert "settled as not coded" in panel and "turn 2 (Karin)" in panel
        assert "0 open" in str(app.screen.query_one("#review-title").render())
    assert consensus(study) == [(ADM, 0, 150, "human"), (INV, 20, 60, "human")]


async def test_settlements_compose(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "n", "2")  # anna's 0-100 (her span runs to 150), then bram's 150-200
    assert consensus(study) == [(ADM, 0, 200, "human")]


async def test_undo_in_the_screen(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")  # nothing settled yet: bram's last coding must stay
        await pilot.press("1")
        await pilot.press("u")
        assert app.screen.current is not None
    assert consensus(study) == []
    with Project.open(study) as p:
        assert len(p.codings.list(coder="bram")) == 2


async def test_mark_a_new_span_with_the_keyboard(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.screen.data.text
        await pilot.press("m")
        assert app.screen.mark == [0, 100]
        await pilot.press("right", "right", "shift+right")
        end = word_step(text, word_step(text, 100, True, True), True, True)
        start = word_step(text, 0, True, False)
        assert app.screen.mark == [start, end]
        await pilot.press("enter")
        assert app.screen.mark is None
    assert consensus(study) == [(ADM, start, end, "human")]


async def test_escape_cancels_marking_then_closes(study):
    app = ReviewApp(study, doc_id(study))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "escape")
        assert app.screen.mark is None and isinstance(app.screen, ReviewScreen)
        await pilot.press("a", "0")  # code the whole passage 0-100, then settle Invallen as not coded
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0
    assert consensus(study) == [(ADM, 0, 100, "human")]


async def test_screen_on_an_open_project_inside_another_app(study):
    from textual.app import App

    project = Project.open(study, coder="consensus")
    closed = []

    class Host(App):
        def on_mount(self):
            self.push_screen(ReviewScreen(project, "Interview 1", ["anna", "bram"]), callback=closed.append)

    try:
        app = Host()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("n", "0", "q")
            await pilot.pause()
            assert closed == [None]
            assert not isinstance(app.screen, ReviewScreen)
        assert project.codings.coders() == ["anna", "bram"]  # "settled as not coded" adds nothing; still open
    finally:
        project.close()


async def test_document_with_one_coder_shows_why(nvivo):  # noqa: F811
    app = ReviewApp(nvivo, doc_id(nvivo, "Interview 2"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.data is None
        await pilot.press("n", "1")  # nothing happens, nothing breaks
    assert consensus(nvivo) == []


def test_review_command_checks_before_starting(nvivo, capsys):  # noqa: F811
    assert main(["review", str(nvivo), "Interview 2"]) == 2
    assert "needs codings by at least two coders" in capsys.readouterr().err


def test_review_command_starts_the_app(nvivo, monkeypatch):  # noqa: F811
    calls = []
    monkeypatch.setattr("qualcode.tui.review.run_review", lambda *a: calls.append(a))
    assert main(["review", str(nvivo), "interview 1", "--coders", "anna,bram"]) == 0
    assert calls == [(str(nvivo), doc_id(nvivo), ["anna", "bram"])]


def test_wrap_lines_keeps_offsets():
    text = "een twee drie vier vijf zes zeven acht negen tien\n\nelf twaalf"
    lines = wrap_lines(text, 12)
    assert all(e - s <= 12 for s, e in lines)
    assert " ".join(text[s:e] for s, e in lines if e > s).split() == text.split()
