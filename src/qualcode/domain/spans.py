"""Span arithmetic on half-open ``[start, end)`` intervals of code points."""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


def union(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping and touching spans; the result is sorted and disjoint."""
    out: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1][1] = end
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def intersection(a: Span, b: Span) -> int:
    """Length of the overlap of two spans (0 when they do not overlap)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlaps(a: Span, b: Span) -> bool:
    return intersection(a, b) > 0


def covered_length(spans: Iterable[Span]) -> int:
    return sum(e - s for s, e in union(spans))


def clamp(span: Span, length: int) -> Span:
    return (max(0, min(span[0], length)), max(0, min(span[1], length)))


def trim_whitespace(text: str, start: int, end: int) -> Span:
    """Shrink ``[start, end)`` so it neither begins nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end)
