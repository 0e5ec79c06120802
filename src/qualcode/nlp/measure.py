"""Figures of what a coder is shown (``qualcode suggest --evaluate``), at code and theme level.

For every unit (a respondent turn, or a coded span) there is a *shown* list — the codes the display
rule (:mod:`qualcode.nlp.display`) puts in front of the coder, best first — and a *gold* set (the codes
human coders put on the span, or on any part of the turn). Over the units that carry a code:

- ``hit_at_1``: the first shown code is in the gold set; ``hit_at_3``: one of the first three is;
- ``mrr``: mean of 1 / the rank of the first right code among those shown (0 when none is);
- ``precision``: right codes among all codes shown; ``recall``: gold codes that were shown;

and over every substantive unit (back-channel turns left out, coded or not): ``empty``, the share
left with nothing shown, and ``shown``, the mean number of codes shown.
At theme level every code is replaced by its top-level theme (duplicates dropped, order kept).
"""

from __future__ import annotations

from collections import Counter

KEYS = ("units", "hit_at_1", "hit_at_3", "mrr", "precision", "recall", "empty", "shown")


def _r(x: float) -> float:
    return round(x, 4)


def distinct(codes) -> list:
    seen, out = set(), []
    for c in codes:
        if c not in seen:
            seen.add(c)
            out.append(c)
    return out


def shown_metrics(shown: list[list[str]], golds: list[set[str]], substantive: list[bool] | None = None) -> dict:
    """The figures above for parallel lists of shown codes and gold sets."""
    substantive = [True] * len(shown) if substantive is None else substantive
    coded = [(s, g) for s, g, ok in zip(shown, golds, substantive) if g and ok]
    n = len(coded)
    sub = [s for s, ok in zip(shown, substantive) if ok]
    out = {"units": n, "hit_at_1": 0.0, "hit_at_3": 0.0, "mrr": 0.0, "precision": 0.0, "recall": 0.0,
           "empty": _r(sum(1 for s in sub if not s) / len(sub)) if sub else 0.0,
           "shown": _r(sum(len(s) for s in sub) / len(sub)) if sub else 0.0}
    if not n:
        return out
    h1 = sum(1 for s, g in coded if s and s[0] in g)
    h3 = sum(1 for s, g in coded if set(s[:3]) & g)
    rr = sum(next((1 / (i + 1) for i, c in enumerate(s) if c in g), 0.0) for s, g in coded)
    right = sum(len(set(s) & g) for s, g in coded)
    n_shown = sum(len(s) for s, _ in coded)
    n_gold = sum(len(g) for _, g in coded)
    out.update(hit_at_1=_r(h1 / n), hit_at_3=_r(h3 / n), mrr=_r(rr / n),
               precision=_r(right / n_shown) if n_shown else 0.0, recall=_r(right / n_gold))
    return out


def per_code(shown: list[list[str]], golds: list[set[str]], substantive: list[bool] | None = None) -> dict:
    """Per code: ``units`` carrying it, ``shown`` (times it was shown), ``precision``, ``recall``."""
    substantive = [True] * len(shown) if substantive is None else substantive
    carried, found, times, right = Counter(), Counter(), Counter(), Counter()
    for s, g, ok in zip(shown, golds, substantive):
        if not ok:
            continue
        for c in g:
            carried[c] += 1
            found[c] += c in s
        if g:
            for c in s:
                times[c] += 1
                right[c] += c in g
    return {c: {"units": carried[c], "shown": times[c],
                "precision": _r(right[c] / times[c]) if times[c] else None,
                "recall": _r(found[c] / carried[c]) if carried[c] else None}
            for c in set(carried) | set(times)}


def to_themes(codes, theme_of: dict) -> list:
    return distinct(theme_of.get(c, c) for c in codes)


def majority(train_golds: list[set[str]], k: int = 3) -> list[str]:
    """The constant baseline: the ``k`` codes that carry most training units (ties by code id)."""
    counts = Counter(c for g in train_golds for c in g)
    return [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]
