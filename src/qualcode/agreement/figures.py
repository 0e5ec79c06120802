"""Turn pooled character counts into the figures of the agreement report.

Everything here reads the *patterns* of :class:`~qualcode.agreement.unitized.UnitizedStats`:
``{(value of coder 1, value of coder 2, ...): characters}``, ``None`` for a coder missing on
the document, :data:`~qualcode.agreement.unitized.PHI` for "not coded". Pooled patterns are sums
of per-document patterns, so every figure is computed from summed counts (AGREEMENT.md,
"Lessons"), never by averaging per-document coefficients.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qualcode.agreement.stats import (
    Stat,
    alpha_from_coincidences,
    cohen_kappa_table,
    undefined,
)
from qualcode.agreement.stats import (
    fleiss_kappa as _fleiss_kappa,
)
from qualcode.agreement.unitized import PHI, UnitizedStats


def pairable(stats: UnitizedStats):
    """Yield ``(values of the coders present, characters)`` for characters seen by ≥ 2 coders."""
    for pattern, count in stats.patterns.items():
        values = [v for v in pattern if v is not None]
        if len(values) >= 2 and count:
            yield values, count


def characters(stats: UnitizedStats) -> int:
    return int(sum(count for _, count in pairable(stats)))


def percent_agreement(stats: UnitizedStats) -> Stat:
    """Share of characters on which every coder present gave the same value (all coded / none)."""
    total = agree = 0.0
    for values, count in pairable(stats):
        total += count
        if all(v == values[0] for v in values):
            agree += count
    if total <= 0:
        return undefined("no document was coded by at least two of the chosen coders")
    return Stat(agree / total, None, int(total))


def jaccard(stats: UnitizedStats) -> Stat:
    """Characters coded by every coder present / characters coded by any coder present."""
    union = both = 0.0
    for values, count in pairable(stats):
        coded = [v != PHI for v in values]
        if any(coded):
            union += count
            if all(coded):
                both += count
    if union <= 0:
        return undefined("no coder applied the code in the documents compared")
    return Stat(both / union, None, int(union))


def cohen_kappa(stats: UnitizedStats, coders: Sequence[str]) -> Stat:
    """Cohen's κ on the per-character binary vectors (NVivo); exactly two coders."""
    if len(coders) != 2:
        return undefined(
            f"Cohen's kappa compares exactly two coders and {len(coders)} were chosen "
            "(see Fleiss' kappa or Krippendorff's alpha)"
        )
    table = np.zeros((2, 2))
    for pattern, count in stats.patterns.items():
        a, b = pattern
        if a is not None and b is not None:
            table[int(a != PHI), int(b != PHI)] += count
    if table.sum() <= 0:
        return undefined("no document was coded by both coders")
    return cohen_kappa_table(table)


def fleiss_kappa(stats: UnitizedStats, coders: Sequence[str]) -> Stat:
    """Fleiss' κ per character (categories coded / not coded).

    Fleiss' κ needs the same number of ratings on every unit, so only documents on which *all*
    chosen coders are present count; documents with fewer coders are left out of this figure
    (they still count for α, which handles missing coders).
    """
    rows, weights = [], []
    for pattern, count in stats.patterns.items():
        if all(v is not None for v in pattern):
            coded = sum(v != PHI for v in pattern)
            rows.append([len(pattern) - coded, coded])
            weights.append(count)
    if not rows:
        return undefined(
            f"no document was coded by all {len(coders)} chosen coders; Fleiss' kappa needs the same "
            "coders on every character (Krippendorff's alpha allows missing coders)"
        )
    return _plain_n(_fleiss_kappa(rows, weights=weights))


def krippendorff_alpha(stats: UnitizedStats) -> Stat:
    """Nominal α with each character a unit (binary per code, or a domain's codes)."""
    stat = alpha_from_coincidences(stats.l, "nominal", units=characters(stats))
    if stat.value is None and stat.n:
        return undefined("no variation: every coder gave every character the same value", stat.n)
    return stat


def unitized_alpha(stats: UnitizedStats) -> Stat:
    return _plain_n(stats.alpha())


def coded_characters(stats: UnitizedStats, coders: Sequence[str]) -> dict[str, int]:
    """Per coder, characters coded (any value but φ) in the documents compared."""
    out = dict.fromkeys(coders, 0.0)
    for pattern, count in stats.patterns.items():
        if sum(v is not None for v in pattern) < 2:
            continue
        for coder, v in zip(coders, pattern):
            if v is not None and v != PHI:
                out[coder] += count
    return {c: int(x) for c, x in out.items()}


def overlap_characters(stats: UnitizedStats) -> int:
    """Characters where some coder applied two or more codes of one domain."""
    return int(sum(n for p, n in stats.patterns.items() if any(isinstance(v, frozenset) for v in p)))


def share(matched: float, total: float, reason: str) -> Stat:
    if total <= 0:
        return undefined(reason)
    return Stat(matched / total, None, int(total))


def _plain_n(stat: Stat) -> Stat:
    return Stat(stat.value, stat.reason, int(stat.n))


def binary_figures(stats: UnitizedStats, coders: Sequence[str]) -> dict[str, Stat]:
    """All per-character figures for one code (or several codes pooled)."""
    return {
        "percent_agreement": percent_agreement(stats),
        "jaccard": jaccard(stats),
        "cohen_kappa": cohen_kappa(stats, coders),
        "fleiss_kappa": fleiss_kappa(stats, coders),
        "krippendorff_alpha": krippendorff_alpha(stats),
        "unitized_alpha_binary": unitized_alpha(stats),
    }


DEFINITIONS = {
    "percent_agreement": "share of characters on which all coders present agree (coded or not)",
    "jaccard": "characters coded by all coders present / characters coded by any of them",
    "cohen_kappa": "Cohen's kappa on the per-character coded/not-coded vectors (exactly two coders)",
    "fleiss_kappa": "Fleiss' kappa per character, on documents where all chosen coders are present",
    "krippendorff_alpha": "Krippendorff's nominal alpha, each character a unit, absent coders missing",
    "unitized_alpha": "Krippendorff's u-alpha over the domain's codes (2016/2019)",
    "unitized_alpha_binary": "Krippendorff's |u-alpha: agreement on where material is coded",
    "segment_agreement": "share of segments another coder coded with the same code, "
    "intersection / segment length >= min_overlap",
    "segment_kappa_brennan_prediger": "(segment agreement - 1/q) / (1 - 1/q), q = number of codes (MAXQDA)",
    "code_presence": "share of document x code pairs on which all coders present agree the code occurs or not",
    "characters": "characters in the documents compared",
    "units": "character x code pairs behind the pooled per-character figures",
    "overlap_characters": "characters where a coder applied two codes of one domain (counted as their own value)",
    "n": "the number of units (characters, segments, documents) a figure rests on",
}
