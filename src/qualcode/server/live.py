"""Background sync of a replica: LISTEN/NOTIFY for others' changes, polling as the fallback.

A ``LiveSync`` runs one thread with its own project connection and two server connections (one
listens, one syncs). It syncs at once, whenever the server notifies a change to the project,
whenever the replica has local changes waiting (checked every ``tick`` seconds; a burst of
notifications within ``min_gap`` seconds is taken in one sync), and every
``interval`` seconds in any case (the fallback when notifications are lost, e.g. behind a
connection pooler). Offline, it retries with a growing pause and says so once; coding never waits
for it. Callbacks run in the sync thread: the TUI passes them on with ``call_from_thread``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from qualcode.errors import QualcodeError

CHANNEL = "qualcode_changes"


class LiveSync:
    def __init__(self, path, on_synced=None, on_offline=None, interval: float = 30.0, tick: float = 0.5,
                 min_gap: float = 0.2):
        self.path = Path(path)
        self.on_synced = on_synced or (lambda report: None)
        self.on_offline = on_offline or (lambda message: None)
        self.interval = interval
        self.tick = tick
        self.min_gap = min_gap  # notifications in a burst are taken together
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_report: dict | None = None
        self.last_error: str | None = None
        self.syncs = 0
        self.failures = 0

    # -- control ---------------------------------------------------------------------------------
    def start(self) -> "LiveSync":
        self._thread = threading.Thread(target=self._run, name="qualcode-live-sync", daemon=True)
        self._thread.start()
        return self

    def request(self) -> None:
        """Sync soon (after a local change)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the thread --------------------------------------------------------------------------------
    def _run(self) -> None:
        from qualcode.store.project import Project

        project = Project.open(self.path)
        pause = 1.0
        try:
            while not self._stop.is_set():
                try:
                    self._session(project)
                    pause = 1.0
                except Exception as exc:  # noqa: BLE001 - the background sync must outlive any one failure
                    message = str(exc) if isinstance(exc, QualcodeError) else f"background sync failed: {exc!r}"
                    self.failures += 1
                    if message != self.last_error:
                        self.last_error = message
                        self.on_offline(message)
                    self._stop.wait(pause)
                    pause = min(pause * 2, 60.0)
        finally:
            project.close()

    def _session(self, project) -> None:
        """Connected: sync, then wait for a notification, a local change or the interval."""
        import psycopg

        from qualcode.server.connection import ServerErrors, connect
        from qualcode.server.sync import sync

        url = project.replica.get("server")
        name = project.replica.get("project")
        listen = connect(url, autocommit=True)
        work = connect(url)
        try:
            with ServerErrors("background sync", url):
                listen.execute(f"LISTEN {CHANNEL}")
                due = True
                last = 0.0
                while not self._stop.is_set():
                    if due and time.monotonic() - last < self.min_gap:
                        self._stop.wait(self.min_gap - (time.monotonic() - last))
                    if due or time.monotonic() - last >= self.interval:
                        report = sync(project, work)
                        self.syncs += 1
                        last = time.monotonic()
                        due = False
                        if self.last_error is not None:
                            self.last_error = None
                        self.last_report = report
                        self.on_synced(report)
                    # wait a tick for a notification about our project
                    for note in listen.notifies(timeout=self.tick, stop_after=1):
                        if note.payload == name:
                            due = True
                    if self._wake.is_set():
                        self._wake.clear()
                        due = True
                    if not due and project.replica.pending_count():
                        due = True
        except psycopg.Error as exc:  # pragma: no cover - ServerErrors converts these
            raise QualcodeError(str(exc)) from None
        finally:
            for conn in (listen, work):
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - a broken connection may fail to close
                    pass


def is_replica(path) -> bool:
    """Whether the project file is linked to a team server (cheap; opens and closes the file)."""
    from qualcode.store.project import Project

    with Project.open(path) as project:
        return project.replica.linked


def summary(report: dict) -> str | None:
    """One line for the TUI about what a background sync brought, or None when nothing came."""
    got = report.get("received_total", 0)
    if not got and not report.get("conflicts") and not report.get("refused"):
        return None
    parts = []
    if got:
        kinds = report.get("received", {})
        codings = sum(n for k, n in kinds.items() if k.startswith("codings"))
        parts.append(f"{codings} coding change(s)" if codings == got else f"{got} change(s)")
        parts[-1] += " from the team"
    if report.get("conflicts"):
        parts.append(f"{len(report['conflicts'])} conflict(s) decided (qualcode sync --log)")
    if report.get("refused"):
        parts.append(f"{len(report['refused'])} change(s) not yours to make were undone")
    return "sync: " + "; ".join(parts)
