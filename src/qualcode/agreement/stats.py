"""Agreement coefficients on plain inputs (pure Python + numpy, no I/O).

Every coefficient returns a :class:`Stat`: ``value`` is a float, or ``None`` when the
coefficient is undefined, in which case ``reason`` says why in one sentence; ``n`` is the
number of units the value rests on (units, characters, segments...).

Sources (formulas restated in ``shared/reference/AGREEMENT.md``):

* Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educ. Psychol. Meas.* 20:37.
* Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. *Psychol. Bull.* 76:378.
* Brennan, R. L. & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses, and
  alternatives. *Educ. Psychol. Meas.* 41:687 — the κ MAXQDA reports.
* Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability (coincidence matrices,
  the four metrics nominal/ordinal/interval/ratio).

Counts-based use: every function that works on units also has a form on aggregated counts
(``cohen_kappa`` on a contingency table, ``fleiss_kappa(..., weights=)``, and
:func:`coincidences_from_patterns` + :func:`alpha_from_coincidences`), so that pooling over
documents is summing counts, never averaging coefficients.

The unitized family (uα, |uα) lives in :mod:`qualcode.agreement.unitized` and is re-exported here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Stat:
    """A coefficient: ``value`` (None when undefined), ``reason`` (why undefined), ``n`` (units)."""

    value: float | None
    reason: str | None = None
    n: float = 0

    def __post_init__(self) -> None:  # plain floats, never numpy scalars (JSON)
        if self.value is not None:
            object.__setattr__(self, "value", float(self.value))

    @property
    def defined(self) -> bool:
        return self.value is not None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "reason": self.reason, "n": _plain(self.n)}

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return "n/a" if self.value is None else f"{self.value:.4f}"


def undefined(reason: str, n: float = 0) -> Stat:
    return Stat(None, reason, n)


def _plain(x: float) -> float | int:
    """A JSON-friendly number: ints stay ints."""
    x = float(x)
    return int(x) if x.is_integer() else x


def is_missing(v: Any) -> bool:
    """``None`` and float NaN mean "this coder gave no value for this unit"."""
    if v is None:
        return True
    try:
        return isinstance(v, (float, np.floating)) and math.isnan(v)
    except TypeError:  # pragma: no cover
        return False


# --------------------------------------------------------------------------- percent agreement


def percent_agreement(reliability_data: Sequence[Sequence[Any]]) -> Stat:
    """Share of pairable units (≥ 2 values) on which all coders who gave a value agree.

    ``reliability_data`` is coders × units, missing values ``None``/NaN. For two coders this is
    the familiar (agreements) / (units both coded).
    """
    units = _units(reliability_data)
    pairable = [u for u in units if len(u) >= 2]
    if not pairable:
        return undefined("no unit was rated by at least two coders")
    agree = sum(1 for u in pairable if all(v == u[0] for v in u))
    return Stat(agree / len(pairable), None, len(pairable))


def percent_agreement_table(table: Sequence[Sequence[float]]) -> Stat:
    """Percent agreement from a square contingency table of two coders (diagonal / total)."""
    t = np.asarray(table, dtype=float)
    total = t.sum()
    if total <= 0:
        return undefined("no units")
    return Stat(float(np.trace(t) / total), None, total)


# --------------------------------------------------------------------------- Cohen's kappa


def binary_table(both: float, only_a: float, only_b: float, neither: float) -> np.ndarray:
    """2×2 contingency table (rows coder A: not/coded; columns coder B: not/coded)."""
    return np.array([[neither, only_b], [only_a, both]], dtype=float)


def cohen_kappa(a: Sequence[Any] | np.ndarray, b: Sequence[Any] | None = None) -> Stat:
    """Cohen's κ = (p_o − p_e)/(1 − p_e) (Cohen 1960).

    Either two rating vectors ``a``, ``b`` (units where either is missing are dropped; any
    hashable categories), or a square contingency table ``a`` of counts and ``b=None``.
    For one binary code per character this is NVivo's κ with
    ``p_e = p_A·p_B + (1 − p_A)(1 − p_B)``.
    """
    if b is None:
        return cohen_kappa_table(a)
    if len(a) != len(b):
        raise ValueError(f"rating vectors differ in length ({len(a)} and {len(b)})")
    pairs = [(x, y) for x, y in zip(a, b) if not is_missing(x) and not is_missing(y)]
    cats = sorted({v for p in pairs for v in p}, key=_sort_key)
    index = {c: i for i, c in enumerate(cats)}
    t = np.zeros((len(cats), len(cats)))
    for x, y in pairs:
        t[index[x], index[y]] += 1
    return cohen_kappa_table(t)


def cohen_kappa_table(table: Sequence[Sequence[float]] | np.ndarray) -> Stat:
    """Cohen's κ from a square contingency table (rows coder A, columns coder B)."""
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError("Cohen's kappa needs a square contingency table")
    n = t.sum()
    if n <= 0:
        return undefined("no units rated by both coders")
    p_o = np.trace(t) / n
    p_e = float((t.sum(axis=1) / n) @ (t.sum(axis=0) / n))
    if p_e >= 1 - 1e-12:
        return undefined("no variation: both coders gave one and the same category to every unit", n)
    return Stat(float((p_o - p_e) / (1 - p_e)), None, n)


