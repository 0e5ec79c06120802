"""The TUI on a replica syncs in the background: a team-mate's codings appear while I work, and
what I code is sent without a command."""

from __future__ import annotations

import asyncio
import time

import pytest

from qualcode.server.live import LiveSync, summary
from qualcode.tui.app import make_app

from tests.server.team import Team, add_coding, codings


@pytest.fixture
def team(pg, tmp_path, project_path, monkeypatch):  # noqa: F811
    t = Team(pg, tmp_path, project_path, monkeypatch)
    t.setup()
    return t


def test_live_sync_wakes_on_notifications(team):
    a, b = team.clone("anna"), team.clone("bob")
    reports = []
    live = LiveSync(a, on_synced=reports.append, interval=600, tick=0.2).start()  # no polling in this test
    try:
        deadline = time.time() + 20
        while not reports and time.time() < deadline:
            time.sleep(0.05)
        uid = add_coding(b, "bob", 10, 30)
        team.sync(b)  # the server notifies; anna's replica pulls
        while uid not in {c[0] for c in codings(a)} and time.time() < deadline:
            time.sleep(0.05)
        assert uid in {c[0] for c in codings(a)}
        mine = add_coding(a, "anna", 40, 60)  # a local change is sent without asking
        while time.time() < deadline:
            team.sync(b)
            if mine in {c[0] for c in codings(b)}:
                break
            time.sleep(0.1)
        assert mine in {c[0] for c in codings(b)}
    finally:
        live.stop()
    assert any(summary(r) and "from the team" in summary(r) for r in reports)


def test_live_sync_says_offline_and_carries_on(team):
    a = team.clone("anna")
    messages = []
    team.pg.stop()
    live = LiveSync(a, on_offline=messages.append, interval=600, tick=0.2).start()
    try:
        deadline = time.time() + 20
        while not messages and time.time() < deadline:
            time.sleep(0.05)
        assert messages and "cannot reach the team server" in messages[0]
        add_coding(a, "anna", 40, 60)
    finally:
        team.pg.start()
    try:
        while time.time() < deadline + 40:
            if _server_has(team, 1):
                break
            time.sleep(0.2)
        assert _server_has(team, 1)
    finally:
        live.stop()


def _server_has(team, n):
    import psycopg

    with psycopg.connect(team.admin_url) as conn:
        return conn.execute("SELECT count(*) FROM qualcode.rows WHERE tbl = 'codings'").fetchone()[0] == n


async def test_others_codings_appear_in_the_open_tui(team):
    a, b = team.clone("anna"), team.clone("bob")
    app = make_app(a, {"coder": "anna", "remember_coder": False, "keys": {}, "suggestions": False,
                       "sync_interval": 600})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app._live_sync is not None
        uid = add_coding(b, "bob", 10, 30)
        team.sync(b)
        for _ in range(200):
            await asyncio.sleep(0.05)
            if uid in {c.uuid for c in app.ws.codings}:
                break
        assert uid in {c.uuid for c in app.ws.codings}
        assert any(c.uuid == uid for c in app.ws.coverage.codings)  # shown in the transcript
