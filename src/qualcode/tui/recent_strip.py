"""The strip above the transcript that says which code sits on which number key (1–9)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from qualcode.tui.margin_labels import shorten


def strip_text(recent: list[str], codes: dict, width: int) -> Text:
    """``1 ■ Extra handen  2 ■ Administratieve…`` — names shortened so that all fit in ``width``."""
    t = Text(no_wrap=True, overflow="ellipsis")
    shown = [c for c in recent[:9] if c in codes]
    if not shown:
        t.append("1–9: your recent codes (none yet: c codes a passage)", style="dim italic")
        return t
    room = max(4, (width - 1) // len(shown) - 6)  # "n ■ " and two spaces around each name
    for n, uuid in enumerate(shown, 1):
        name, colour = codes[uuid]
        t.append(f"{n}", style="bold reverse")
        t.append(" ■ ", style=colour)
        t.append(shorten(name, room))
        t.append("  ")
    return t


class RecentStrip(Static):
    DEFAULT_CSS = """
    RecentStrip { height: 1; padding: 0 1; color: $text-muted; }
    """

    def show(self, recent: list[str], codes: dict) -> None:
        self._data = (list(recent), codes)
        width = self.size.width - 2 if self.size.width else 100
        text = strip_text(recent, codes, width)
        if text.plain != getattr(self, "_plain", None):
            self._plain = text.plain
            self.update(text, layout=False)

    def on_resize(self) -> None:
        if getattr(self, "_data", None):
            self._plain = None
            self.show(*self._data)
