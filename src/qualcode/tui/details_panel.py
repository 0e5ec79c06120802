"""The details panel: the codings under the cursor, with coder, span and memo."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcode.tui.transcript_render import fmt_time


class DetailsPanel(Static):
    DEFAULT_CSS = """
    DetailsPanel { height: 9; padding: 0 1; overflow: hidden; }
    """

    def show(self, codings: list, tree, codes: dict, block=None, where: str = "cursor",
             me: str | None = None, page: str = "") -> None:
        key = (tuple(c for c in codings), getattr(block, "index", None), where, me, page)
        if key == getattr(self, "_shown", None):
            return
        self._shown = key
        text = Text()
        if block is not None and block.speaker:
            text.append(block.speaker, style="bold")
            if block.turn is not None:
                text.append(f"  turn {block.turn + 1}", style="dim")
            if block.timestamp_ms is not None:
                text.append(f"  {fmt_time(block.timestamp_ms)}", style="dim")
            text.append("\n")
        if page:  # a PDF: the page the passage is on, for citing it
            text.append(page, style="dim")
            text.append("\n")
        if not codings:
            text.append(f"no codings at the {where}", style="dim italic")
            self.update(text, layout=False)
            return
        for c in codings[:8]:
            name, colour = codes.get(c.code, ("?", "#7f7f7f"))
            text.append("■ ", style=colour)
            text.append(name, style="bold")
            parent = tree.path(c.code).rsplit("/", 1)[0] if c.code in tree and "/" in tree.path(c.code) else ""
            if parent:
                text.append(f"  ‹ {parent}", style="dim")
            text.append(f"\n  {c.coder}{' (me)' if c.coder == me else ''} · {c.end - c.start} chars", style="dim")
            if c.origin != "human":
                text.append(f" · {c.origin}", style="dim")
            text.append("\n")
            if c.memo:
                memo = c.memo if len(c.memo) < 160 else c.memo[:157] + "…"
                text.append(f"  ✎ {memo}\n", style="italic")
        if len(codings) > 8:
            text.append(f"… and {len(codings) - 8} more\n", style="dim")
        text.rstrip()
        self.update(text, layout=False)
