"""Intercoder agreement report on neutral inputs (no database, no Textual).

Statistics and formulas: ``shared/reference/AGREEMENT.md``; coefficients in
:mod:`qualcode.agreement.stats`, the counting engine and uα in :mod:`qualcode.agreement.unitized`.

Rules ("Lessons" in AGREEMENT.md, plus the choices made where it is silent):

* A document is *compared* when at least two of the chosen coders coded it. A coder coded a
  document if ``coded_docs[document]`` names them (``coded_docs`` maps document → coders who
  coded or were assigned it) or if they have any span in it. Elsewhere a coder is *missing*
  (no value), never "coded nothing". Documents not compared count nowhere and are listed with
  the reason.
* Each coder's spans of one code are united before comparing (double coding never counts
  twice). Per character nothing else depends on it; for uα's W, spans that merely *touch*
  stay separate units (Krippendorff counts each marked section; this reproduces §12.6).
* Per code, each character of each compared document is a unit with value coded / not coded
  per coder present. Pooled figures ("overall") sum those counts over codes and documents;
  the pooled units are character × code pairs.
* Percent agreement and Jaccard with three or more coders: a character agrees when *all*
  coders present agree; Jaccard = characters coded by all present / by any present.
* Cohen's κ needs exactly two chosen coders. Fleiss' κ uses only documents on which all chosen
  coders are present (it needs the same number of ratings per unit); α and uα use every
  compared document and treat absent coders as missing.
* Segment agreement (MAXQDA-style): a segment (a coder's united span of a code) is matched
  when some other coder present on the document has one segment of the same code whose
  intersection with it covers at least ``min_overlap`` of *the segment being checked*:
  ``|s ∩ t| / |s| ≥ min_overlap``. Overall it also gives Brennan–Prediger's κ with q = the
  number of codes, as MAXQDA does.
* Code presence: one unit per compared document × code; agreement when all coders present
  agree on whether the code occurs in the document.
* Domains: within a domain of mutually exclusive codes each coder's value at a character is
  the code they applied, φ if none, or — when they applied two codes of the domain to the
  same characters — that combination as its own value (counted in ``overlap_characters``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qualcode.domain.spans import union
from qualcode.agreement import figures as fig
from qualcode.agreement.stats import Stat, brennan_prediger, undefined
from qualcode.agreement.unitized import CODED, PHI, UnitizedStats, tabulate_many


@dataclass(frozen=True)
class CodedSpan:
    """One coder applied one code to ``[start, end)`` of one document (code-point offsets)."""

    document: str
    code: str
    coder: str
    start: int
    end: int


@dataclass(frozen=True)
class Disagreement:
    """A maximal region of one document where the coders present differ about one code.

    ``coded_by``: coders who coded some of it; ``not_coded_by``: coders present who coded none
    of it; ``pieces``: the region cut where the set of coders changes, as ``(start, end, coders)``.
    """

    document: str
    code: str
    start: int
    end: int
    coded_by: tuple[str, ...]
    not_coded_by: tuple[str, ...]
    pieces: tuple[tuple[int, int, tuple[str, ...]], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "code": self.code,
            "start": self.start,
            "end": self.end,
            "coded_by": list(self.coded_by),
            "not_coded_by": list(self.not_coded_by),
            "pieces": [{"start": s, "end": e, "coded_by": list(c)} for s, e, c in self.pieces],
        }


@dataclass(frozen=True)
class Figures:
    """The figures for one code, one domain or everything pooled: counts and coefficients."""

    counts: dict[str, Any]
    stats: dict[str, Stat]

    def __getitem__(self, key: str) -> Any:
        return self.stats[key] if key in self.stats else self.counts[key]

    def to_dict(self) -> dict[str, Any]:
        return {**self.counts, **{k: s.to_dict() for k, s in self.stats.items()}}


@dataclass(frozen=True)
class AgreementReport:
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    documents: tuple[str, ...]  # the documents compared
    excluded_documents: dict[str, str]  # document -> why it was not compared
    min_overlap: float
    overall: Figures
    per_code: dict[str, Figures]
    domains: dict[str, Figures] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "coders": list(self.coders),
            "codes": list(self.codes),
            "min_overlap": self.min_overlap,
            "documents": len(self.documents),
            "documents_compared": list(self.documents),
            "documents_excluded": dict(self.excluded_documents),
            "overall": self.overall.to_dict(),
            "per_code": {c: f.to_dict() for c, f in self.per_code.items()},
            "domains": {d: f.to_dict() for d, f in self.domains.items()},
            "definitions": dict(fig.DEFINITIONS),
        }


# --------------------------------------------------------------------------- preparation


@dataclass
class _Context:
    coders: tuple[str, ...]
    codes: tuple[str, ...]
    domains: dict[str, tuple[str, ...]]
    lengths: dict[str, int]
    compared: list[str]
    excluded: dict[str, str]
    present: dict[str, tuple[str, ...]]
    spans: dict[tuple[str, str], dict[str, list[tuple[int, int]]]]  # (doc, code) -> coder -> spans


def _prepare(spans, doc_lengths, coders, codes, domains, coded_docs) -> _Context:
    coders = tuple(coders)
    if len(coders) < 2:
        raise ValueError("agreement needs at least two coders")
    if len(set(coders)) != len(coders):
        raise ValueError("each coder may be named only once")
    domains = {name: tuple(dict.fromkeys(cs)) for name, cs in (domains or {}).items()}
    wanted = None if codes is None else set(codes) | {c for cs in domains.values() for c in cs}
    by_key: dict[tuple[str, str], dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    seen: dict[str, set[str]] = defaultdict(set)
    found: set[str] = set()
    for sp in spans:
        if sp.coder not in coders:
            continue
        if sp.document not in doc_lengths:
            raise ValueError(f"span of coder {sp.coder!r} refers to unknown document {sp.document!r}")
        length = doc_lengths[sp.document]
        if not 0 <= sp.start <= sp.end <= length:
            problem = "ends before it starts" if sp.start > sp.end else f"lies outside the document (length {length})"
            raise ValueError(
                f"span [{sp.start}, {sp.end}) of coder {sp.coder!r}, code {sp.code!r} in document "
                f"{sp.document!r} {problem}"
            )
        seen[sp.document].add(sp.coder)
        if wanted is not None and sp.code not in wanted:
            continue
        found.add(sp.code)
        if sp.end > sp.start:
            by_key[(sp.document, sp.code)][sp.coder].append((sp.start, sp.end))
    if codes is None:
        codes = sorted(found | {c for cs in domains.values() for c in cs})
    for doc in coded_docs or {}:
        if doc not in doc_lengths:
            raise ValueError(f"coded_docs names unknown document {doc!r}")
    compared, excluded, present = [], {}, {}
    for doc in doc_lengths:
        who = set(seen.get(doc, ())) | set((coded_docs or {}).get(doc, ()))
        here = tuple(c for c in coders if c in who)
        if len(here) >= 2:
            compared.append(doc)
            present[doc] = here
        elif here:
            excluded[doc] = f"coded only by {here[0]}"
        else:
            excluded[doc] = "coded by none of the chosen coders"
    codes = tuple(dict.fromkeys(codes))
    return _Context(coders, codes, domains, dict(doc_lengths), compared, excluded, present, by_key)


def _batch(ctx: _Context, doc: str, present, entries, value: int | None = None):
    """Engine input for :func:`tabulate_many`: per coder position ``(continuum, starts, ends,
    value ids)`` gathered from ``entries`` = ``(continuum, code, value id)``; None if absent."""
    out = []
    for coder in ctx.coders:
        if coder not in present:
            out.append(None)
            continue
        cont, starts, ends, ids = [], [], [], []
        for k, code, vid in entries:
            for s, e in ctx.spans.get((doc, code), {}).get(coder, ()):
                cont.append(k)
                starts.append(s)
                ends.append(e)
                ids.append(vid if value is None else value)
        out.append(tuple(np.asarray(x, dtype=np.int64) for x in (cont, starts, ends, ids)))
    return out


class _Acc:
    """Running sums for one code / domain (in-place pooling)."""

    def __init__(self):
        self.patterns: dict[tuple, float] = defaultdict(float)
        self.w: dict[Any, float] = defaultdict(float)
        self.documents = 0
        self.characters = 0
        self.all_coders = 0
        self.segments: dict[str, int] = defaultdict(int)
        self.matched: dict[str, int] = defaultdict(int)
        self.presence_units = 0
        self.presence_agree = 0

    def add(self, stats: UnitizedStats) -> None:
        for k, v in stats.patterns.items():
            self.patterns[k] += v
        for k, v in stats.w.items():
            self.w[k] += v

    def merge(self, other: _Acc) -> None:
        self.add(other.stats())
        self.presence_units += other.presence_units
        self.presence_agree += other.presence_agree
        for c, n in other.segments.items():
            self.segments[c] += n
        for c, n in other.matched.items():
            self.matched[c] += n

    def stats(self) -> UnitizedStats:
        return UnitizedStats(dict(self.patterns), dict(self.w))


# --------------------------------------------------------------------------- the report


def agreement_report(
    spans: Iterable[CodedSpan],
    doc_lengths: dict[str, int],
    coders: list[str],
    codes: list[str] | None = None,
    domains: dict[str, list[str]] | None = None,
    min_overlap: float = 0.9,
    coded_docs: dict[str, set[str]] | None = None,
) -> AgreementReport:
    """Agreement of ``coders`` per code, pooled over codes and documents, and per domain.

    ``doc_lengths``: every document's length in code points; ``codes``: the codes to report
    (default: every code the chosen coders used, plus the domains' codes); ``domains``: name →
    mutually exclusive codes; ``coded_docs``: document → coders who coded it (see module doc).
    """
    if not 0 < min_overlap <= 1:
        raise ValueError("min_overlap must be in (0, 1]")
    ctx = _prepare(spans, doc_lengths, coders, codes, domains, coded_docs)
    n_coders = len(ctx.coders)
    accs = {code: _Acc() for code in ctx.codes}
    dom_accs = {name: (_Acc(), _Acc()) for name in ctx.domains}
    dom_labels = [PHI, *dict.fromkeys(c for cs in ctx.domains.values() for c in cs)]
    dom_ids = {c: j for j, c in enumerate(dom_labels)}
    code_entries = [(k, code, 1) for k, code in enumerate(ctx.codes)]
    dom_entries = [(k, code, dom_ids[code]) for k, cs in enumerate(ctx.domains.values()) for code in cs]
    for doc in ctx.compared:
        length, present = ctx.lengths[doc], ctx.present[doc]
        per = tabulate_many(_batch(ctx, doc, present, code_entries), [length] * len(ctx.codes), [PHI, CODED])
        for code, stats in zip(ctx.codes, per):
            acc = accs[code]
            by_coder = ctx.spans.get((doc, code), {})
            acc.add(stats)
            acc.documents += 1
            acc.characters += length
            acc.all_coders += len(present) == n_coders
            if by_coder:
                _segments(acc, by_coder, present, min_overlap)
            acc.presence_units += 1
            acc.presence_agree += len({bool(by_coder.get(c)) for c in present}) == 1
        if ctx.domains:
            n_dom = len(ctx.domains)
            per = tabulate_many(_batch(ctx, doc, present, dom_entries), [length] * n_dom, dom_labels)
            per_bin = tabulate_many(_batch(ctx, doc, present, dom_entries, 1), [length] * n_dom, [PHI, CODED])
            for name, stats, bin_stats in zip(ctx.domains, per, per_bin):
                for a, st in zip(dom_accs[name], (stats, bin_stats)):
                    a.add(st)
                    a.documents += 1
                    a.characters += length

    per_code = {code: _code_figures(acc, ctx) for code, acc in accs.items()}
    pooled = _Acc()
    for acc in accs.values():
        pooled.merge(acc)
    overall = _code_figures(pooled, ctx)
    chars = sum(ctx.lengths[d] for d in ctx.compared)
    overall.counts.update(
        documents=len(ctx.compared),
        characters=chars,
        codes=len(ctx.codes),
        units=chars * len(ctx.codes),
        documents_with_all_coders=sum(len(ctx.present[d]) == n_coders for d in ctx.compared),
    )
    seg = overall.stats["segment_agreement"]
    overall.stats["segment_kappa_brennan_prediger"] = (
        brennan_prediger(seg.value, len(ctx.codes)) if seg.value is not None else undefined(seg.reason or "")
    )
    domains_out = {name: _domain_figures(name, *dom_accs[name], ctx) for name in ctx.domains}
    return AgreementReport(
        ctx.coders, ctx.codes, tuple(ctx.compared), ctx.excluded, min_overlap, overall, per_code, domains_out
    )


def _segments(acc: _Acc, by_coder, present, min_overlap: float) -> None:
    """Count each present coder's segments and those matched by another coder present."""
    united = {c: union(by_coder.get(c, [])) for c in present}
    starts = {c: [s for s, _ in segs] for c, segs in united.items()}
    ends = {c: [e for _, e in segs] for c, segs in united.items()}
    for coder in present:
        for s, e in united[coder]:
            acc.segments[coder] += 1
            need = min_overlap * (e - s) - 1e-9
            for other in present:
                if other == coder:
                    continue
                k = bisect_right(ends[other], s)  # first segment ending after s
                hit = False
                while k < len(starts[other]) and starts[other][k] < e:
                    if min(e, ends[other][k]) - max(s, starts[other][k]) >= need:
                        hit = True
                        break
                    k += 1
                if hit:
                    acc.matched[coder] += 1
                    break


def _code_figures(acc: _Acc, ctx: _Context) -> Figures:
    stats = acc.stats()
    total_segments = sum(acc.segments.values())
    counts = {
        "documents": acc.documents,
        "documents_with_all_coders": acc.all_coders,
        "characters": acc.characters,
        "coded_characters": fig.coded_characters(stats, ctx.coders),
        "segments": {c: acc.segments.get(c, 0) for c in ctx.coders},
        "segments_matched": {c: acc.matched.get(c, 0) for c in ctx.coders},
    }
    figures = fig.binary_figures(stats, ctx.coders)
    if not ctx.compared:
        figures = {k: undefined("no document was coded by at least two of the chosen coders") for k in figures}
    figures["segment_agreement"] = fig.share(
        sum(acc.matched.values()), total_segments, "no coder applied the code in the documents compared"
    )
    figures["code_presence"] = fig.share(
        acc.presence_agree, acc.presence_units, "no document was coded by at least two of the chosen coders"
    )
    return Figures(counts, figures)


def _domain_figures(name: str, acc: _Acc, bin_acc: _Acc, ctx: _Context) -> Figures:
    stats, bin_stats = acc.stats(), bin_acc.stats()
    counts = {
        "codes": list(ctx.domains[name]),
        "documents": acc.documents,
        "characters": acc.characters,
        "coded_characters": fig.coded_characters(stats, ctx.coders),
        "overlap_characters": fig.overlap_characters(stats),
    }
    figures = {
        "percent_agreement": fig.percent_agreement(stats),
        "krippendorff_alpha": fig.krippendorff_alpha(stats),
        "unitized_alpha": fig.unitized_alpha(stats),
        "unitized_alpha_binary": fig.unitized_alpha(bin_stats),
    }
    return Figures(counts, figures)


# --------------------------------------------------------------------------- disagreements


def disagreements(
    spans: Iterable[CodedSpan],
    doc_lengths: dict[str, int],
    coders: list[str],
    codes: list[str] | None = None,
    coded_docs: dict[str, set[str]] | None = None,
) -> list[Disagreement]:
    """Each maximal region (per compared document and code) where the coders present differ.

    Sorted by document (in ``doc_lengths`` order), then position, then code.
    """
    ctx = _prepare(spans, doc_lengths, coders, codes, None, coded_docs)
    order = {d: i for i, d in enumerate(doc_lengths)}
    out: list[Disagreement] = []
    for doc in ctx.compared:
        present = ctx.present[doc]
        for code in ctx.codes:
            by_coder = ctx.spans.get((doc, code))
            if by_coder:
                out.extend(_regions(doc, code, {c: union(by_coder.get(c, [])) for c in present}, present))
    out.sort(key=lambda d: (order[d.document], d.start, d.end, d.code))
    return out


def _regions(doc: str, code: str, united: dict[str, list[tuple[int, int]]], present) -> list[Disagreement]:
    bounds = sorted({x for segs in united.values() for seg in segs for x in seg})
    starts = {c: [s for s, _ in segs] for c, segs in united.items()}
    pieces: list[tuple[int, int, tuple[str, ...]]] = []
    for a, b in zip(bounds, bounds[1:]):
        who = []
        for c in present:
            k = bisect_right(starts[c], a) - 1
            if k >= 0 and united[c][k][1] > a:
                who.append(c)
        if 0 < len(who) < len(present):
            pieces.append((a, b, tuple(who)))
    regions: list[list[tuple[int, int, tuple[str, ...]]]] = []
    for piece in pieces:
        if regions and regions[-1][-1][1] == piece[0]:
            regions[-1].append(piece)
        else:
            regions.append([piece])
    out = []
    for region in regions:
        coded = {c for _, _, who in region for c in who}
        out.append(
            Disagreement(
                doc,
                code,
                region[0][0],
                region[-1][1],
                tuple(c for c in present if c in coded),
                tuple(c for c in present if c not in coded),
                tuple(region),
            )
        )
    return out
