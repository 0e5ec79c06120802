"""What the suggester learns from and works on, read through the Project repository (no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Passage:
    """A distinct coded span: one document, one ``[start, end)``, the set of codes it carries."""

    document: str
    start: int
    end: int
    text: str
    codes: set[str] = field(default_factory=set)
    keys: list[str] = field(default_factory=list)
    kw: dict = field(default_factory=dict)  # code -> KeywordHit, filled by signals.prepare


def human_codings(project, coder: str | None = None) -> list:
    """The codings the suggester learns from: made by people (never accepted suggestions)."""
    return [c for c in project.codings.list(coder=coder) if c.origin == "human"]


def coded_passages(project, coder: str | None = None, codings: list | None = None) -> list[Passage]:
    """Human codings grouped by (document, start, end), in document-name and text order."""
    codings = human_codings(project, coder) if codings is None else codings
    tree = project.codebook.tree()
    grouped: dict[tuple[str, int, int], Passage] = {}
    for c in codings:
        if c.code not in tree:
            continue
        key = (c.document, c.start, c.end)
        if key not in grouped:
            grouped[key] = Passage(c.document, c.start, c.end, c.text)
        grouped[key].codes.add(c.code)
    names = project.documents.names()  # order by name, not by random uuid: training is reproducible
    return [grouped[k] for k in sorted(grouped, key=lambda k: (names.get(k[0], k[0]), k[0], k[1], k[2]))]


def interviewer_cases(project) -> set[str]:
    return {c.uuid for c in project.cases.list(role="interviewer")}


def respondent_turns(project, doc_uuid: str, interviewers: set[str] | None = None) -> list:
    """A document's turns, without the interviewer's (turns without a speaker are kept)."""
    interviewers = interviewer_cases(project) if interviewers is None else interviewers
    return [t for t in project.documents.turns(doc_uuid) if t.end > t.start and t.case not in interviewers]


def fingerprint(codings: list, tree) -> dict:
    """What a trained model depends on, to tell when it is stale."""
    return {
        "codings": len(codings),
        "codes": len(tree),
        "latest": max((c.created_at or "" for c in codings), default=""),
    }
