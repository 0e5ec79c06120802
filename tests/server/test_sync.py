"""A shared live project on a real PostgreSQL server: publish, clone, sync between replicas."""

from __future__ import annotations

import re
import threading

import pytest

from qualcode.errors import ProjectError
from qualcode.store.project import Project

from tests.server.team import Team, add_coding, cli, codings, integrity_ok


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
    assert {ua, ub} == {c[0] for c in codings(a)}
    assert integrity_ok(a) and integrity_ok(b)
    # the publisher's own file is a replica too
    team.sync(team.study)
    assert codings(team.study) == codings(a)


def test_three_replicas_coding_at_the_same_time(team):
    team.setup(coders=("anna", "bob", "carl"))
    paths = {u: team.clone(u) for u in ("anna", "bob", "carl")}
    errors = []

    def work(user, offset):
        try:
            for i in range(15):
                add_coding(paths[user], user, offset + i * 3, offset + i * 3 + 2)
                if i % 4 == 0:
                    team.sync(paths[user])
            team.sync(paths[user])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(u, n * 100)) for n, u in enumerate(paths)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for p in paths.values():
        team.sync(p)
    states = [codings(p) for p in paths.values()]
    assert len(states[0]) == 45 and states[0] == states[1] == states[2]
    assert all(integrity_ok(p) for p in paths.values())
    from qualcode.server.admin import status

    s = status(team.admin_url, "study")
    assert s["codings_by_coder"] == {"anna": 15, "bob": 15, "carl": 15}
    assert all(r["behind"] == 0 for r in s["replicas"] if r["coder"] != "lead")


def test_offline_work_is_kept_and_sent_later(team):
    team.setup()
    a, b = team.clone("anna"), team.clone("bob")
    team.pg.stop()
    try:
        for i in range(20):
            add_coding(a, "anna", i * 5, i * 5 + 4)
        with Project.open(a) as p:
            with pytest.raises(ProjectError, match="cannot reach the team server"):
                from qualcode.server.sync import sync

                sync(p)
            assert p.replica.pending_count() == 20  # kept, waiting
    finally:
        team.pg.start()
    add_coding(b, "bob", 200, 230)
    team.sync(b)
    report = team.sync(a)
    assert report["sent"] == 20 and report["received_total"] == 1
    team.sync(b)
    assert codings(a) == codings(b) and len(codings(a)) == 21
    with Project.open(a) as p:
        assert p.replica.pending_count() == 0


def test_undo_on_a_replica_travels(team):
    team.setup()
    a, b = team.clone("anna"), team.clone("bob")
    add_coding(a, "anna", 10, 30)
    team.sync(a)
    team.sync(b)
    assert len(codings(b)) == 1
    with Project.open(a) as p:
        assert p.history.undo() is not None
    team.sync(a)
    team.sync(b)
    assert codings(b) == [] == codings(a)


def test_concurrent_renames_are_decided_and_reported_to_both(team):
    team.setup(managers=("rita",))
    lead, rita = team.study, team.clone("rita")
    with Project.open(lead) as p:
        p.codebook.update("Lerarentekort", name="Tekort A")
    with Project.open(rita) as p:
        p.codebook.update("Lerarentekort", name="Tekort B", colour="#123456")
    r1 = team.sync(lead)
    r2 = team.sync(rita)
    r1b = team.sync(lead)
    # the later change wins, the field only one side changed is kept too
    for path in (lead, rita):
        with Project.open(path) as p:
            names = {c.name for c in p.codebook.tree()}
            assert "Tekort B" in names and "Tekort A" not in names
            assert p.codebook.get("Tekort B").colour == "#123456"
    assert r1["conflicts"] == []
    assert any("Tekort B" in c and "later change" in c for c in r2["conflicts"])
    assert any("Tekort B" in c for c in r1b["conflicts"])  # reported to the other side as well


def test_coding_on_a_code_deleted_meanwhile_restores_the_code(team):
    team.setup()
    a = team.clone("anna")
    uid = add_coding(a, "anna", 10, 30, code_name="Vrijstelling")
    with Project.open(team.study) as p:
        p.codebook.delete("Vrijstelling")
    team.sync(team.study)  # the delete reaches the server first
    report = team.sync(a)  # then anna's coding on that code
    assert any("restored" in c for c in report["conflicts"])
    lead_report = team.sync(team.study)
    assert any("restored" in c for c in lead_report["conflicts"])
    for path in (a, team.study):
        with Project.open(path) as p:
            assert p.codebook.get("Vrijstelling")
            assert [c.uuid for c in p.codings.list()] == [uid]
        assert integrity_ok(path)


