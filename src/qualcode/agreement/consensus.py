"""Settling disagreements into the **consensus** coder's codings, and the data of the review
screen (one document, each coder's codings, the disagreements among them).

A passage is settled for one code in a region ``R = [start, end)`` of a document: inside R the
consensus becomes

* one coder's version: that coder's codings of the code overlapping R, copied whole (so a span
  that runs on past R, over text the coders agree on, comes along); a coder who left R uncoded
  gives "not coded";
* a new span drawn by the team (R itself, or any span given);
* not coded.

Consensus codings of the code outside R stay (a coding that crosses R's edge keeps its parts
outside R); overlapping consensus spans of one code are then merged (touching ones stay
separate sections, as in Krippendorff's unitizing). All of it is one undoable step. Consensus
codings have origin "human"; their ``source`` says how they came about
(``consensus:accept:anna``, ``consensus:new`` or ``consensus:edit``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qualcode.domain.spans import union
from qualcode.errors import ProjectError
from qualcode.store.codings import NewCoding
from qualcode.agreement.engine import CodedSpan, Disagreement, disagreements
from qualcode.agreement.data import CONSENSUS


@dataclass(frozen=True)
class Settled:
    added: list
    removed: int
    description: str


def _replace(project, remove: list[str], add: list[NewCoding], description: str):
    return project.codings.replace(remove, add, description)


def _merge_overlapping(spans) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def settle(project, document: str, code: str, start: int, end: int, accept: str | None = None,
           none: bool = False, span: tuple[int, int] | None = None) -> Settled:
    """Settle the passage ``[start, end)`` of ``document`` for ``code`` (uuids) into consensus:
    ``accept`` a coder's version, settle it as not coded (``none``), or code ``span`` (default:
    the passage itself)."""
    if accept is not None and none:
        raise ProjectError("accept a coder's version or settle the passage as not coded, not both.")
    if accept == CONSENSUS:
        raise ProjectError("accept another coder's version, not the consensus itself.")
    doc_name = project.documents.names().get(document, document)
    path = project.codebook.tree().path(code)
    taken = project.codings.list(document=document, code=code, coder=accept, start=start, end=end) if accept else []
    new: dict[tuple[int, int], str] = {}
    if accept is not None and not taken:
        what = f"accepted {accept}'s version of '{path}' (not coded)"
    elif accept is not None:
        new = {c.span: f"consensus:accept:{accept}" for c in taken}
        what = f"accepted {accept}'s '{path}'"
    elif none:
        what = f"settled '{path}' as not coded"
    else:
        new = {span or (start, end): "consensus:new"}
        what = f"coded '{path}'"
    existing = project.codings.list(document=document, code=code, coder=CONSENSUS)
    final = []
    for c in existing:
        if c.start < end and c.end > start:
            final += [p for p in ((c.start, min(c.end, start)), (max(c.start, end), c.end)) if p[1] > p[0]]
        else:
            final.append(c.span)
    final = _merge_overlapping(final + list(new))
    have, keep = {c.span for c in existing}, set(final)
    remove = [c.uuid for c in existing if c.span not in keep]
    add = [NewCoding(document, code, CONSENSUS, a, b, source=new.get((a, b), "consensus:edit"))
           for a, b in final if (a, b) not in have]
    description = f"consensus: {what} at {start}-{end} of '{doc_name}'"
    added, removed = _replace(project, remove, add, description)
    return Settled(added, removed, description)


# --------------------------------------------------------------------------- review data


@dataclass
class ReviewData:
    """One document as the review screen shows it."""

    document: str
    name: str
    text: str
    turns: list
    coders: list[str]  # the coders compared (consensus not among them)
    spans: dict[str, dict[str, list[tuple[int, int]]]]  # coder (and consensus) -> code -> united spans
    disagreements: list[Disagreement] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)

    def codes_at(self, coder: str, start: int, end: int) -> list[str]:
        return [code for code, spans in self.spans.get(coder, {}).items()
                if any(a < end and b > start for a, b in spans)]

    def covers(self, coder: str, code: str, start: int, end: int) -> bool:
        return any(a < end and b > start for a, b in self.spans.get(coder, {}).get(code, ()))

    def settled(self, d: Disagreement) -> bool:
        return self.covers(CONSENSUS, d.code, d.start, d.end)


def review_data(project, document: str, coders: list[str] | None = None) -> ReviewData:
    """The codings of ``coders`` (default: all but consensus who coded the document) and the
    consensus on one document, and the disagreements among ``coders``."""
    doc = project.documents.get(document)
    rows = project.codings.list(document=doc.uuid)
    if coders:
        known = {c.coder for c in rows} | set(project.codings.coders())
        for c in coders:
            if c not in known:
                raise ProjectError(f"no coder named '{c}' has codings in the project.")
        chosen = [c for c in coders if c != CONSENSUS]
    else:
        chosen = sorted({c.coder for c in rows if c.coder != CONSENSUS})
    raw: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for c in rows:
        if c.coder in chosen or c.coder == CONSENSUS:
            raw.setdefault(c.coder, {}).setdefault(c.code, []).append(c.span)
    present = [c for c in chosen if c in raw]
    if len(present) < 2:
        raise ProjectError(f"'{doc.name}' needs codings by at least two coders to review "
                           f"(coded by: {', '.join(present) or 'nobody'} of {', '.join(chosen) or 'nobody'}).")
    spans = {coder: {code: union(s) for code, s in by_code.items()} for coder, by_code in raw.items()}
    coded = [CodedSpan(doc.uuid, c.code, c.coder, c.start, c.end) for c in rows if c.coder in chosen]
    found = disagreements(coded, {doc.uuid: doc.length}, chosen) if coded else []
    tree = project.codebook.tree()
    paths = {c.uuid: tree.path(c.uuid) for c in tree}
    return ReviewData(doc.uuid, doc.name, doc.text, project.documents.turns(doc.uuid), chosen, spans, found, paths)
