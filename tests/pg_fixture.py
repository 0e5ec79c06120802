"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl into a temporary folder.

The server listens on a Unix socket in that folder only (no TCP). The cluster's superuser is
``qcadmin`` (trusted on the socket); every other role logs in with a password (scram), so the tests
use real credentials from the environment. As root (CI) the server runs as the ``postgres`` system
user, because PostgreSQL refuses to run as root. Without PostgreSQL binaries the tests skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ADMIN = "qcadmin"


def pg_bindir() -> Path | None:
    env = os.environ.get("QUALCODE_PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="qcpg-"))
        self.data = self.root / "data"
        self.sock = self.root
        self.port = 5400 + (os.getpid() % 500)
        self.run_as = None
        if os.geteuid() == 0:
            import pwd

            try:
                pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("PostgreSQL cannot run as root and there is no 'postgres' user to run it as")
            self.run_as = "postgres"
            shutil.chown(self.root, "postgres")
        os.chmod(self.root, 0o755)

    def _cmd(self, args: list[str], **kw) -> subprocess.CompletedProcess:
        if self.run_as:
            args = ["runuser", "-u", self.run_as, "--", *args]
        return subprocess.run(args, capture_output=True, text=True, **kw)

    def start(self) -> None:
        pwfile = self.root / "pw"
        res = self._cmd([str(self.bindir / "initdb"), "-D", str(self.data), "-U", ADMIN, "-A", "trust",
                         "--no-sync", "-E", "UTF8", "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C"])
        if res.returncode:
            raise RuntimeError(f"initdb failed: {res.stderr}")
        hba = self.data / "pg_hba.conf"
        hba_text = f"local all {ADMIN} trust\nlocal all all scram-sha-256\n"
        self._write(hba, hba_text)
        conf = (f"listen_addresses = ''\nunix_socket_directories = '{self.sock}'\nport = {self.port}\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 100\n"
                "shared_buffers = 64MB\npassword_encryption = 'scram-sha-256'\n")
        self._append(self.data / "postgresql.conf", conf)
        self.pg_ctl("start")
        del pwfile

    def _write(self, path: Path, text: str) -> None:
        path.write_text(text)
        if self.run_as:
            shutil.chown(path, self.run_as)

    def _append(self, path: Path, text: str) -> None:
        with open(path, "a") as fh:
            fh.write(text)

    def pg_ctl(self, action: str, mode: str = "fast") -> None:
        args = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60"]
        if action == "start":
            args += ["-l", str(self.data / "server.log"), "start"]
        else:
            args += ["-m", mode, action]
        res = self._cmd(args)
        if res.returncode and action == "start":
            log = (self.data / "server.log").read_text() if (self.data / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {res.stderr}\n{log[-2000:]}")

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill9(self) -> None:
        """Kill the server as a crash would (SIGKILL to the postmaster), then start it again."""
        import signal

        pid = self.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(pid, 0)
                time.sleep(0.05)
            except ProcessLookupError:
                break
        # children exit once the postmaster is gone; wait for the shared memory to be released
        time.sleep(0.5)
        self.pg_ctl("start")

    def url(self, dbname: str, user: str | None = None) -> str:
        u = f"{user}@" if user else ""
        return f"postgresql://{u}/{dbname}?host={self.sock}&port={self.port}"

    def admin_sql(self, sql: str, dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(dbname, ADMIN), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        name = "t" + uuid.uuid4().hex[:10]
        self.admin_sql(f"CREATE DATABASE {name}")
        return name

    def add_login(self, user: str, password: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres", ADMIN), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user]).fetchone()
            if not exists:
                conn.execute(f'CREATE ROLE "{user}" LOGIN')
            conn.execute(f"ALTER ROLE \"{user}\" PASSWORD '{password}'")

    def stop(self) -> None:
        self.pg_ctl("stop", mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _has_c_utf8() -> bool:
    res = subprocess.run(["locale", "-a"], capture_output=True, text=True)
    return any(x.lower() in ("c.utf8", "c.utf-8") for x in res.stdout.split())


@pytest.fixture(scope="session")
def pg_cluster():
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql-15 "
                    "(Debian: apt-get install postgresql-15) to run the team-server tests")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed; pip install 'psycopg[binary]' to run the team-server tests")
    cluster = Cluster(bindir)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg(pg_cluster, monkeypatch):
    """A fresh database on the throwaway cluster; the admin connects without a password."""
    name = pg_cluster.new_database()
    pg_cluster.dbname = name
    monkeypatch.delenv("PGUSER", raising=False)
    monkeypatch.delenv("PGPASSWORD", raising=False)
    return pg_cluster
