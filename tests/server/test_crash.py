"""kill -9 of a replica and of the server in the middle of a sync, then sync again: nothing lost,
nothing doubled, every project passes integrity_check."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from qualcode.store.codings import NewCoding
from qualcode.store.project import Project

from tests.server.team import Team, codings, doc_and_code, integrity_ok

N = 4000
SYNC_SCRIPT = ("import sys; from qualcode.store.project import Project; from qualcode.server.sync import sync\n"
               "p = Project.open(sys.argv[1]); sync(p); p.close()")


@pytest.fixture
def team(pg, tmp_path, project_path, monkeypatch):  # noqa: F811
    t = Team(pg, tmp_path, project_path, monkeypatch)
    t.setup()
    monkeypatch.setenv("QUALCODE_SYNC_BATCH", "250")
    return t


def many_codings(path: Path, coder: str, n: int = N) -> None:
    doc, _ = doc_and_code(path)
    with Project.open(path, coder=coder) as p:
        codes = [c.uuid for c in p.codebook.tree()]
        length = p.documents.get(doc).length
        items = []
        for i in range(n):
            start = i % (length - 45)
            items.append(NewCoding(doc, codes[(i // (length - 45)) % len(codes)], coder, start,
                                   start + 1 + (i // ((length - 45) * len(codes))) % 40))
        added, dupes = p.codings.add_many(items, undoable=False)
        assert added == n and dupes == 0


def server_count(team, coder: str) -> int:
    with psycopg.connect(team.admin_url) as conn:
        return conn.execute("SELECT count(*) FROM qualcode.rows WHERE tbl = 'codings' AND owner = %s",
                            [coder]).fetchone()[0]


def start_sync(path: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.Popen([sys.executable, "-c", SYNC_SCRIPT, str(path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_partial(team, coder: str, proc, limit=60.0) -> int:
    deadline = time.time() + limit
    while time.time() < deadline:
        n = server_count(team, coder)
        if 0 < n < N or proc.poll() is not None:
            return n
        time.sleep(0.01)
    raise AssertionError("the sync made no progress")


def assert_settled(team, paths):
    for p in paths:
        team.sync(p)
    assert server_count(team, "anna") == N
    states = [codings(p) for p in paths]
    assert all(s == states[0] for s in states)
    assert len(states[0]) == N and len({c[0] for c in states[0]}) == N
    for p in paths:
        assert integrity_ok(p)
        with Project.open(p) as proj:
            assert proj.replica.pending_count() == 0
    with psycopg.connect(team.admin_url) as conn:  # every operation logged exactly once
        n = conn.execute("SELECT count(*) FROM qualcode.changes WHERE tbl = 'codings' AND coder = 'anna'").fetchone()[0]
    assert n == N


def test_replica_killed_while_sending(team):
    a = team.clone("anna")
    many_codings(a, "anna")
    proc = start_sync(a)
    partial = wait_for_partial(team, "anna", proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < partial < N, "the kill came too late to be in the middle of the sync"
    assert integrity_ok(a)
    assert_settled(team, [a, team.clone("bob")])


def test_sent_but_not_cleared_is_not_doubled(team, monkeypatch):
    """The server committed a batch but the replica died before clearing it: it is sent again."""
    from qualcode.store.replica import Replica

    a = team.clone("anna")
    many_codings(a, "anna")
    calls = []

    def crash(self, last_id):
        calls.append(last_id)
        raise KeyboardInterrupt  # dies right after the server's commit

    monkeypatch.setattr(Replica, "mark_sent", crash)
    with pytest.raises(KeyboardInterrupt):
        team.sync(a)
    assert server_count(team, "anna") == 250
    monkeypatch.undo()
    monkeypatch.setenv("PGPASSFILE", str(team.tmp / "pgpass"))
    assert_settled(team, [a, team.clone("bob")])


def test_replica_killed_while_receiving(team):
    a = team.clone("anna")
    many_codings(a, "anna")
    team.sync(a)
    b = team.clone("bob")
    with Project.open(b) as p, p.db.atomic():
        p.replica.set("position", 0)  # as if bob had been offline since before anna's codings
        p.db.execute("DELETE FROM codings")
        # not bob's own deletes to send: without this the sync first undoes 4,000 refused deletes
        # of anna's codings, batch by batch, and the kill lands in that instead of in the receive
        p.db.execute("DELETE FROM replica_outbox")
    for delay in (0.05, 0.3, 0.8):
        proc = start_sync(b)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert integrity_ok(b)
        assert len(codings(b)) in (0, N)  # one transaction: all or nothing
    assert_settled(team, [a, b])


def test_server_killed_while_a_replica_sends(team):
    a = team.clone("anna")
    many_codings(a, "anna")
    proc = start_sync(a)
    partial = wait_for_partial(team, "anna", proc)
    team.pg.kill9_and_restart()
    out, err = proc.communicate(timeout=60)
    assert 0 < partial < N
    assert proc.returncode != 0 and b"connection" in err.lower()
    assert integrity_ok(a)
    assert_settled(team, [a, team.clone("bob")])
