"""Suggestions in the workspace: shown for the passage under the cursor, accepted with a, rejected
with x, every one logged; the project file (codings and the suggestions log) is the oracle."""

from __future__ import annotations

import asyncio
import sqlite3

from tests.tui.fixtures import codings, screen_text, settings, study  # noqa: F401

from qualcode.nlp import Suggestion
from qualcode.tui.app import make_app


class FakeSuggester:
    """Keeps qualcode.nlp's Suggester contract (suggest, suggest_document, refresh,
    retrain_if_stale) with a fixed answer: ``code`` wherever ``word`` occurs."""

    def __init__(self, code: str, word: str = "extra handen", score: float = 0.87, second: str | None = None):
        self.code, self.word, self.score, self.second = code, word, score, second
        self.refreshed = self.trained = 0

    def suggest(self, text, start, end, doc_uuid, exclude_codes=(), top=3):
        if self.code in exclude_codes or self.word not in text[start:end].lower():
            return []
        out = [Suggestion(doc_uuid, start, end, self.code, "", self.score, f"keyword: {self.word}")]
        if self.second and self.second not in exclude_codes:
            out.append(Suggestion(doc_uuid, start, end, self.second, "", 0.5, "resembles 2 passages you coded"))
        return out

    def suggest_document(self, project, doc_uuid, top=1, min_score=0.0):
        doc = project.documents.get(doc_uuid)
        coded = project.codings.list(document=doc.uuid, code=self.code)
        return [Suggestion(doc.uuid, t.start, t.end, self.code, "", self.score, "")
                for t in project.documents.turns(doc.uuid)
                if self.word in doc.text[t.start:t.end].lower() and not any(c.start < t.end and c.end > t.start for c in coded)]

    def refresh(self, project):
        self.refreshed += 1

    def retrain_if_stale(self, project, force=False):
        self.trained += 1
        return {"codings": len(project.codings.list())}


def log(path) -> list[tuple]:
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT code, start, end, decision, coding, coder FROM suggestions ORDER BY id").fetchall()
    finally:
        conn.close()


async def ready(pilot, app, seconds: float = 20.0) -> None:
    """Until the suggester is loaded and the workers are idle."""
    for _ in range(int(seconds / 0.05)):
        if app.suggester is not None and not app._training and app._sug_timer is None:
            break
        await pilot.pause(0.05)
    await idle(app)
    await pilot.pause(0.05)


async def idle(app) -> None:
    """Until no worker runs (an exclusive worker replaced by a newer one counts as done)."""
    from textual.worker import WorkerCancelled

    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0.01)


def fake_app(path, ids, second=None, **extra):
    fake = FakeSuggester(ids["Extra handen"], second=second)
    app = make_app(path, settings(document="Interview Sanne", suggestions=True, **extra), nlp_factory=lambda p: fake)
    return app, fake


