"""A shared live project on a real PostgreSQL server: publish, clone, sync between replicas."""

from __future__ import annotations

import pytest

from qualcode.store.project import Project

from pg_fixture import pg, pg_cluster  # noqa: F401  (fixtures)
from server_team import Team, add_coding, codings, integrity_ok


@pytest.fixture
def team(pg, tmp_path, project_path, monkeypatch):  # noqa: F811
    return Team(pg, tmp_path, project_path, monkeypatch)


def test_two_replicas_see_each_others_codings(team):
    team.setup()
    a, b = team.clone("anna"), team.clone("bob")
    ua = add_coding(a, "anna", 10, 30)
    ub = add_coding(b, "bob", 40, 60)
    ra = team.sync(a)
    assert ra["sent"] == 1
    rb = team.sync(b)
    assert rb["sent"] == 1 and rb["received_total"] == 1
    team.sync(a)
    assert codings(a) == codings(b)
    uuids = {c[0] for c in codings(a)}
    assert {ua, ub} <= uuids
    assert integrity_ok(a) and integrity_ok(b)
