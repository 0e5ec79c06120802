"""Multi-category κ for a domain of mutually exclusive codes: Cohen's κ (two coders) and Fleiss'
κ (two or more) over the whole category set, at three levels.

- *characters*: each character of each compared document is a unit; a coder's category is the
  domain code they applied there, φ (not coded) if none, or the combination when they applied two
  codes of the domain to the same characters.
- *segments*: each segment (a speaker turn, or — for a document without turns — each maximal
  stretch that some coder coded with a code of the domain) in which at least one coder present
  applied a code of the domain is a unit; a coder's category is the domain code that covers most
  of the segment's characters in their coding (ties: codebook order), φ if none.
- *documents*: each compared document is a unit, the category as for segments.

Cohen's κ needs exactly two chosen coders and uses the units both coded; Fleiss' κ uses the units
on which all chosen coders are present (it needs the same number of ratings per unit). Counts are
pooled over documents before the coefficient is formed (AGREEMENT.md, "Lessons").
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence

from qualcode.domain.spans import union
from qualcode.agreement.stats import Stat, cohen_kappa_table, fleiss_kappa, undefined
from qualcode.agreement.unitized import PHI

LEVELS = ("characters", "segments", "documents")

DEFINITIONS = {
    "cohen_kappa_characters": "Cohen's kappa over a domain's codes and 'not coded', each character a unit "
    "(exactly two coders)",
    "fleiss_kappa_characters": "Fleiss' kappa over a domain's codes and 'not coded', each character a unit, "
    "on documents where all chosen coders are present",
    "cohen_kappa_segments": "Cohen's kappa over a domain's codes, each segment (speaker turn) in which a coder "
    "applied a code of the domain a unit; a coder's category is the code covering most of it, else 'not coded'",
    "fleiss_kappa_segments": "Fleiss' kappa over a domain's codes, segments (speaker turns) as units, as for "
    "Cohen's; only segments where all chosen coders are present",
    "cohen_kappa_documents": "Cohen's kappa over a domain's codes, each document a unit; a coder's category is "
    "the code covering most of the document in their coding, else 'not coded'",
    "fleiss_kappa_documents": "Fleiss' kappa over a domain's codes, each document a unit, on documents where "
    "all chosen coders are present",
    "segments": "segments (speaker turns) a segment-level figure rests on",
}


def kappas(patterns: Iterable[tuple[tuple, float]], coders: Sequence[str], unit: str) -> dict[str, Stat]:
    """Cohen's and Fleiss' κ from weighted patterns ``((category per coder, None if absent), units)``."""
    patterns = [(p, w) for p, w in patterns if w]
    cats = sorted({v for p, _ in patterns for v in p if v is not None}, key=_order)
    index = {c: i for i, c in enumerate(cats)}
    if len(coders) != 2:
        cohen = undefined(f"Cohen's kappa compares exactly two coders and {len(coders)} were chosen "
                          "(see Fleiss' kappa)")
    else:
        table = [[0.0] * len(cats) for _ in cats]
        for (a, b), w in patterns:
            if a is not None and b is not None:
                table[index[a]][index[b]] += w
        cohen = cohen_kappa_table(table) if cats and sum(map(sum, table)) else \
            undefined(f"no {unit} was coded by both coders")
    rows, weights = [], []
    for p, w in patterns:
        if all(v is not None for v in p):
            row = [0] * len(cats)
            for v in p:
                row[index[v]] += 1
            rows.append(row)
            weights.append(w)
    if rows:
        fleiss = fleiss_kappa(rows, weights=weights)
    else:
        fleiss = undefined(f"no {unit} was coded by all {len(coders)} chosen coders; Fleiss' kappa needs "
                           "the same coders on every unit")
    return {"cohen": cohen, "fleiss": fleiss}


def _order(v) -> tuple:
    return (v != PHI, str(v))


def dominant(spans_by_code: dict[str, list[tuple[int, int]]], codes: Sequence[str], start: int, end: int):
    """The code (of ``codes``) covering most of ``[start, end)``; PHI when none covers any of it."""
    best, best_len = PHI, 0
    for code in codes:
        covered = 0
        for s, e in spans_by_code.get(code, ()):
            if s < end and e > start:
                covered += min(e, end) - max(s, start)
        if covered > best_len:
            best, best_len = code, covered
    return best


class DomainUnits:
    """Pooled segment- and document-level patterns of one domain."""

    def __init__(self):
        self.segments: dict[tuple, float] = defaultdict(float)
        self.documents: dict[tuple, float] = defaultdict(float)

    def add(self, coders: Sequence[str], present: Sequence[str], codes: Sequence[str], length: int,
            by_code_coder: dict[str, dict[str, list[tuple[int, int]]]], segments: list[tuple[int, int]] | None) -> None:
        """One compared document: ``by_code_coder`` = {code: {coder: spans}} for the domain's codes."""
        per_coder = {c: {code: union(by_code_coder.get(code, {}).get(c, [])) for code in codes} for c in present}
        coded_any = union(s for c in present for spans in per_coder[c].values() for s in spans)
        units = _segment_units(segments, coded_any) if coded_any else []
        for a, b in units:
            self.segments[tuple(dominant(per_coder[c], codes, a, b) if c in present else None for c in coders)] += 1
        self.documents[tuple(dominant(per_coder[c], codes, 0, length) if c in present else None for c in coders)] += 1


def _segment_units(segments, coded: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The segments that overlap some coded stretch (or the coded stretches themselves)."""
    if not segments:
        return coded
    starts = [s for s, _ in coded]
    out = []
    for a, b in segments:
        k = bisect_right(starts, b - 1) - 1  # last coded stretch starting before b
        while k >= 0 and coded[k][1] > a:
            if coded[k][0] < b:
                out.append((a, b))
                break
            k -= 1
    return out


def domain_kappa_figures(char_patterns: dict[tuple, float], units: DomainUnits, coders: Sequence[str]) -> dict[str, Stat]:
    out = {}
    for level, patterns, unit in (("characters", char_patterns, "character"),
                                  ("segments", units.segments, "segment"),
                                  ("documents", units.documents, "document")):
        k = kappas(patterns.items(), coders, unit)
        out[f"cohen_kappa_{level}"] = k["cohen"]
        out[f"fleiss_kappa_{level}"] = k["fleiss"]
    return out
