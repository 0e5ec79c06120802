"""Which codings to export: one coder's, everyone's (identical spans once), or the consensus.

Pure functions over plain coding records; no database.

*Consensus*: for each document and code, overlapping spans of all coders are clustered; a cluster
counts when every coder who coded anything in that document is in it, and the passage exported is
the part they all coded, widened to whole words. A document only one coder coded is that coder's
consensus. (A coder literally named "consensus", as teams use to record their agreed version,
takes precedence: see :func:`select_coder`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from qualcode.errors import ProjectError


class Member(NamedTuple):
    """One coder's coding behind a passage (a named tuple: 50,000 of them are made per export)."""

    uuid: str
    coder: str
    memo: str
    origin: str
    created_at: str | None
    start: int
    end: int


@dataclass
class Group:
    """Codings of one code that become one exported passage."""

    document: str
    code: str
    start: int
    end: int
    text: str | None  # None: take it from the document text
    members: list[Member]


def select_coder(requested: str, coders: list[str]) -> str | None:
    """The coder to keep (a real name), or None for 'all', or 'consensus'."""
    wanted = (requested or "all").strip()
    for name in coders:
        if name == wanted:
            return name
    folded = {c.casefold(): c for c in coders}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    if wanted.casefold() == "all":
        return None
    if wanted.casefold() == "consensus":
        return "consensus"
    known = ", ".join(coders) if coders else "none yet"
    raise ProjectError(f"no coder named '{wanted}' in the project (coders: {known}; or use 'all' or 'consensus').")


def _member(row) -> Member:
    uuid, _doc, _code, coder, start, end, _text, memo, origin, created_at = row
    return Member(uuid, coder, memo or "", origin or "human", created_at, start, end)


def dedupe(rows: list[tuple]) -> list[Group]:
    """Identical spans of the same code (from several coders) become one group, in text order."""
    groups: dict[tuple, Group] = {}
    get = groups.get
    for uuid, doc, code, coder, start, end, text, memo, origin, created_at in rows:
        member = Member(uuid, coder, memo or "", origin or "human", created_at, start, end)
        key = (doc, code, start, end)
        group = get(key)
        if group is None:
            groups[key] = Group(doc, code, start, end, text, [member])
        else:
            group.members.append(member)
    return list(groups.values())


def consensus(rows: list[tuple], coders_of_document: dict[str, set[str]], texts: dict[str, str]) -> list[Group]:
    by_key: dict[tuple[str, str], list[tuple]] = {}
    for row in rows:
        by_key.setdefault((row[1], row[2]), []).append(row)
    out: list[Group] = []
    for (doc, code), items in by_key.items():
        everyone = coders_of_document.get(doc, set())
        text = texts[doc]
        items.sort(key=lambda r: (r[4], r[5]))
        cluster: list[tuple] = []
        cluster_end = -1
        for row in items + [None]:
            if row is not None and cluster and row[4] < cluster_end:
                cluster.append(row)
                cluster_end = max(cluster_end, row[5])
                continue
            if cluster:
                out.extend(_agreed(doc, code, cluster, everyone, text))
            if row is not None:
                cluster, cluster_end = [row], row[5]
    out.sort(key=lambda g: (g.document, g.start, g.end))
    return out


def _agreed(doc: str, code: str, cluster: list[tuple], everyone: set[str], text: str) -> list[Group]:
    present = {r[3] for r in cluster}
    if not everyone or present != everyone:
        return []
    common: list[tuple[int, int]] | None = None
    for coder in sorted(present):
        spans = _union([(r[4], r[5]) for r in cluster if r[3] == coder])
        common = spans if common is None else _intersect(common, spans)
    groups = []
    members = [_member(r) for r in cluster]
    for start, end in common or []:
        start, end = _whole_words(text, start, end)
        groups.append(Group(doc, code, start, end, text[start:end], members))
    return groups


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    from qualcode.domain.spans import union

    return union(spans)


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def merge_overlapping(groups: list[Group], texts: dict[str, str]) -> list[Group]:
    """Overlapping passages of the same code in the same document (two coders' boundaries a few
    characters apart) become one passage: the union of their spans, every coder's coding behind
    it. ``groups`` are in text order per document (as :func:`dedupe` returns them); ``texts``
    holds the documents' text (only those with a merge are read)."""
    by_key: dict[tuple[str, str], list[Group]] = {}
    for g in groups:
        by_key.setdefault((g.document, g.code), []).append(g)
    out: list[Group] = []
    for items in by_key.values():
        items.sort(key=lambda g: (g.start, g.end))
        current = items[0]
        merged = False
        for g in items[1:]:
            if g.start < current.end:
                if not merged:
                    current = Group(current.document, current.code, current.start, current.end, None,
                                    list(current.members))
                    merged = True
                current.end = max(current.end, g.end)
                current.members.extend(g.members)
                continue
            out.append(_with_text(current, texts) if merged else current)
            current, merged = g, False
        out.append(_with_text(current, texts) if merged else current)
    out.sort(key=lambda g: (g.document, g.start, g.end))
    return out


def _with_text(group: Group, texts: dict[str, str]) -> Group:
    group.text = texts[group.document][group.start:group.end]
    return group


def documents_with_overlaps(groups: list[Group]) -> list[str]:
    """The documents in which :func:`merge_overlapping` will merge something (to read their text)."""
    last_end: dict[tuple[str, str], int] = {}
    out: set[str] = set()
    for g in sorted(groups, key=lambda g: (g.document, g.code, g.start)):
        key = (g.document, g.code)
        if key in last_end and g.start < last_end[key]:
            out.add(g.document)
        last_end[key] = max(last_end.get(key, -1), g.end)
    return sorted(out)
