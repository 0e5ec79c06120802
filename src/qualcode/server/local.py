"""A throwaway PostgreSQL cluster in a folder, for trying the team server on one machine.

``qualcode server local start DIR`` runs initdb and pg_ctl from the PostgreSQL installed on the
machine (Debian: ``apt-get install postgresql-15``); the server listens on a Unix socket in DIR
only, never on the network. Its superuser is ``qcadmin`` (trusted on that socket); other users log
in with a password (scram). As root, the server runs as the ``postgres`` system user, because
PostgreSQL refuses to run as root. ``stop DIR`` stops it; deleting DIR removes it.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from qualcode.errors import ProjectError

ADMIN = "qcadmin"


def pg_bindir() -> Path | None:
    env = os.environ.get("QUALCODE_PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    if found:
        candidates.append(str(Path(found).parent))
    for c in candidates:
        if c and (Path(c) / "initdb").exists() and (Path(c) / "pg_ctl").exists():
            return Path(c)
    return None


def _has_c_utf8() -> bool:
    try:
        res = subprocess.run(["locale", "-a"], capture_output=True, text=True)
    except OSError:
        return False
    return any(x.lower() in ("c.utf8", "c.utf-8") for x in res.stdout.split())


class LocalCluster:
    """A cluster whose data, socket and log live in ``root``."""

    def __init__(self, root: str | Path, port: int | None = None):
        self.root = Path(root).resolve()
        self.data = self.root / "data"
        port_file = self.root / "port"
        self.port = int(port_file.read_text()) if port_file.exists() else (port or 5432)
        bindir = pg_bindir()
        if bindir is None:
            raise ProjectError("no PostgreSQL server programs (initdb, pg_ctl) found; install PostgreSQL "
                               "(Debian: apt-get install postgresql-15) or set QUALCODE_PG_BIN.")
        self.bindir = bindir
        self.run_as = None
        if os.geteuid() == 0:
            import pwd

            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise ProjectError("PostgreSQL will not run as root and there is no 'postgres' user to run it as.") from None
            self.run_as = "postgres"

    def _cmd(self, args: list[str]) -> subprocess.CompletedProcess:
        if self.run_as:
            args = ["runuser", "-u", self.run_as, "--", *args]
        return subprocess.run(args, capture_output=True, text=True)

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.run_as:
            shutil.chown(self.root, self.run_as)
        os.chmod(self.root, 0o755)
        locale = "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C"
        res = self._cmd([str(self.bindir / "initdb"), "-D", str(self.data), "-U", ADMIN, "-A", "trust",
                         "--no-sync", "-E", "UTF8", locale])
        if res.returncode:
            raise ProjectError(f"initdb in {self.data} failed: {res.stderr.strip().splitlines()[-1:]}")
        (self.data / "pg_hba.conf").write_text(f"local all {ADMIN} trust\nlocal all all scram-sha-256\n")
        with open(self.data / "postgresql.conf", "a") as fh:
            fh.write(f"listen_addresses = ''\nunix_socket_directories = '{self.root}'\nport = {self.port}\n"
                     "password_encryption = 'scram-sha-256'\nmax_connections = 100\n")
        (self.root / "port").write_text(str(self.port))

    def tune_for_tests(self) -> None:
        with open(self.data / "postgresql.conf", "a") as fh:
            # fsync off: a killed server loses nothing (the kernel has the writes), only a machine crash would
            fh.write("fsync = off\nfull_page_writes = off\nshared_buffers = 64MB\n")

    def start(self) -> None:
        res = self._cmd([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                         "-l", str(self.data / "server.log"), "start"])
        if res.returncode:
            log = (self.data / "server.log").read_text() if (self.data / "server.log").exists() else ""
            raise ProjectError(f"PostgreSQL in {self.data} did not start: {(res.stderr or log).strip()[-500:]}")

    def stop(self, mode: str = "fast") -> None:
        self._cmd([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "-m", mode, "stop"])

    def running(self) -> bool:
        res = self._cmd([str(self.bindir / "pg_ctl"), "-D", str(self.data), "status"])
        return res.returncode == 0

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def kill9(self) -> None:
        """Kill the server as a crash would (SIGKILL to the postmaster)."""
        pid = self.postmaster_pid()
        os.kill(pid, signal.SIGKILL)
        for _ in range(200):
            try:
                os.kill(pid, 0)
                time.sleep(0.05)
            except ProcessLookupError:
                break

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        who = f"{user}@" if user else ""
        return f"postgresql://{who}/{dbname}?host={self.root}&port={self.port}"

    def admin_execute(self, sql: str, dbname: str = "postgres", params=None) -> list:
        import psycopg

        with psycopg.connect(self.url(dbname, ADMIN), autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def create_database(self, name: str) -> None:
        from psycopg import sql

        if not self.admin_execute("SELECT 1 FROM pg_database WHERE datname = %s", params=[name]):
            import psycopg

            with psycopg.connect(self.url("postgres", ADMIN), autocommit=True) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def add_login(self, user: str, password: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres", ADMIN), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user]).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(user)))
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user), sql.Literal(password)))


def start_local(root: str | Path, port: int | None = None, dbname: str = "qualcode") -> dict:
    """Create (first time) and start the cluster in ``root``, with a database ``dbname``."""
    cluster = LocalCluster(root, port)
    created = False
    if not cluster.initialised:
        cluster.init()
        created = True
    if not cluster.running():
        cluster.start()
    cluster.create_database(dbname)
    return {"folder": str(cluster.root), "created": created, "admin_url": cluster.url(dbname, ADMIN),
            "url": cluster.url(dbname), "port": cluster.port}


def stop_local(root: str | Path) -> dict:
    cluster = LocalCluster(root)
    if not cluster.initialised:
        raise ProjectError(f"{root}: no local PostgreSQL cluster in this folder.")
    cluster.stop()
    return {"folder": str(cluster.root), "stopped": True}
