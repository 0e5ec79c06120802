"""Which coders to compare on a document: by default the coders who coded it *fully*.

A third coder who coded three passages of a document would turn every exact match of the two
main coders into a "disagreement" (the third did not code it). So, unless the user names the
coders, a document is compared among the coders whose codings reach at least ``MIN_SHARE`` of the
turns that the most thorough coder of that document reached (of the characters, for a document
without turns). The consensus coder is never one of them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import replace

from qualcode.domain.spans import union

CONSENSUS = "consensus"
MIN_SHARE = 0.5


def full_coders(codings, turns, min_share: float = MIN_SHARE) -> list[str]:
    """The coders (sorted) whose codings reach ``min_share`` of the most thorough coder's reach."""
    starts = [t.start for t in turns]
    reach: dict[str, set | list] = defaultdict(set)
    spans: dict[str, list] = defaultdict(list)
    for c in codings:
        if c.coder == CONSENSUS:
            continue
        if turns:
            i = max(0, bisect_right(starts, c.start) - 1)
            while i < len(turns) and turns[i].start < c.end:
                if turns[i].end > c.start:
                    reach[c.coder].add(i)
                i += 1
            reach.setdefault(c.coder, set())
        else:
            spans[c.coder].append((c.start, c.end))
    size = {k: len(v) for k, v in reach.items()} if turns else \
        {k: sum(b - a for a, b in union(v)) for k, v in spans.items()}
    if not size:
        return []
    top = max(size.values())
    return sorted(k for k, n in size.items() if top and n >= min_share * top)


def document_coders(project, doc_uuid: str) -> tuple[list[str], list[str]]:
    """(full coders, every coder) of one document."""
    codings = project.codings.list(document=doc_uuid)
    every = sorted({c.coder for c in codings if c.coder != CONSENSUS})
    return full_coders(codings, project.documents.turns(doc_uuid)), every


def disagreement_rows_auto(project, data) -> tuple[list[dict], dict[str, list[str]]]:
    """Disagreement rows with each document compared among its full coders (``data.coders``
    bounds the choice). Returns the rows and {document name: coders compared}."""
    from qualcode.agreement import data as aio

    by_doc = defaultdict(list)
    for s in data.spans:
        by_doc[s.document].append(s)
    rows: list[dict] = []
    used: dict[str, list[str]] = {}
    for doc in data.doc_lengths:
        if doc not in by_doc:
            continue
        full, _ = document_coders(project, doc)
        chosen = [c for c in data.coders if c in full]
        if len(chosen) < 2:
            continue
        used[data.doc_names.get(doc, doc)] = chosen
        sub = replace(data, spans=[s for s in by_doc[doc] if s.coder in chosen],
                      doc_lengths={doc: data.doc_lengths[doc]}, coders=chosen)
        for row in aio.disagreement_rows(project, sub):
            row["coders_compared"] = chosen
            rows.append(row)
    return rows, used
