"""Opening a project file: connection settings, schema migrations, version checks, waiting.

Only SQLite ever opens a project file (DESIGN.md §9): a Python ``open()``/``close()`` of a file
that the same process holds through SQLite drops SQLite's POSIX locks, after which another
process may delete the WAL under us. So the header check, the version check and the "is this a
project?" question are all asked through SQLite (a read-only connection first, so that a refused
file is not touched: no switch to WAL, no migration), and every file this process opened as a
project is remembered by device and inode, so readers of user files can refuse a project file
without opening it (:func:`is_open_project`).

Write transactions begin with ``BEGIN IMMEDIATE``: a transaction that starts as a read and later
writes cannot wait for a busy file, one that takes the write lock first can. While another
process holds the lock, :meth:`Database.atomic` waits, tells :data:`WAIT_HOOK` once (the CLI
prints "waiting for …", the TUI shows a note), and gives up after :func:`busy_limit` seconds
with one sentence and nothing changed.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from qualcode.errors import ProjectError, VersionError
from qualcode.store.migrations import MIGRATIONS, SCHEMA_VERSION


APPLICATION_ID = 0x51434F44  # "QCOD": marks a SQLite file as a qualcode project
DEFAULT_BUSY_LIMIT = 30.0  # seconds a writer waits for a busy project file before it gives up
WAIT_HOOK: Callable[[Path, float], None] | None = None  # told once per wait: (file, seconds waited)
_OPEN_FILES: set[tuple[int, int]] = set()
_OPEN_LOCK = threading.Lock()


class BusyError(ProjectError):
    """Another process held the project's write lock for longer than the limit."""


class ReadOnlyError(ProjectError):
    """The project file (or its folder) cannot be written."""


def busy_limit() -> float:
    try:
        return float(os.environ.get("QUALCODE_BUSY_TIMEOUT", DEFAULT_BUSY_LIMIT))
    except ValueError:
        return DEFAULT_BUSY_LIMIT


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def is_open_project(path: str | Path) -> bool:
    """Whether this process has ``path`` (or its -wal/-shm file) open as a project. Asks ``stat``
    only, so it is safe to call on any file before reading it."""
    path = Path(path)
    ids = {_file_id(path)}
    name = str(path)
    for suffix in ("-wal", "-shm"):
        if name.endswith(suffix):
            ids.add(_file_id(Path(name[: -len(suffix)])))
    with _OPEN_LOCK:
        return any(i in _OPEN_FILES for i in ids if i)


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.resolve()))}?{query}"


def probe(path: str | Path) -> tuple[int, int, str] | None:
    """(application_id, user_version, journal mode) of an SQLite file, read through SQLite without
    changing a byte of it; None when the file is not an SQLite database (or cannot be read)."""
    path = Path(path)
    for params in ({"mode": "ro"}, {"mode": "ro", "immutable": "1"}):
        try:
            conn = sqlite3.connect(_uri(path, **params), uri=True, timeout=5)
        except sqlite3.Error:
            continue
        try:
            conn.execute("PRAGMA schema_version").fetchone()
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            return app_id, version, mode
        except sqlite3.DatabaseError as exc:
            if "not a database" in str(exc) or "malformed" in str(exc):
                return None
            continue  # e.g. a WAL file in a read-only folder: try again as immutable
        finally:
            conn.close()
    return None


def is_project_file(path: str | Path) -> bool:
    """Whether ``path`` is a qualcode project (asked through SQLite, never with ``open()``)."""
    path = Path(path)
    if is_open_project(path):
        return True
    if not path.is_file():
        return False
    found = probe(path)
    return bool(found and found[0] == APPLICATION_ID)


class Database:
    """A connection to a project file: ``execute``, ``atomic()`` (BEGIN IMMEDIATE, waiting for a
    busy file), ``close``. Autocommit outside ``atomic()``: nothing is left in an open transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path, read_only: bool = False):
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self._file = _file_id(path)
        if self._file:
            with _OPEN_LOCK:
                _OPEN_FILES.add(self._file)

    # -- statements --------------------------------------------------------------------------------
    def execute(self, sql: str, params=()):
        if self.conn.in_transaction:
            return self._run(self.conn.execute, sql, params)
        return self._waiting(lambda: self._run(self.conn.execute, sql, params))

    def _run(self, fn, *args):
        try:
            return fn(*args)
        except sqlite3.OperationalError as exc:
            if _is_readonly(exc):
                raise self._translate(exc) from None
            raise

    def _translate(self, exc: sqlite3.OperationalError):
        return ReadOnlyError(
            f"{self.path}: the project is read-only here ({exc}); nothing was changed. "
            "Copy it to a folder you can write to, or make the file writable."
        )

    # -- transactions ------------------------------------------------------------------------------
    @contextmanager
    def atomic(self):
        """All writes inside happen together or not at all; nested blocks are savepoints."""
        if self.conn.in_transaction:
            name = f"sp_{threading.get_ident()}_{time.monotonic_ns()}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    self.conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            else:
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            return
        if self.read_only:
            raise ReadOnlyError(
                f"{self.path}: the project is read-only here; nothing was changed. "
                "Copy it to a folder you can write to, or make the file writable."
            )
        self._waiting(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        else:
            try:
                self._waiting(lambda: self.conn.execute("COMMIT"))
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def _waiting(self, step):
        """Run ``step``; while the file is busy, retry until the limit (telling WAIT_HOOK once)."""
        started, told = time.monotonic(), False
        limit = busy_limit()
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if _is_readonly(exc):
                    raise self._translate(exc) from None
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                waited = time.monotonic() - started
                if waited >= limit:
                    raise BusyError(
                        f"{self.path}: in use by another qualcode for {waited:.0f} s (it holds the write "
                        "lock); nothing was changed. Try again when it is done, or raise "
                        "QUALCODE_BUSY_TIMEOUT."
                    ) from None
                if not told and WAIT_HOOK is not None:
                    told = True
                    WAIT_HOOK(self.path, waited)
                time.sleep(0.05)

    def data_version(self) -> int:
        """Changes when another connection commits to the file (SQLite ``PRAGMA data_version``)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def close(self) -> None:
        self.conn.close()
        # The file stays registered: another connection of this process may still hold it, and
        # the registry only ever makes readers more careful.


