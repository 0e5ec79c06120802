"""Printing for the CLI: rich tables for people, plain JSON for programs."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.markup import escape  # noqa: F401 - re-exported for the command modules
from rich.table import Table
from rich.text import Text

console = Console()
err_console = Console(stderr=True)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def table(title: str | None, columns: list[str], rows: list[list], justify: dict | None = None) -> None:
    t = Table(title=title, show_lines=False, header_style="bold")
    for i, col in enumerate(columns):
        just = (justify or {}).get(col, "left")
        t.add_column(col, justify=just, overflow="fold" if i == 0 else "ellipsis")
    for row in rows:
        # cells are user content: never parse them as markup ("[lacht]" is text, not a style)
        t.add_row(*[Text("" if v is None else str(v)) for v in row])
    console.print(t)


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
