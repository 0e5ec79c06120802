"""Finding passages in a canonical text: by quote, with tolerant white space and quotes."""

from __future__ import annotations

import re

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})


def _pattern(quote: str) -> str:
    words = quote.translate(_QUOTES).split()
    parts = []
    for word in words:
        esc = re.escape(word)
        esc = esc.replace("'", "['‘’]").replace('"', '["“”„]').replace(r"\-", "[-–—]")
        parts.append(esc)
    return r"\s+".join(parts)


def find_quote(text: str, quote: str) -> list[tuple[int, int]]:
    """Every place where ``quote`` occurs in ``text``, ignoring differences in white space,
    typographic quotes and dashes, and case (as a fallback when no exact-case match exists)."""
    if not quote.strip():
        return []
    pattern = _pattern(quote)
    hits = [m.span() for m in re.finditer(pattern, text)]
    if not hits:
        hits = [m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE)]
    return hits


def resolve_span(text: str, turns: list, start: int | None = None, end: int | None = None,
                 turn: int | None = None, quote: str | None = None, occurrence: int | None = None,
                 doc_name: str = "the document") -> tuple[int, int]:
    """The span a user means: explicit offsets, a turn number (1-based, as shown), or a quote.

    Raises ValueError with a sentence a user understands.
    """
    modes = (start is not None or end is not None, turn is not None, quote is not None)
    if sum(modes) != 1:
        raise ValueError("give exactly one of --start/--end, --turn or --quote.")
    if quote is not None:
        hits = find_quote(text, quote)
        if not hits:
            raise ValueError(f"the quote was not found in {doc_name}.")
        if occurrence is not None:
            if not 1 <= occurrence <= len(hits):
                raise ValueError(f"the quote occurs {len(hits)} time(s) in {doc_name}; --occurrence {occurrence} is out of range.")
            return hits[occurrence - 1]
        if len(hits) > 1:
            raise ValueError(f"the quote occurs {len(hits)} times in {doc_name}; add --occurrence N or quote more text.")
        return hits[0]
    if turn is not None:
        if not 1 <= turn <= len(turns):
            raise ValueError(f"{doc_name} has turns 1 to {len(turns)}; there is no turn {turn}.")
        t = turns[turn - 1]
        return (t.start, t.end)
    if start is None or end is None:
        raise ValueError("give both --start and --end.")
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"the span {start}-{end} is outside {doc_name} (it has {len(text)} characters; start must be below end).")
    return (start, end)