def _is_readonly(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "readonly" in text or "read-only" in text


BUSY_STEP_MS = 200  # SQLite's own busy wait per attempt; Database._waiting retries up to the limit


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent if str(path.parent) else Path("."), os.W_OK)


def connect(path: Path, read_only: bool = False, immutable: bool = False) -> Database:
    if read_only:
        params = {"mode": "ro", **({"immutable": "1"} if immutable else {})}
        conn = sqlite3.connect(_uri(path, **params), uri=True, timeout=BUSY_STEP_MS / 1000,
                               check_same_thread=False, isolation_level=None)
    else:
        conn = sqlite3.connect(str(path), timeout=BUSY_STEP_MS / 1000, check_same_thread=False,
                               isolation_level=None)
    db = Database(conn, path, read_only=read_only)
    try:
        if not read_only:
            if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return db


def _migrate(db: Database, version: int) -> None:
    import sqlite_utils

    helper = sqlite_utils.Database(db.conn, recursive_triggers=False, execute_plugins=False)
    with db.atomic():
        for migrate in MIGRATIONS[version:]:
            migrate(helper)
        db.execute(f"PRAGMA application_id={APPLICATION_ID}")
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def open_database(path: str | Path, create: bool = False) -> Database:
    """Open (or create) a project file and bring its schema up to date.

    A file that is not a qualcode project, or one written by a newer version, is refused
    without being touched (it is examined through a read-only connection first). A project in a
    read-only file or folder opens read-only: reading works, a write ends in :class:`ReadOnlyError`.
    """
    path = Path(path)
    if create:
        if path.exists() and path.stat().st_size > 0:
            raise ProjectError(f"{path}: a file already exists there; choose another name.")
        if not path.parent.exists():
            raise ProjectError(f"{path.parent}: no such folder; create it first.")
        try:
            db = connect(path)
        except sqlite3.Error as exc:
            raise ProjectError(f"{path}: cannot create a project there ({exc}).") from None
        _migrate(db, 0)
        return db
    if not path.exists():
        raise ProjectError(f"{path}: no such project file (create one with 'qualcode init').")
    if path.is_dir():
        raise ProjectError(f"{path}: a folder, not a project file.")
    found = probe(path)
    if found is None:
        if path.stat().st_size and not os.access(path, os.R_OK):
            raise ProjectError(f"{path}: cannot be read (permission denied).")
        raise ProjectError(f"{path}: not a qualcode project (not an SQLite file).")
    app_id, version, mode = found
    if app_id != APPLICATION_ID:
        raise ProjectError(f"{path}: not a qualcode project (no qualcode marker in the file).")
    if version > SCHEMA_VERSION:
        raise VersionError(
            f"{path}: written by a newer qualcode (schema {version}, this version reads up to "
            f"{SCHEMA_VERSION}); upgrade qualcode to open it."
        )
    read_only = not _writable(path)
    try:
        if read_only:
            # A WAL project needs a writable -shm next to it; in a read-only folder without one,
            # SQLite can still read the file as immutable (nobody can write there anyway).
            shm = Path(str(path) + "-shm")
            immutable = not os.access(path.parent, os.W_OK) and not (shm.exists() and os.access(shm, os.W_OK))
            db = connect(path, read_only=True, immutable=immutable)
        else:
            db = connect(path)
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"{path}: cannot be opened as a project ({exc}).") from None
    if version < SCHEMA_VERSION:
        if read_only:
            db.close()
            raise ReadOnlyError(
                f"{path}: this project needs a schema upgrade (schema {version} to {SCHEMA_VERSION}) "
                "and is read-only here; make it writable once, or copy it to a folder you can write to."
            )
        try:
            _migrate(db, version)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ProjectError(f"{path}: cannot be brought up to date ({exc}); the file is damaged or not a "
                               "complete project. Nothing was changed.") from None
    return db
