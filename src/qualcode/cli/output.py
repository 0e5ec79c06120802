"""Printing for the CLI: tables and messages for people, plain JSON for programs.

Start-up is part of every command's time, and importing rich costs more than most commands do.
So messages (with rich-style markup such as ``[bold]…[/]``) and simple tables are drawn here
without rich; rich is imported only for what needs it (trees, progress bars, wide reports), on
first use, through the same ``console`` objects.
"""

from __future__ import annotations

import json
import os
import re
import sys
import textwrap

_TAG = re.compile(r"(\\*)\[([a-z#/@][^\[\]]*?)\]")
_STYLES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "red": "31", "green": "32",
           "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36", "white": "37", "grey50": "90"}


def escape(text: str) -> str:
    """Make user text safe inside markup: a ``[`` that would open a tag is written ``\\[``."""
    return _TAG.sub(lambda m: f"{m.group(1)}{m.group(1)}\\[{m.group(2)}]", str(text))


def render_markup(text: str, ansi: bool) -> str:
    """``[bold red]x[/]`` → ANSI (or plain text when not on a terminal); ``\\[`` stays a bracket;
    a tag that is not a style is kept as text."""
    out, stack, pos = [], [], 0
    for m in _TAG.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        slashes, tag = m.group(1), m.group(2)
        if len(slashes) % 2:  # escaped: a literal bracket
            out.append(slashes[: len(slashes) // 2] + "[" + tag + "]")
            continue
        out.append(slashes[: len(slashes) // 2])
        if tag.startswith("/"):
            if stack:
                stack.pop()
            if ansi:
                out.append("\x1b[0m" + "".join(f"\x1b[{c}m" for s in stack for c in s))
            continue
        codes = [_STYLES.get(w) for w in tag.split()]
        if not all(codes):
            out.append("[" + tag + "]")
            continue
        stack.append(codes)
        if ansi:
            out.append("".join(f"\x1b[{c}m" for c in codes))
    out.append(text[pos:])
    if ansi and stack:
        out.append("\x1b[0m")
    return "".join(out)


class LightConsole:
    """``print`` of strings with markup, without rich; anything else is handed to a rich Console."""

    def __init__(self, stderr: bool = False):
        self.stderr = stderr
        self._rich = None

    @property
    def file(self):
        return sys.stderr if self.stderr else sys.stdout

    @property
    def rich(self):
        if self._rich is None:
            from rich.console import Console

            self._rich = Console(stderr=self.stderr)
        return self._rich

    def ansi(self) -> bool:
        if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
            return False
        return bool(os.environ.get("FORCE_COLOR")) or self.file.isatty()

    @property
    def width(self) -> int:
        try:
            return int(os.environ.get("COLUMNS") or os.get_terminal_size(self.file.fileno()).columns)
        except (OSError, ValueError, AttributeError):
            return 100

    def print(self, *objects, markup: bool = True, highlight=None, soft_wrap=None, end: str = "\n", style=None,
              **kw) -> None:
        if kw or style is not None or not all(isinstance(o, str) for o in objects):
            self.rich.print(*objects, markup=markup, highlight=highlight, soft_wrap=soft_wrap, end=end, style=style, **kw)
            return
        text = " ".join(objects)
        self.file.write((render_markup(text, self.ansi()) if markup else text) + end)
        self.file.flush()

    def __getattr__(self, name):  # status(), rule(), … come from rich
        return getattr(self.rich, name)


console = LightConsole()
err_console = LightConsole(stderr=True)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: list[str], rows: list[list], justify: dict | None = None) -> None:
    """A table fitted to the terminal: the first column never truncated, long cells wrapped at
    word boundaries. Cells are user content, printed literally."""
    justify = justify or {}
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    n = len(columns)
    natural = [max([len(columns[i])] + [max((len(x) for x in r[i].split("\n")), default=0) for r in cells])
               for i in range(n)]
    budget = max(20, console.width - (3 * n + 1))
    widths = list(natural)
    while sum(widths) > budget:
        i = max(range(n), key=lambda k: widths[k])
        if widths[i] <= max(6, len(columns[i])):
            break
        widths[i] -= 1
    bold = console.ansi()

    def line(left, mid, right, fill="─"):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def cell_lines(text, w):
        out = []
        for part in text.split("\n"):
            out += textwrap.wrap(part, w, break_long_words=True, break_on_hyphens=False) or [""]
        return out

    def render(row, strong=False):
        wrapped = [cell_lines(c, widths[i]) for i, c in enumerate(row)]
        height = max(len(w) for w in wrapped)
        out = []
        for k in range(height):
            parts = []
            for i, w in enumerate(wrapped):
                text = w[k] if k < len(w) else ""
                text = text.rjust(widths[i]) if justify.get(columns[i]) == "right" else text.ljust(widths[i])
                parts.append(f"\x1b[1m{text}\x1b[0m" if strong and bold else text)
            out.append("│ " + " │ ".join(parts) + " │")
        return out

    lines = []
    if title:
        lines.append(title.center(sum(widths) + 3 * n + 1).rstrip())
    lines.append(line("┏", "┳", "┓", "━"))
    lines += [x.replace("│", "┃") for x in render(columns, strong=True)]
    lines.append(line("┡", "╇", "┩", "━"))
    for r in cells:
        lines += render(r)
    lines.append(line("└", "┴", "┘"))
    console.file.write("\n".join(lines) + "\n")


def write_or_print(text: str, output: str | None) -> None:
    """Write text to a file atomically (temp file + rename), or to standard output."""
    if not output or output == "-":
        sys.stdout.write(text)
        return
    from pathlib import Path

    from qualcode.store.files import atomic_output

    path = Path(output)
    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    err_console.print(f"wrote {path}")


def ms(timestamp_ms: int | None) -> str:
    if timestamp_ms is None:
        return ""
    s = timestamp_ms // 1000
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
