"""Krippendorff's unitized α family (uα, |uα) and the counting engine behind all per-character stats.

Source: Krippendorff, Mathet, Bouvry & Widlöcher (2016), "On the reliability of unitizing
textual continua: further developments", *Quality & Quantity* 50:2347; Krippendorff (2019),
*Content Analysis* 4th ed., §12.6. Restated in ``shared/reference/AGREEMENT.md``::

    l_ck = 1/(m−1) · Σ_i Σ_{j≠i} Σ_{s∈S_i} Σ_{t∈S_j} |s ∩ t| [v(s)=c][v(t)=k]
    W_c  = Σ over all coders' sections of value c of ℓ(s)² (a code) or ℓ(s) (φ, not coded)
    e_ck = l·· (l_c· l_·k − [c=k] W_c) / (l··² − W)
    uα   = 1 − Σ_{c≠k} l_ck / Σ_{c≠k} e_ck

Because every coder's sections partition the continuum, ``Σ_{s,t} |s ∩ t|[..]`` is the number of
characters on which coder i has value c and coder j value k, so ``l_ck`` is exactly the
per-character coincidence matrix of Krippendorff's α. The sufficient statistics of a
continuum are therefore (a) the *patterns*: for each combination of coder values, the number
of characters showing it, and (b) ``W_c``. Both add over documents (pooling = summing), and
the patterns also give percent agreement, Cohen's κ, Fleiss' κ and α per character.

Conventions: φ is :data:`PHI`; a coder absent from a continuum is ``None`` (missing, not φ);
one coder's overlapping sections of the same value form one section, while merely touching
sections stay two units (they change W, never the observed disagreement); where one
coder gave two *different* values to the same characters, the value there is the frozenset of
those values (a distinct category, so it counts as disagreement with either single value).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from qualcode.agreement.stats import Stat, coincidences_from_patterns, is_missing, sum_counts, undefined


class _Phi:
    """The value "not coded" (φ). A singleton that prints as φ."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "φ"

    __str__ = __repr__

    def __reduce__(self):  # pragma: no cover - pickling keeps the singleton
        return (_Phi, ())


PHI = _Phi()
CODED = "coded"  # the single value of binary (|uα) data


@dataclass
class UnitizedStats:
    """Sufficient statistics of one or more pooled continua.

    ``patterns``: ``{(value of coder 1, value of coder 2, ...): characters}`` with ``None`` for a
    missing coder and :data:`PHI` for "not coded"; ``w``: ``{value: W_value}``. From them
    come ``l`` (the coincidences ``l_ck``, whose row sums are ``l_c·``) and ``total`` (``l··``).
    Add two with ``+`` (or ``sum([...])``) to pool them: that sums l, l_c·, l·· and W.
    """

    patterns: dict[tuple, float] = field(default_factory=dict)
    w: dict[Hashable, float] = field(default_factory=dict)

    def __add__(self, other: UnitizedStats) -> UnitizedStats:
        if not isinstance(other, UnitizedStats):
            return NotImplemented
        return UnitizedStats(sum_counts([self.patterns, other.patterns]), sum_counts([self.w, other.w]))

    def __radd__(self, other):
        return self if other == 0 else self.__add__(other)

    @property
    def l(self) -> dict[tuple[Hashable, Hashable], float]:  # noqa: E743 - the paper's name
        """Observed coincidences ``l_ck``."""
        return coincidences_from_patterns(self.patterns)

    @property
    def total(self) -> float:
        """``l·· = Σ m·L`` over the pooled continua (pairable values)."""
        return sum(self.l.values())

    @property
    def characters(self) -> float:
        """Characters (units) coded by at least two coders' partitions."""
        return sum(c for p, c in self.patterns.items() if sum(not is_missing(v) for v in p) >= 2)

    def alpha(self) -> Stat:
        """uα of these statistics (|uα if they were tabulated with ``binary=True``)."""
        return _alpha(self.l, sum(self.w.values()), self.characters)


