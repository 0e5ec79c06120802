"""A throwaway PostgreSQL cluster for the tests (qualcode.server.local): initdb and pg_ctl into a
temporary folder, listening on a Unix socket there only. The superuser ``qcadmin`` is trusted on
the socket; every other role logs in with a password, so the tests use real credentials. As root
(CI) the server runs as the ``postgres`` system user. Without PostgreSQL binaries the tests skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid

import pytest

from qualcode.server.local import ADMIN, LocalCluster, pg_bindir


class Cluster(LocalCluster):
    dbname: str = ""

    def new_database(self) -> str:
        name = "t" + uuid.uuid4().hex[:10]
        self.create_database(name)
        return name

    def kill9_and_restart(self) -> None:
        import time

        self.kill9()
        for attempt in range(40):  # the killed server's backends leave within a moment
            try:
                self.start()
                return
            except Exception:
                if attempt == 39:
                    raise
                time.sleep(0.25)


@pytest.fixture(scope="session")
def pg_cluster():
    if pg_bindir() is None:
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) not found: install postgresql-15 "
                    "(Debian: apt-get install postgresql-15) to run the team-server tests")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: pip install 'psycopg[binary]' to run the team-server tests")
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a 'postgres' user: PostgreSQL will not run as root")
    root = tempfile.mkdtemp(prefix="qcpg-")
    cluster = Cluster(root, port=5400 + os.getpid() % 500)
    cluster.init()
    cluster.tune_for_tests()
    cluster.start()
    yield cluster
    cluster.stop(mode="immediate")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg(pg_cluster, monkeypatch):
    """A fresh database on the throwaway cluster (``pg.dbname``)."""
    pg_cluster.dbname = pg_cluster.new_database()
    for var in ("PGUSER", "PGPASSWORD", "PGSERVICE", "PGDATABASE", "PGHOST", "PGPORT"):
        monkeypatch.delenv(var, raising=False)
    return pg_cluster


__all__ = ["ADMIN", "pg", "pg_cluster"]
