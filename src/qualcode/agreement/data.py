"""The agreement report on a project: load codings as CodedSpans, run the engine, present the
result with code paths and document names, and list the disagreements with text and turns.

Rules (the engine's own rules are in :mod:`qualcode.agreement.engine`):

* Coders: by default every coder with codings in the project except ``consensus``; the
  consensus coder takes part only when named (``--coders anna,consensus``).
* Codes: by default every code the chosen coders applied in the chosen documents, in
  codebook order. A code named explicitly means that code only (codings applied directly to a
  theme), reported even when nobody applied it (its figures then say why they are n/a); with
  ``tree=True`` it means the codes of its subtree (itself included) that the chosen coders
  applied, each as a code of its own.
* Domains: codes sharing a ``domain`` value form a domain of mutually exclusive codes. With
  an explicit code list, only the domains that contain one of those codes are reported.
* Documents: all, or those named; only documents coded (with any code) by at least two of the
  chosen coders are compared, the rest are listed with the reason.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from qualcode.domain.spans import union
from qualcode.errors import ProjectError
from qualcode.agreement.engine import AgreementReport, CodedSpan, Figures, agreement_report, disagreements

CONSENSUS = "consensus"


@dataclass
class AgreementData:
    """Everything the engine needs, with uuids, plus the names to show them by."""

    spans: list[CodedSpan]
    doc_lengths: dict[str, int]  # document uuid -> length, in name order
    doc_names: dict[str, str]
    coders: list[str]
    codes: list[str]  # code uuids, codebook order
    domains: dict[str, list[str]]
    paths: dict[str, str] = field(default_factory=dict)  # code uuid -> path


# --------------------------------------------------------------------------- choosing


def resolve_coder(project, name: str, known: list[str] | None = None) -> str:
    """A coder's name as stored (exact, else case-insensitive); a clear error when unknown."""
    known = project.codings.coders() if known is None else known
    name = name.strip()
    match = name if name in known else {c.casefold(): c for c in known}.get(name.casefold())
    if match is None:
        listed = ", ".join(known) if known else "none yet"
        raise ProjectError(f"no coder named '{name}' has codings in the project (coders: {listed}).")
    return match


def choose_coders(project, names: list[str] | None) -> list[str]:
    known = project.codings.coders()
    if not names:
        chosen = [c for c in known if c != CONSENSUS]
    else:
        chosen = []
        for name in names:
            match = resolve_coder(project, name, known)
            if match in chosen:
                raise ProjectError(f"coder '{match}' is named twice in --coders.")
            chosen.append(match)
    if len(chosen) < 2:
        have = ", ".join(chosen) if chosen else "nobody"
        raise ProjectError(f"agreement needs at least two coders; the choice is {have} (see --coders).")
    return chosen


def choose_codes(project, refs: list[str] | None, tree: bool = False) -> list[str] | None:
    """Code uuids for the references (paths or unique names); None when none were named."""
    if not refs:
        return None
    codebook = project.codebook.tree()
    out: list[str] = []
    for ref in refs:
        code = project.codebook.get(ref)
        for uuid in [code.uuid] + ([c.uuid for c in codebook.descendants(code.uuid)] if tree else []):
            if uuid not in out:
                out.append(uuid)
    return out


def choose_documents(project, refs: list[str] | None) -> list[str] | None:
    if not refs:
        return None
    return list(dict.fromkeys(project.documents.get(ref).uuid for ref in refs))


def load(project, coders: list[str] | None = None, codes: list[str] | None = None, tree: bool = False,
         documents: list[str] | None = None) -> AgreementData:
    """Read the chosen coders' codings (all codes: presence on a document counts any code)."""
    chosen = choose_coders(project, coders)
    code_ids = choose_codes(project, codes, tree)
    doc_ids = choose_documents(project, documents)
    rows = sorted(project.reads.documents(), key=lambda r: (r[1].casefold(), r[1]))
    names = {r[0]: r[1] for r in rows}
    lengths = {r[0]: r[4] for r in rows if doc_ids is None or r[0] in doc_ids}
    spans = [CodedSpan(c.document, c.code, c.coder, c.start, c.end)
             for c in project.codings.list(coders=chosen) if c.document in lengths]
    codebook = project.codebook.tree()
    order = {c.uuid: i for i, c in enumerate(codebook)}
    used = {s.code for s in spans}
    if code_ids is None:
        code_ids = sorted(used, key=lambda u: order.get(u, len(order)))
    elif tree:  # a subtree: the codes in it that were applied (all of them when none was)
        code_ids = [c for c in code_ids if c in used] or code_ids
    domains: dict[str, list[str]] = defaultdict(list)
    for code in codebook:
        if code.domain and str(code.domain).strip():
            domains[str(code.domain).strip()].append(code.uuid)
    if codes:
        wanted = set(code_ids)
        domains = {name: cs for name, cs in domains.items() if wanted & set(cs)}
    paths = {c.uuid: codebook.path(c.uuid) for c in codebook}
    return AgreementData(spans, lengths, names, chosen, code_ids, dict(domains), paths)


# --------------------------------------------------------------------------- the report


def run_report(data: AgreementData, min_overlap: float = 0.9) -> AgreementReport:
    try:
        return agreement_report(data.spans, data.doc_lengths, data.coders, data.codes, data.domains,
                                min_overlap=min_overlap)
    except ValueError as exc:
        raise ProjectError(str(exc)) from None