def _alpha(l: Mapping[tuple, float], w_total: float, characters: float) -> Stat:
    n_c: dict[Hashable, float] = defaultdict(float)
    for (c, _), x in l.items():
        n_c[c] += x
    total = sum(n_c.values())  # l··
    if total <= 0:
        return undefined("no text was seen by at least two coders", characters)
    observed = sum(x for (c, k), x in l.items() if c != k)
    off_products = total * total - sum(x * x for x in n_c.values())  # Σ_{c≠k} l_c· l_·k
    denominator = total * total - w_total
    if off_products <= 1e-9 or denominator <= 0:
        return undefined("no variation: every coder gave the whole text one and the same value", characters)
    expected = total * off_products / denominator
    return Stat(1 - observed / expected, None, characters)


# --------------------------------------------------------------------------- public, plain inputs

Sections = Iterable[tuple[int, int, Hashable]]


def unitized_stats(
    codings: Mapping[str, Sections | None] | Sequence[Sections | None], length: int, *, binary: bool = False
) -> UnitizedStats:
    """Sufficient statistics of one continuum ``[0, length)``.

    ``codings``: per coder (mapping or sequence), the sections ``(start, end, value)``
    (half-open, code-point offsets) — uncovered characters are φ; ``None`` marks a coder who is
    missing on this continuum. A section value of ``None`` is φ. ``binary=True`` gives every
    section the one value "coded" (for |uα); sections keep their extent, so touching sections
    stay separate units and overlapping ones unite.
    """
    rows = list(codings.values()) if isinstance(codings, Mapping) else list(codings)
    labels: list[Hashable] = [PHI]
    index: dict[Hashable, int] = {}
    arrays: list[tuple[np.ndarray, np.ndarray, np.ndarray] | None] = []
    for row in rows:
        if row is None:
            arrays.append(None)
            continue
        s, e, v = [], [], []
        for start, end, value in row:
            if value is None or value is PHI:
                continue
            value = CODED if binary else value
            if value not in index:
                index[value] = len(labels)
                labels.append(value)
            s.append(start)
            e.append(end)
            v.append(index[value])
        arrays.append((np.asarray(s, dtype=np.int64), np.asarray(e, dtype=np.int64), np.asarray(v, dtype=np.int64)))
    return tabulate(arrays, length, labels)


def unitized_alpha(
    codings: Mapping[str, Sections | None] | Sequence[Sections | None], length: int, *, binary: bool = False
) -> Stat:
    """uα (or |uα with ``binary=True``) of one continuum; see :func:`unitized_stats`."""
    return unitized_stats(codings, length, binary=binary).alpha()


def unitized_alpha_pooled(stats: Iterable[UnitizedStats]) -> Stat:
    """uα over several continua (documents, codes), pooled by summing l, l_c· and W."""
    return sum(stats, UnitizedStats()).alpha()


# --------------------------------------------------------------------------- the engine


def tabulate(
    coders: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray] | None], length: int, labels: Sequence[Hashable]
) -> UnitizedStats:
    """Patterns and W of one continuum, with numpy interval arithmetic (no loop over characters).

    ``coders[i]`` is ``(starts, ends, value_ids)`` for coder i, or ``None`` if missing; value id
    ``j ≥ 1`` means ``labels[j]``, ``labels[0]`` is φ. A continuum seen by fewer than two coders
    yields empty statistics (nothing is pairable).
    """
    batched = [None if c is None else (np.zeros(len(c[0]), dtype=np.int64), *c) for c in coders]
    return tabulate_many(batched, [length], labels)[0]


