"""Counted nouns in the workspace's messages: "1 word", "2 words", "1 passage"."""

from __future__ import annotations

IRREGULAR = {"match": "matches", "memo": "memos"}


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 (``many`` for an irregular plural)."""
    if n == 1:
        return f"1 {noun}"
    return f"{n} {many or IRREGULAR.get(noun) or noun + 's'}"