def test_delete_of_a_code_others_coded_meanwhile_is_refused_and_undone(team):
    team.setup()
    a = team.clone("anna")
    uid = add_coding(a, "anna", 10, 30, code_name="Vrijstelling")
    team.sync(a)  # the coding is on the server, the manager has not pulled it
    with Project.open(team.study) as p:
        p.codebook.delete("Vrijstelling")
    report = team.sync(team.study)
    assert any("kept" in c for c in report["conflicts"])
    with Project.open(team.study) as p:
        assert p.codebook.get("Vrijstelling")
        assert [c.uuid for c in p.codings.list()] == [uid]
    assert any("kept" in c for c in team.sync(a)["conflicts"])
    assert integrity_ok(team.study)


def test_blind_phase_hides_other_coders_until_lifted(team):
    team.setup(blind=True)
    a, b = team.clone("anna"), team.clone("bob")
    add_coding(a, "anna", 10, 30)
    add_coding(b, "bob", 40, 60)
    team.sync(a), team.sync(b), team.sync(a)
    assert {c[1] for c in codings(a)} == {"anna"}
    assert {c[1] for c in codings(b)} == {"bob"}
    team.sync(team.study)
    assert {c[1] for c in codings(team.study)} == {"anna", "bob"}  # the manager sees all
    assert cli("server", "blind", team.admin_url, "--project", "study", "off") == 0
    report = team.sync(a)
    assert report["reread"]
    assert {c[1] for c in codings(a)} == {"anna", "bob"}


def test_cli_round_trip_and_clear_refusals(team, capsys, tmp_path):
    assert cli("server", "init", team.admin_url) == 0
    assert cli("server", "init", team.admin_url) == 0  # idempotent
    assert cli("publish", team.study, team.admin_url, "--project", "study", "--coder", "lead") == 0
    assert cli("publish", team.study, team.admin_url, "--project", "other") == 2
    assert "already a replica" in capsys.readouterr().err
    team.pg.add_login("anna", "anna-pw")
    assert cli("server", "grant", team.admin_url, "--project", "study", "--user", "anna", "--role", "coder") == 0
    # no passwords in addresses: they would be stored in the project file
    bad = team.url("anna").replace("anna@", "anna:anna-pw@")
    assert cli("clone", bad, tmp_path / "x.qualcode", "--project", "study") == 2
    assert "password" in capsys.readouterr().err
    assert not (tmp_path / "x.qualcode").exists()
    assert cli("clone", team.url("anna"), tmp_path / "x.qualcode", "--project", "study", "--coder", "bob") == 2
    assert "you code as 'anna'" in capsys.readouterr().err
    team.pg.add_login("mia", "mia-pw")
    assert cli("clone", team.url("mia"), tmp_path / "m.qualcode", "--project", "study") == 2
    # "not a member" when mia holds no qualcode role on this cluster yet; once another database of
    # the same cluster made her a member (roles are cluster-wide: test_permissions does), she reads
    # the schema but sees no project 'study'
    assert re.search(r"not (a member|one of its members)", capsys.readouterr().err)
    a = tmp_path / "anna.qualcode"
    assert cli("clone", team.url("anna"), a, "--project", "study", "--coder", "anna") == 0
    add_coding(a, "anna", 5, 25)
    capsys.readouterr()
    assert cli("sync", a) == 0
    out = capsys.readouterr().out
    assert "1 codings insert" in out and "anna-pw" not in out
    assert cli("server", "status", team.admin_url, "--project", "study", "--json") == 0
    import json

    s = json.loads(capsys.readouterr().out)
    assert s["codings_by_coder"] == {"anna": 1}
    with Project.open(a) as p:
        stored = "\n".join(str(v) for v in p.replica.info().values())
    assert "anna-pw" not in stored
    assert cli("sync", tmp_path / "nope.qualcode") == 2


def test_codings_on_a_transcript_replaced_meanwhile_move_along(team, tmp_path):
    from qualcode.merge.replace import replace_text

    team.setup()
    a = team.clone("anna")
    with Project.open(a) as p:
        doc = p.documents.list()[0]
        text = p.documents.get(doc.uuid).text
    s1 = text.index("de administratie")
    s2 = text.index("vrijstelling")
    u1 = add_coding(a, "anna", s1, s1 + len("de administratie"))  # coded on the old text, not yet sent
    u2 = add_coding(a, "anna", s2, s2 + len("vrijstelling"))
    new_file = tmp_path / "corrected.txt"
    new_file.write_text("Interview test 1 (gecorrigeerd)\n\n" + text.split("\n", 1)[1].replace("Nou, eh, ", "Nou, "),
                        encoding="utf-8")
    replace_text(team.study, doc.name, new_file, backup=False)
    team.sync(team.study)  # the manager's new text reaches the server first
    report = team.sync(a)  # anna's codings (old offsets) go up, the new text comes down
    assert report["reanchored"] == {"moved": 2, "flagged": 0}
    team.sync(a)  # the moves go up
    team.sync(team.study)
    for path in (a, team.study):
        with Project.open(path) as p:
            new_text = p.documents.get(doc.uuid).text
            got = {c.uuid: new_text[c.start:c.end] for c in p.codings.list()}
        assert got == {u1: "de administratie", u2: "vrijstelling"}
        assert integrity_ok(path)
