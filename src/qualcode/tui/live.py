"""Seeing what other processes write: the CLI, a second coder's TUI on the same file over SSH.

Every half second the app asks SQLite whether anyone else committed to the project file
(``PRAGMA data_version`` on the main connection: a counter that moves only for other
connections' commits, and costs microseconds). When it moved, the open document's codings, the
counts and, if the codebook changed, the code tree are reloaded; the cursor and the selection
stay where they are.
"""

from __future__ import annotations

POLL_SECONDS = 0.5


class LiveRefresh:
    def __init__(self, app) -> None:
        self.app = app
        self.version: int | None = None
        self.codebook: tuple | None = None

    def start(self) -> None:
        ws = self.app.ws
        self.version = ws.project.data_version()
        self.codebook = _codebook_key(ws)
        self.app.set_interval(POLL_SECONDS, self.check, name="outside-changes")

    def check(self) -> bool:
        """Reload what others changed; True when something did."""
        ws = self.app.ws
        if ws is None:
            return False
        try:
            version = ws.project.data_version()
        except Exception:  # a closed connection at shutdown  # noqa: BLE001
            return False
        if version == self.version:
            return False
        self.version = version
        ws.project._changed()  # forget the cached code tree
        key = _codebook_key(ws)
        tree_changed = key != self.codebook
        self.codebook = key
        ws.reload_codings()
        ws.refresh_counts()
        self.app.refresh_all(reload_overview=True, tree=tree_changed)
        return True


def _codebook_key(ws) -> tuple:
    return tuple(sorted((c.uuid, c.name, c.parent, c.position, c.colour, c.label, c.definition) for c in ws.tree))