def per_document(data: AgreementData, report: AgreementReport) -> dict[str, Figures]:
    """The pooled figures of each compared document on its own (same codes as the report)."""
    by_doc: dict[str, list[CodedSpan]] = defaultdict(list)
    for span in data.spans:
        by_doc[span.document].append(span)
    out = {}
    for doc in report.documents:
        one = agreement_report(by_doc[doc], {doc: data.doc_lengths[doc]}, data.coders, list(report.codes),
                               None, min_overlap=report.min_overlap)
        out[doc] = one.overall
    return out


def report_dict(data: AgreementData, report: AgreementReport,
                documents: dict[str, Figures] | None = None) -> dict[str, Any]:
    """``report.to_dict()`` with code paths and document names in place of uuids."""
    path = lambda u: data.paths.get(u, u)  # noqa: E731
    name = lambda u: data.doc_names.get(u, u)  # noqa: E731
    out = report.to_dict()
    out["codes"] = [path(c) for c in report.codes]
    out["code_ids"] = {path(c): c for c in report.codes}
    out["documents_compared"] = [name(d) for d in report.documents]
    out["documents_excluded"] = {name(d): why for d, why in report.excluded_documents.items()}
    out["per_code"] = {path(c): f.to_dict() for c, f in report.per_code.items()}
    for figures in out["domains"].values():
        figures["codes"] = [path(c) for c in figures["codes"]]
    if documents is not None:
        out["per_document"] = {name(d): f.to_dict() for d, f in documents.items()}
    return out


# --------------------------------------------------------------------------- disagreements


def turn_label(turns: list, starts: list[int], start: int, end: int) -> tuple[str, str]:
    """(turn numbers as 'qualcode show' prints them, e.g. '4' or '4-6'; the speakers)."""
    if not turns:
        return "", ""
    first = max(0, bisect_right(starts, start) - 1)
    if turns[first].end <= start and first + 1 < len(turns):
        first += 1
    last = max(first, bisect_right(starts, max(start, end - 1)) - 1)
    label = str(first + 1) if last == first else f"{first + 1}-{last + 1}"
    speakers = list(dict.fromkeys(t.speaker for t in turns[first:last + 1] if t.speaker))
    return label, ", ".join(speakers)


def disagreement_rows(project, data: AgreementData) -> list[dict[str, Any]]:
    """Each passage where the coders differ about a code, with text, turn, speaker and who
    coded what (``also_coded``: other codes the coders who left it out applied there)."""
    try:
        found = disagreements(data.spans, data.doc_lengths, data.coders, data.codes)
    except ValueError as exc:
        raise ProjectError(str(exc)) from None
    docs = sorted({d.document for d in found})
    texts = project.reads.texts(docs)
    turns: dict[str, list] = defaultdict(list)
    for t in project.reads.turns():
        if t[0] in texts:
            turns[t[0]].append(_Turn(t[3], t[4], t[2]))
    starts = {d: [t.start for t in ts] for d, ts in turns.items()}
    by_doc_coder: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for s in data.spans:
        if s.document in texts:
            by_doc_coder[(s.document, s.coder)].append((s.start, s.end, s.code))
    index = {}  # (document, coder) -> (sorted spans, their starts, the longest span)
    for key, spans in by_doc_coder.items():
        spans.sort()
        index[key] = (spans, [a for a, _, _ in spans], max(b - a for a, b, _ in spans))
    rows = []
    for d in found:
        turn, speaker = turn_label(turns.get(d.document, []), starts.get(d.document, []), d.start, d.end)
        coded = {c: union((a, b) for a, b, who in d.pieces if c in who) for c in d.coded_by}
        also = {}
        for c in d.not_coded_by:
            spans, starts_, longest = index.get((d.document, c), ([], [], 0))
            lo, hi = bisect_left(starts_, d.start - longest), bisect_left(starts_, d.end)
            other = {code for a, b, code in spans[lo:hi] if b > d.start and code != d.code}
            if other:
                also[c] = sorted(data.paths.get(x, x) for x in other)
        rows.append({
            "document": data.doc_names.get(d.document, d.document), "document_id": d.document,
            "turn": turn, "speaker": speaker, "code": data.paths.get(d.code, d.code), "code_id": d.code,
            "start": d.start, "end": d.end, "coded_by": list(d.coded_by), "not_coded_by": list(d.not_coded_by),
            "coded": {c: [list(s) for s in spans] for c, spans in coded.items()},
            "also_coded": also, "text": texts[d.document][d.start:d.end],
        })
    return rows


@dataclass(frozen=True)
class _Turn:
    start: int
    end: int
    speaker: str | None


def who_coded_what(row: dict[str, Any]) -> str:
    """'anna; not bram (coded Theme/Other there)' for a disagreement row."""
    parts = []
    whole = [row["start"], row["end"]]
    for c in row["coded_by"]:
        spans = row["coded"].get(c, [])
        parts.append(c if spans == [whole] else f"{c} ({', '.join(f'{a}-{b}' for a, b in spans)})")
    text = "coded by " + ", ".join(parts)
    for c in row["not_coded_by"]:
        also = row["also_coded"].get(c)
        text += f"; not by {c}" + (f" (coded {', '.join(also)} there)" if also else "")
    return text
