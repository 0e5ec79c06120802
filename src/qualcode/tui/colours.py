"""Code colours that stay readable on light and dark themes."""

from __future__ import annotations

import zlib

from rich.style import Style
from textual.color import Color

# Tableau-10-like: distinct, and none too light or too dark to tint a background with.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")


def code_colour(tree, uuid: str) -> str:
    """A code's own colour, else its nearest ancestor's, else one from the palette."""
    code = tree.by_uuid.get(uuid)
    while code is not None:
        if code.colour:
            try:
                Color.parse(code.colour)
                return code.colour
            except Exception:  # noqa: BLE001 - a bad colour in a codebook must not break the view
                pass
        code = tree.by_uuid.get(code.parent) if code.parent else None
    return PALETTE[zlib.crc32(uuid.encode()) % len(PALETTE)]


class Palette:
    """Rich styles for the transcript, derived from the theme's background and foreground."""

    def __init__(self, background: Color, foreground: Color, primary: Color, accent: Color):
        self.dark = background.brightness < 0.5
        self.bg, self.fg = background, foreground
        self.base = Style(color=foreground.rich_color, bgcolor=background.rich_color)
        self.dim = Style(color=foreground.blend(background, 0.45).rich_color, bgcolor=background.rich_color)
        speaker = accent if self.dark else accent.blend(Color(0, 0, 0), 0.45)  # keep contrast on light
        self.speaker = self.base + Style(bold=True, color=speaker.rich_color)
        self.interviewer = self.dim + Style(bold=True)
        self.selection = Style(color=foreground.rich_color, bgcolor=background.blend(primary, 0.55).rich_color)
        self.cursor = Style(reverse=True)
        self.gutter = Style(color=primary.rich_color, bgcolor=background.rich_color)
        self._tint: dict[str, Style] = {}
        self._chip: dict[str, Style] = {}

    def tint(self, colour: str) -> Style:
        """Background for text covered by a code of this colour."""
        style = self._tint.get(colour)
        if style is None:
            factor = 0.38 if self.dark else 0.30
            bg = self.bg.blend(Color.parse(colour), factor)
            fg = self.fg if abs(bg.brightness - self.fg.brightness) > 0.35 else (
                Color(255, 255, 255) if bg.brightness < 0.5 else Color(0, 0, 0))
            style = self._tint[colour] = Style(color=fg.rich_color, bgcolor=bg.rich_color)
        return style

    def chip(self, colour: str) -> Style:
        """Foreground in the code's colour (for margin stripes and swatches)."""
        style = self._chip.get(colour)
        if style is None:
            c = Color.parse(colour)
            # keep contrast: lighten on dark themes, darken on light ones
            if self.dark and c.brightness < 0.35:
                c = c.blend(Color(255, 255, 255), 0.35)
            elif not self.dark and c.brightness > 0.7:
                c = c.blend(Color(0, 0, 0), 0.35)
            style = self._chip[colour] = Style(color=c.rich_color, bgcolor=self.bg.rich_color)
        return style
