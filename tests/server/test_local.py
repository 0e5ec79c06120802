"""`qualcode server local start|stop DIR`: a throwaway PostgreSQL in a folder, for trying a team."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from qualcode.server.local import pg_bindir

from tests.server.team import cli

pytestmark = pytest.mark.skipif(pg_bindir() is None, reason="PostgreSQL server programs (initdb, pg_ctl) not found: "
                                "install postgresql-15 to run the team-server tests")


def test_local_cluster_start_use_stop(capsys, tmp_path, project_path):
    root = Path(tempfile.mkdtemp(prefix="qclocal-"))  # not under pytest's private folders: the server may run as postgres
    os.chmod(root, 0o755)
    folder = root / "team"
    capsys.readouterr()  # the project fixture's own output
    try:
        assert cli("server", "local", "start", folder, "--port", 5300 + os.getpid() % 90, "--json") == 0
        info = json.loads(capsys.readouterr().out)
        assert info["created"] and (folder / "data" / "PG_VERSION").exists()
        assert cli("server", "local", "start", folder, "--json") == 0  # running already: fine
        assert json.loads(capsys.readouterr().out)["created"] is False
        admin = info["admin_url"]
        assert cli("server", "init", admin) == 0
        assert cli("publish", project_path, admin, "--project", "study", "--coder", "lead") == 0
        assert cli("server", "status", admin, "--project", "study", "--json") == 0
        capsys.readouterr()
        assert cli("server", "local", "stop", folder) == 0
        assert cli("sync", project_path) == 2
        err = capsys.readouterr().err
        assert "cannot reach the team server" in err and "working offline" in err
    finally:
        cli("server", "local", "stop", folder)
        shutil.rmtree(root, ignore_errors=True)


def test_local_stop_without_a_cluster_says_so(capsys, tmp_path):
    assert cli("server", "local", "stop", tmp_path / "nothing") == 2
    assert "no local PostgreSQL cluster" in capsys.readouterr().err