async def test_accept_the_top_suggestion_codes_the_turn_and_logs_it(study):
    path, ids = study
    app, fake = fake_app(path, ids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press("j", "j", "j")  # Sanne's turn about Joyce, "extra handen in de klas"
        await ready(pilot, app)
        assert [i.code for i in app.suggestions.items] == [ids["Extra handen"]]
        assert "keyword: extra handen" in screen_text(app) and "0.87" in screen_text(app)
        assert codings(path) == []  # shown, not coded: nothing without the coder's consent
        await pilot.press("a")
        await ready(pilot, app)
        assert fake.refreshed >= 1 and app.suggestions.items == []  # the code is on the turn now
    [c] = codings(path)
    turn = app.ws.doc.block_at(c.start)
    assert c.code == ids["Extra handen"] and c.origin == "suggestion" and (c.start, c.end) == (turn.start, turn.end)
    [(code, start, end, decision, coding, coder)] = log(path)
    assert (code, start, end, decision, coding, coder) == (ids["Extra handen"], c.start, c.end, "accepted", c.uuid, "tester")


async def test_select_part_of_the_turn_then_accept_logs_changed(study):
    path, ids = study
    app, _ = fake_app(path, ids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press("j", "j", "j")
        await ready(pilot, app)  # logged for the whole turn
        await pilot.press("w", "w", "W", "W", "W", "W")  # "echt extra handen in"
        await ready(pilot, app)
        s, e = app.view.selection()
        assert app.suggestions.items and app.ws.doc.text[s:e] == "echt extra handen in"
        await pilot.press("a")
        await pilot.pause()
    [c] = codings(path)
    assert c.text == "echt extra handen in" and c.origin == "suggestion"
    [(_, start, end, decision, coding, _)] = log(path)  # the turn's row, not a second one
    assert decision == "changed" and coding == c.uuid and (start, end) != (c.start, c.end)


async def test_reject_is_logged_and_the_suggestion_stays_away(study):
    path, ids = study
    app, _ = fake_app(path, ids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press("j", "j", "j")
        await ready(pilot, app)
        assert app.view.suggested  # the turn is marked in the gutter
        await pilot.press("x")
        await ready(pilot, app)
        assert app.suggestions.items == [] and app.view.suggested == []
        await pilot.press("k", "j")  # away and back: not suggested again here
        await ready(pilot, app)
        assert app.suggestions.items == []
    assert codings(path) == []
    assert [row[3] for row in log(path)] == ["rejected"]


async def test_suggested_turns_are_marked_in_the_gutter_not_coded(study):
    path, ids = study
    app, _ = fake_app(path, ids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        [(start, end, code)] = app.view.suggested
        assert code == ids["Extra handen"] and "extra handen" in app.ws.doc.text[start:end]
        lines = [ln for ln in screen_text(app).splitlines() if "┊" in ln]
        assert lines and any("Joyce is echt extra handen" in ln for ln in lines)
        assert len(app.ws.coverage) == 0


async def test_full_stop_highlights_the_next_suggestion_and_a_accepts_that_one(study):
    path, ids = study
    app, _ = fake_app(path, ids, second=ids["Leraren ontlasten"])
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        await pilot.press("j", "j", "j")
        await ready(pilot, app)
        assert [i.code for i in app.suggestions.items] == [ids["Extra handen"], ids["Leraren ontlasten"]]
        await pilot.press("full_stop", "a")
        await ready(pilot, app)
        assert [i.code for i in app.suggestions.items] == [ids["Extra handen"]]  # still open
    [c] = codings(path)
    assert c.code == ids["Leraren ontlasten"]
    assert sorted(row[3] or "open" for row in log(path)) == ["accepted", "open"]


async def test_the_retrain_runs_after_n_codings_and_on_T(study, monkeypatch):
    import qualcode.tui.actions_suggest as sug

    monkeypatch.setattr(sug, "RETRAIN_EVERY", 2)
    path, ids = study
    app, fake = fake_app(path, ids)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot, app)
        assert fake.trained == 1  # at start: retrain_if_stale decides whether it is needed
        await pilot.press("j", "c", *"administratieve", "enter")
        await pilot.press("j", "c", *"lerarentekort", "enter")
        await ready(pilot, app)
        assert fake.trained == 2 and fake.refreshed >= 2
        await pilot.press("T")
        await ready(pilot, app)
        assert fake.trained == 3
        assert "retrained" in app._flash


async def test_the_real_suggester_loads_in_the_background_and_learns_nothing_unasked(study):
    """The default nlp_factory: qualcode.nlp's blank Dutch pipeline with the codebook keywords."""
    path, ids = study
    app = make_app(path, settings(document="Interview Sanne", suggestions=True))
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.suggester is None and "loading" in str(app.query_one("#suggestions-title").render())
        await ready(pilot, app, seconds=60)
        await pilot.press("j")  # "De administratie stapelt zich op"
        await ready(pilot, app)
        items = app.suggestions.items
        assert items and items[0].code == ids["Administratieve last"] and "administratie" in items[0].reason
        await pilot.press("a")
        await pilot.pause()
    [c] = codings(path)
    assert c.code == ids["Administratieve last"] and c.origin == "suggestion"
    assert ("accepted", c.uuid) in [(row[3], row[4]) for row in log(path)]


def test_tui_command_passes_no_suggestions_and_model(monkeypatch, tmp_path):
    import qualcode.tui.app as tui_app
    from qualcode.cli.main import main

    seen = {}
    monkeypatch.setattr(tui_app, "run_tui", lambda path, settings=None: seen.update(settings or {}) or 0)
    assert main(["tui", str(tmp_path / "x.qualcode"), "--no-suggestions", "--model", "nl_core_news_md"]) == 0
    assert seen == {"suggestions": False, "model": "nl_core_news_md"}
    app = make_app(tmp_path / "x.qualcode", {"suggestions": False})
    assert app.nlp_factory is None
