"""Helpers for the team-server tests: a published study and coders' replicas on the throwaway cluster."""

from __future__ import annotations

import os
from pathlib import Path

from qualcode.cli.main import main
from qualcode.server import admin
from qualcode.server.sync import clone, sync
from qualcode.store.project import Project

USERS = {"anna": "anna-pw", "bob": "bob-pw", "carl": "carl-pw", "rita": "rita-pw", "mia": "mia-pw"}


class Team:
    def __init__(self, pg, tmp_path: Path, study: Path, monkeypatch):
        self.pg = pg
        self.tmp = tmp_path
        self.study = study
        self.db = pg.dbname
        passfile = tmp_path / "pgpass"
        passfile.write_text("".join(f"*:*:*:{u}:{p}\n" for u, p in USERS.items()))
        os.chmod(passfile, 0o600)
        monkeypatch.setenv("PGPASSFILE", str(passfile))
        self.admin_url = pg.url(self.db, "qcadmin")

    def url(self, user: str) -> str:
        return self.pg.url(self.db, user)

    def setup(self, coders=("anna", "bob"), readers=(), managers=(), blind=False) -> "Team":
        admin.init(self.admin_url)
        admin.publish(str(self.study), self.admin_url, "study", coder="lead", blind=blind)
        for user in (*coders, *readers, *managers):
            self.pg.add_login(user, USERS[user])
        for user in coders:
            admin.grant(self.admin_url, "study", user, "coder")
        for user in readers:
            admin.grant(self.admin_url, "study", user, "reader")
        for user in managers:
            admin.grant(self.admin_url, "study", user, "manager")
        return self

    def clone(self, user: str) -> Path:
        path = self.tmp / f"{user}.qualcode"
        clone(self.url(user), "study", str(path))
        return path

    def sync(self, path: Path) -> dict:
        with Project.open(path) as p:
            return sync(p)


def doc_and_code(path: Path, code_name: str = "Lerarentekort"):
    with Project.open(path) as p:
        doc = p.documents.list()[0].uuid
        code = p.codebook.get(code_name).uuid
    return doc, code


def add_coding(path: Path, coder: str, start: int, end: int, code_name: str = "Lerarentekort") -> str:
    doc, code = doc_and_code(path, code_name)
    with Project.open(path, coder=coder) as p:
        c = p.codings.add(doc, code, coder, start, end)
    return c.uuid


def codings(path: Path) -> list[tuple]:
    with Project.open(path) as p:
        return sorted((c.uuid, c.coder, c.start, c.end, c.code) for c in p.codings.list())


def integrity_ok(path: Path) -> bool:
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return ok and not fk


def cli(*args) -> int:
    return main([str(a) for a in args])
