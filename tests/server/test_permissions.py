"""Roles enforced by PostgreSQL itself: a coder changes only their own codings, through the client
and through plain SQL with their own credentials; readers read; managers edit the codebook."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb

from qualcode.errors import ProjectError
from qualcode.store.project import Project

from tests.server.team import Team, add_coding, codings


@pytest.fixture
def team(pg, tmp_path, project_path, monkeypatch):  # noqa: F811
    t = Team(pg, tmp_path, project_path, monkeypatch)
    t.setup(coders=("anna", "bob"), readers=("rita",))
    return t


def _server_coding(team, uid):
    with psycopg.connect(team.admin_url) as conn:
        row = conn.execute("SELECT data FROM qualcode.rows WHERE tbl = 'codings' AND key = %s",
                           [json.dumps([uid])]).fetchone()
    return row[0] if row else None


def test_coder_cannot_change_another_coders_coding_through_the_client(team):
    a, b = team.clone("anna"), team.clone("bob")
    uid = add_coding(b, "bob", 10, 30)
    team.sync(b)
    team.sync(a)
    with Project.open(a, coder="anna") as p:
        p.codings.update(uid, start=12, end=40)
    report = team.sync(a)
    assert report["refused"] and "a coding by bob" in report["refused"][0]
    assert _server_coding(team, uid)["start"] == 10  # the server is unchanged
    with Project.open(a) as p:
        assert p.codings.get(uid).start == 10  # and the edit was undone locally
        assert p.replica.pending_count() == 0
    with Project.open(a, coder="anna") as p:
        p.codings.remove([uid])
    assert team.sync(a)["refused"]
    assert _server_coding(team, uid) is not None
    assert [c[0] for c in codings(a)] == [uid]


def test_the_server_refuses_even_when_the_client_check_is_bypassed(team, monkeypatch):
    a, b = team.clone("anna"), team.clone("bob")
    uid = add_coding(b, "bob", 10, 30)
    team.sync(b)
    team.sync(a)
    with Project.open(a, coder="anna") as p:
        p.codings.update(uid, start=12, end=40)
    import qualcode.server.sync as sync_mod

    monkeypatch.setattr(sync_mod, "allowed", lambda role, coder, op: True)
    with pytest.raises(ProjectError, match="row-level security"):
        team.sync(a)
    assert _server_coding(team, uid)["start"] == 10
    with Project.open(a) as p:
        assert p.replica.pending_count() == 1  # kept: nothing is lost on a refusal


def _op(team, tbl, kind, key, before=None, after=None):
    return ("study", str(uuid.uuid4()), tbl, kind, json.dumps([key]), Jsonb(before) if before else None,
            Jsonb(after) if after else None)


INSERT = ("INSERT INTO qualcode.changes (seq, project, op_uuid, tbl, kind, key, before, after) "
          "VALUES (0, %s, %s, %s, %s, %s, %s, %s)")


def test_plain_sql_with_a_coders_credentials_is_refused(team):
    b = team.clone("bob")
    uid = add_coding(b, "bob", 10, 30)
    team.sync(b)
    bobs = _server_coding(team, uid)
    with psycopg.connect(team.url("anna")) as conn:  # anna's own credentials (from the pgpass file)
        # the state tables cannot be written at all
        for sql in ("UPDATE qualcode.rows SET data = data || '{\"start\": 0}'",
                    "DELETE FROM qualcode.rows",
                    "UPDATE qualcode.changes SET after = NULL",
                    "UPDATE qualcode.members SET role = 'manager'"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                with conn.transaction():
                    conn.execute(sql)
        # operations on bob's coding are refused by row-level security
        changed = {**bobs, "start": 0}
        cases = [
            _op(team, "codings", "update", uid, bobs, changed),
            _op(team, "codings", "update", uid, bobs, {**bobs, "coder": "anna"}),  # taking it over
            _op(team, "codings", "delete", uid, bobs),
            _op(team, "codings", "insert", str(uuid.uuid4()), after={**bobs, "uuid": "x", "start": 50}),  # as bob
            _op(team, "codes", "update", "c", {"name": "a"}, {"name": "b"}),  # codebook: managers only
        ]
        for params in cases:
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
                with conn.transaction():
                    conn.execute(INSERT, params)
        # pretending to be someone else is refused too
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with conn.transaction():
                conn.execute(INSERT.replace("(seq, ", "(username, seq, ").replace("VALUES (0", "VALUES ('bob', 0"),
                             _op(team, "codings", "delete", uid, bobs))
        # her own coding goes through (the policy is not a blanket refusal)
        mine = {**bobs, "uuid": str(uuid.uuid4()), "coder": "anna", "start": 60, "end": 70}
        with conn.transaction():
            conn.execute(INSERT, _op(team, "codings", "insert", mine["uuid"], after=mine))
    assert _server_coding(team, uid) == bobs
    assert _server_coding(team, mine["uuid"])["coder"] == "anna"


def test_readers_read_and_write_nothing(team):
    r = team.clone("rita")
    with Project.open(r) as p:
        assert p.replica.info()["role"] == "reader"
        doc = p.documents.list()[0].uuid
        code = p.codebook.get("Lerarentekort").uuid
        p.codings.add(doc, code, "rita", 5, 9)
    report = team.sync(r)
    assert report["refused"] and codings(r) == []
    with psycopg.connect(team.url("rita")) as conn:
        assert conn.execute("SELECT count(*) FROM qualcode.rows WHERE tbl = 'codes'").fetchone()[0] == 5
        row = {"uuid": "r1", "document": doc, "code": code, "coder": "rita", "start": 1, "end": 2}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(INSERT, _op(team, "codings", "insert", "r1", after=row))


def test_non_members_see_nothing(team):
    team.pg.add_login("mia", "mia-pw")
    with psycopg.connect(team.url("mia")) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM qualcode.rows").fetchone()
    # a member of another project sees nothing of this one
    from qualcode.server import admin

    other = team.tmp / "other.qualcode"
    Project.create(other).close()
    admin.publish(str(other), team.admin_url, "other", coder="boss")
    admin.grant(team.admin_url, "other", "mia", "manager")
    with psycopg.connect(team.url("mia")) as conn:
        assert conn.execute("SELECT count(*) FROM qualcode.rows WHERE project = 'study'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM qualcode.projects").fetchone()[0] == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(INSERT, _op(team, "codes", "insert", "z", after={"uuid": "z", "name": "z"}))