# --------------------------------------------------------------------------- Fleiss' kappa


def fleiss_kappa(counts: Sequence[Sequence[float]] | np.ndarray, weights: Sequence[float] | None = None) -> Stat:
    """Fleiss' κ (Fleiss 1971) from a units × categories matrix of counts ``n_ij``.

    Every unit must have the same number m ≥ 2 of ratings. ``weights`` (optional) says how many
    identical units each row stands for, so a million characters with eight distinct coder
    patterns is an 8-row matrix:
    ``P_i = (Σ_j n_ij² − m)/(m(m−1))``, ``P̄ = mean P_i``, ``p_j = Σ_i n_ij/(N m)``,
    ``P̄_e = Σ_j p_j²``, ``κ = (P̄ − P̄_e)/(1 − P̄_e)``.
    """
    x = np.asarray(counts, dtype=float)
    if x.ndim != 2:
        raise ValueError("Fleiss' kappa needs a units x categories matrix")
    w = np.ones(x.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    keep = w > 0
    x, w = x[keep], w[keep]
    n_units = w.sum()
    if n_units <= 0:
        return undefined("no units")
    m_per_unit = x.sum(axis=1)
    m = m_per_unit[0]
    if not np.allclose(m_per_unit, m):
        raise ValueError("Fleiss' kappa needs the same number of ratings on every unit")
    if m < 2:
        return undefined("fewer than two ratings per unit", n_units)
    p_i = ((x**2).sum(axis=1) - m) / (m * (m - 1))
    p_bar = float(w @ p_i / n_units)
    p_j = (w @ x) / (n_units * m)
    p_e = float((p_j**2).sum())
    if p_e >= 1 - 1e-12:
        return undefined("no variation: every rating is in the same category", n_units)
    return Stat((p_bar - p_e) / (1 - p_e), None, n_units)


# --------------------------------------------------------------------------- Brennan–Prediger


def brennan_prediger(p_obs: float, q: int) -> Stat:
    """κ_n = (P_obs − 1/q)/(1 − 1/q) (Brennan & Prediger 1981), as MAXQDA reports it."""
    if q < 2:
        return undefined("Brennan-Prediger kappa needs at least two categories")
    if p_obs is None or not 0 <= p_obs <= 1:
        return undefined("observed agreement is undefined")
    return Stat((p_obs - 1 / q) / (1 - 1 / q), None, q)


# --------------------------------------------------------------------------- Krippendorff's alpha


def krippendorff_alpha(reliability_data: Sequence[Sequence[Any]], level: str = "nominal") -> Stat:
    """Krippendorff's α for coders × units data with missing values (Krippendorff 2011).

    Builds the coincidence matrix ``o_ck = Σ_u Σ_{pairs c,k from different coders} 1/(m_u − 1)``
    over pairable units (``m_u ≥ 2``) and returns
    ``α = 1 − (n − 1)·Σ o_ck δ²_ck / Σ n_c n_k δ²_ck``.
    ``level``: nominal, ordinal, interval or ratio (the latter two need numbers).
    """
    patterns: dict[tuple, float] = defaultdict(float)
    n_units = 0
    for unit in _units(reliability_data):
        if len(unit) >= 2:
            patterns[tuple(unit)] += 1
            n_units += 1
    o = coincidences_from_patterns(patterns)
    return alpha_from_coincidences(o, level, units=n_units)


def coincidences_from_patterns(patterns: Mapping[tuple, float]) -> dict[tuple[Hashable, Hashable], float]:
    """Coincidence matrix ``o_ck`` (as a dict) from unit patterns and their multiplicities.

    A pattern is the tuple of the values the coders gave one unit (``None``/NaN = missing);
    its count is how many units show it. Units with fewer than two values are not pairable
    and contribute nothing. Summing patterns over documents and then calling this function
    is the pooled coincidence matrix.
    """
    o: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for pattern, count in patterns.items():
        if not count:
            continue
        values = [v for v in pattern if not is_missing(v)]
        m = len(values)
        if m < 2:
            continue
        tally: dict[Hashable, int] = defaultdict(int)
        for v in values:
            tally[v] += 1
        for c, nc in tally.items():
            for k, nk in tally.items():
                pairs = nc * (nk - 1) if c == k else nc * nk
                if pairs:
                    o[(c, k)] += count * pairs / (m - 1)
    return dict(o)


def alpha_from_coincidences(
    o: Mapping[tuple[Hashable, Hashable], float], level: str = "nominal", units: float | None = None
) -> Stat:
    """Krippendorff's α from a coincidence matrix given as ``{(c, k): o_ck}``."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    values = sorted({c for c, _ in o} | {k for _, k in o}, key=_sort_key)
    index = {v: i for i, v in enumerate(values)}
    mat = np.zeros((len(values), len(values)))
    for (c, k), x in o.items():
        mat[index[c], index[k]] += x
    n_c = mat.sum(axis=1)
    n = n_c.sum()
    n_units = n if units is None else units
    if n <= 1:
        return undefined("no unit was rated by at least two coders", n_units)
    d2 = _delta2(values, n_c, level)
    d_obs = float((mat * d2).sum())
    d_exp = float((np.outer(n_c, n_c) * d2).sum())
    if d_exp <= 0:
        return undefined("no variation: every pairable value is the same", n_units)
    return Stat(1 - (n - 1) * d_obs / d_exp, None, n_units)


def _delta2(values: list, n_c: np.ndarray, level: str) -> np.ndarray:
    """Squared difference functions δ²_ck of Krippendorff (2011)."""
    size = len(values)
    if level == "nominal":
        return 1.0 - np.eye(size)
    if level == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(n_c)])
        d = np.zeros((size, size))
        for c in range(size):
            for k in range(c + 1, size):
                s = cum[k + 1] - cum[c] - (n_c[c] + n_c[k]) / 2
                d[c, k] = d[k, c] = s * s
        return d
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{level} alpha needs numeric values") from None
    if level == "interval":
        return (v[:, None] - v[None, :]) ** 2
    total = v[:, None] + v[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        d = ((v[:, None] - v[None, :]) / total) ** 2
    return np.nan_to_num(d, nan=0.0)  # c = k = 0: no difference


# --------------------------------------------------------------------------- helpers


def _units(reliability_data: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Transpose coders × units into one list of non-missing values per unit."""
    rows = [list(r) for r in reliability_data]
    if not rows:
        return []
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise ValueError("every coder needs a value (or None) for every unit")
    return [[r[u] for r in rows if not is_missing(r[u])] for u in range(width)]


def _sort_key(v: Any) -> tuple:
    """Sort numbers numerically, everything else by its string form, numbers first."""
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return (0, float(v), "")
    return (1, 0.0, str(v))


def sum_counts(counters: Iterable[Mapping[Hashable, float]]) -> dict[Hashable, float]:
    """Add count dictionaries key by key (the pooling operation)."""
    out: dict[Hashable, float] = defaultdict(float)
    for c in counters:
        for k, v in c.items():
            out[k] += v
    return dict(out)


_UNITIZED = ("UnitizedStats", "tabulate", "unitized_alpha", "unitized_alpha_pooled", "unitized_stats")


def __getattr__(name: str) -> Any:
    """Re-export the unitized family lazily (``unitized`` imports this module)."""
    if name in _UNITIZED:
        from qualcode.agreement import unitized

        return getattr(unitized, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "LEVELS",
    "Stat",
    "UnitizedStats",
    "alpha_from_coincidences",
    "binary_table",
    "brennan_prediger",
    "coincidences_from_patterns",
    "cohen_kappa",
    "cohen_kappa_table",
    "fleiss_kappa",
    "is_missing",
    "krippendorff_alpha",
    "percent_agreement",
    "percent_agreement_table",
    "sum_counts",
    "tabulate",
    "undefined",
    "unitized_alpha",
    "unitized_alpha_pooled",
    "unitized_stats",
]
