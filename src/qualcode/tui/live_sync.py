"""The TUI's side of background sync for a replica of a team-server project (server/live.py).

``start(app)`` returns a running LiveSync (or None for a project without a server); each sync's
report comes back on the UI thread, where the open document, the counts and (after codebook
changes) the tree are refreshed (by tui/live.py's LiveRefresh, which also sees every other
process's commits) and a one-line notification says what arrived.
"""

from __future__ import annotations


def start(app):
    from qualcode.server.live import LiveSync, is_replica

    try:
        if not is_replica(app.project_path):
            return None
    except Exception:  # noqa: BLE001 - a project that cannot be checked simply has no live sync
        return None
    interval = float(app.settings.get("sync_interval", 30.0))
    live = LiveSync(app.project_path,
                    on_synced=lambda report: _from_thread(app, synced, app, report),
                    on_offline=lambda message: _from_thread(app, offline, app, message),
                    interval=interval)
    return live.start()


def _from_thread(app, fn, *args) -> None:
    try:
        app.call_from_thread(fn, *args)
    except Exception:  # noqa: BLE001 - the app is closing
        pass


def synced(app, report: dict) -> None:
    from qualcode.server.live import summary

    if app.ws is None:
        return
    changed = report.get("rows_set", 0) or report.get("rows_removed", 0) or report.get("refused")
    live = getattr(app, "live", None)
    if changed and live is not None:
        # the sync wrote through its own connection: the same reload as for any other process's
        # commit (tui/live.py), at once rather than at the next poll, and only once
        live.check()
    elif changed:
        codebook = bool(report.get("refused")) or any(k.split()[0] == "codes" for k in report.get("received", {}))
        app.ws.after_any_change()
        app.refresh_all(reload_overview=True, tree=codebook)
        app.view._changed()
    line = summary(report)
    if line:
        app.notify(line, severity="warning" if report.get("conflicts") or report.get("refused") else "information",
                   timeout=4)


def offline(app, message: str) -> None:
    app.notify(f"working offline: {message} — your work is kept and sent when the server is back.",
               severity="warning", timeout=6)


def stop(live) -> None:
    if live is not None:
        live.stop()