def tabulate_many(
    coders: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None],
    lengths: Sequence[int],
    labels: Sequence[Hashable],
) -> list[UnitizedStats]:
    """:func:`tabulate` for several continua at once (e.g. every code of one document).

    ``coders[i]`` is ``(continuum, starts, ends, value_ids)``: section k lies on continuum
    ``continuum[k]`` of length ``lengths[continuum[k]]``. The continua are laid end to end and
    counted in one vectorised pass; the result has one :class:`UnitizedStats` per continuum.
    The same coders are present (or missing) on every continuum of one call.
    """
    n_cont = len(lengths)
    present = [i for i, c in enumerate(coders) if c is not None]
    offsets = np.concatenate([[0], np.cumsum(np.asarray(lengths, dtype=np.int64))])
    total = int(offsets[-1])
    if len(present) < 2 or total <= 0:
        return [UnitizedStats() for _ in range(n_cont)]
    labels = list(labels)
    merged = []
    for i in present:
        cont, s, e, v = (np.asarray(x, dtype=np.int64) for x in coders[i])
        size = offsets[cont + 1] - offsets[cont]
        s = np.minimum(np.maximum(s, 0), size) + offsets[cont]
        e = np.minimum(np.maximum(e, 0), size) + offsets[cont]
        merged.append(_merge(s, e, v, total))
    bounds = np.unique(np.concatenate([offsets] + [np.concatenate([s, e]) for s, e, _ in merged]))
    seg_len = np.diff(bounds)
    nseg = len(seg_len)
    seg_cont = np.searchsorted(offsets, bounds[:-1], side="right") - 1
    cont_marks = np.searchsorted(bounds, offsets)
    combos: dict[frozenset, int] = {}
    ids = np.empty((len(present), nseg), dtype=np.int64)
    marks = []
    for row, (s, e, v) in enumerate(merged):
        i0 = np.searchsorted(bounds, s)
        i1 = np.searchsorted(bounds, e)
        count = np.cumsum(np.bincount(i0, minlength=nseg + 1) - np.bincount(i1, minlength=nseg + 1))[:-1]
        value = np.bincount(i0, weights=v, minlength=nseg + 1) - np.bincount(i1, weights=v, minlength=nseg + 1)
        ids[row] = np.rint(np.cumsum(value)[:-1]).astype(np.int64)
        mark = np.zeros(nseg + 1, dtype=bool)  # where this coder's own sections (or a continuum) begin/end
        mark[cont_marks] = mark[i0] = mark[i1] = True
        marks.append(np.flatnonzero(mark[:-1]))
        for j in np.flatnonzero(count > 1).tolist():  # one coder, different values, same characters
            combo = frozenset(labels[x] for x in v[(i0 <= j) & (i1 > j)].tolist())
            if combo not in combos:
                combos[combo] = len(labels)
                labels.append(combo)
            ids[row, j] = combos[combo]

    base = len(labels)
    if float(base) ** len(present) * n_cont < 2**62:
        keys = seg_cont.copy()
        for row in range(len(present)):
            keys = keys * base + ids[row]
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    else:  # pragma: no cover - very many values and coders
        stacked = np.vstack([seg_cont, ids])
        _, first, inverse = np.unique(stacked, axis=1, return_index=True, return_inverse=True)
    weights = np.bincount(inverse.ravel(), weights=seg_len).tolist()
    columns = ids[:, first].T.tolist()
    out = [UnitizedStats() for _ in range(n_cont)]
    template: list = [None] * len(coders)
    for k, column, chars in zip(seg_cont[first].tolist(), columns, weights):
        if chars:
            full = template.copy()
            for i, x in zip(present, column):
                full[i] = labels[x]
            out[k].patterns[tuple(full)] = chars

    w = np.zeros(n_cont * base)
    for row, starts in enumerate(marks):
        # the coder's own sections: pieces between its own boundaries (touching sections stay apart)
        run_len = np.add.reduceat(seg_len, starts).astype(float)
        run_key = seg_cont[starts] * base + ids[row, starts]
        w += np.bincount(run_key, weights=np.where(ids[row, starts] == 0, run_len, run_len * run_len), minlength=w.size)
    for (k, j) in zip(*np.nonzero(w.reshape(n_cont, base))):
        out[k].w[labels[j]] = float(w[k * base + j])
    return out


def _merge(s: np.ndarray, e: np.ndarray, v: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop empty sections, unite *overlapping* sections of one value (all within ``[0, length)``).

    Touching sections (one ends where the next begins) stay separate units: Krippendorff's W
    counts each marked section, and that is what reproduces the published 0.509982 (§12.6).
    """
    keep = e > s
    s, e, v = s[keep], e[keep], v[keep]
    if len(s) <= 1:
        return s, e, v
    order = np.lexsort((s, v))
    s, e, v = s[order], e[order], v[order]
    big = length + 1
    reach = np.maximum.accumulate(e + v * big) - v * big  # running max end within one value
    new = np.concatenate([[True], (v[1:] != v[:-1]) | (s[1:] >= reach[:-1])])
    starts = np.flatnonzero(new)
    return s[starts], np.maximum.reduceat(e, starts), v[starts]
