"""The command palette (ctrl+p): every workspace action by name, fuzzy-matched."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from qualcode.tui.bindings import SPECS
from qualcode.tui.screens.help import keys_text


class WorkspaceCommands(Provider):
    def _commands(self):
        app = self.app
        keymap = app._keymap_for_help() if hasattr(app, "_keymap_for_help") else {}
        recent = app.ws.recent if getattr(app, "ws", None) else []
        for spec in SPECS:
            title = spec.description
            if spec.id.startswith("code-recent-"):
                n = int(spec.id.rsplit("-", 1)[1])
                if n > len(recent):
                    continue
                title = f"Apply recent code {n}: {app.ws.tree.path(recent[n - 1])}"
            if spec.scope == "app":
                target = app
            elif spec.scope == "transcript":
                target = app.query_one("TranscriptView")
            else:
                target = app.query_one("CodebookTree")
            yield title, f"{keys_text(keymap.get(spec.id, spec.keys))} · {spec.id}", partial(target.run_action, spec.action)

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
