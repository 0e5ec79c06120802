"""Auto-coding: code every hit of a text search (NVivo text-search coding, MAXQDA's lexical
search autocode, QualCoder's auto-code), or each code's keyword hits. Codings are stamped with
origin ``auto``; one run is one undo step; a dry run returns what would be coded.
"""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import ProjectError
from qualcode.retrieve.textsearch import Corpus, Hit, compile_pattern, search, sentence_span
from qualcode.store.codings import NewCoding

UNITS = ("hit", "sentence", "turn")


@dataclass
class Planned:
    document: str
    document_name: str
    code: str  # uuid
    start: int
    end: int
    text: str
    turn: int | None
    speaker: str | None
    pattern: str
    exists: bool = False  # this coder already has exactly this coding

    def to_dict(self, tree) -> dict:
        return {"document": self.document_name, "code": tree.path(self.code), "start": self.start, "end": self.end,
                "turn": self.turn, "speaker": self.speaker, "text": self.text, "pattern": self.pattern,
                "already_coded": self.exists}


def unit_span(text: str, hit: Hit, unit: str) -> tuple[int, int]:
    if unit == "hit":
        return hit.start, hit.end
    lo = hit.turn_start if hit.turn_start is not None else 0
    hi = hit.turn_end if hit.turn_end is not None else len(text)
    if unit == "turn":
        if hit.turn_start is None:  # a document without turns: the sentence instead
            return sentence_span(text, hit.start, hit.end)
        return lo, hi
    return sentence_span(text, hit.start, hit.end, lo, hi)


def plan(project, jobs: list[tuple[str, str, dict]], unit: str = "hit", speakers: str = "respondents",
         documents: list[str] | None = None, where: list | None = None, coder: str | None = None) -> list[Planned]:
    """What to code: ``jobs`` are (code uuid, pattern, search options); spans deduplicated per code."""
    if unit not in UNITS:
        raise ProjectError(f"--unit must be one of {', '.join(UNITS)}, not '{unit}'.")
    corpus = Corpus(project, documents, where)
    texts = {d.uuid: d.text for d in corpus.docs}
    seen: set[tuple] = set()
    out: list[Planned] = []
    for code, pattern, opts in jobs:
        hits = search(project, pattern, context=0, speakers=speakers, compiled=compile_pattern(pattern, **opts),
                      corpus=corpus, literal=not opts.get("regex"))
        for hit in hits:
            text = texts[hit.document]
            s, e = unit_span(text, hit, unit)
            key = (hit.document, code, s, e)
            if key in seen or e <= s:
                continue
            seen.add(key)
            out.append(Planned(hit.document, hit.document_name, code, s, e, text[s:e], hit.turn, hit.speaker, pattern))
    if coder:
        existing = {(c.document, c.code, c.start, c.end) for c in project.codings.list(coder=coder)}
        for p in out:
            p.exists = (p.document, p.code, p.start, p.end) in existing
    out.sort(key=lambda p: (p.document_name.casefold(), p.start, p.end, p.code))
    return out


def keyword_jobs(project, codes: list[str] | None = None) -> list[tuple[str, str, dict]]:
    """(code, keyword, options) for each keyword of each code (or of the given codes and their
    sub-codes): whole words, ignoring case; 'werkdruk*' also finds longer words."""
    tree = project.codebook.tree()
    chosen = None
    if codes:
        chosen = set()
        for ref in codes:
            c = project.codebook.get(ref)
            chosen.add(c.uuid)
            chosen.update(k.uuid for k in tree.descendants(c.uuid))
    jobs = []
    for code in tree:
        if chosen is not None and code.uuid not in chosen:
            continue
        for kw in code.keywords:
            if kw.strip():
                jobs.append((code.uuid, kw.strip(), {"whole_words": True}))
    if not jobs:
        raise ProjectError("no code has keywords to search for (add them with 'qualcode codebook edit CODE --keywords').")
    return jobs


def apply(project, planned: list[Planned], coder: str, description: str) -> int:
    """Code the planned spans (one undo step); returns how many codings were added."""
    items = [NewCoding(p.document, p.code, coder, p.start, p.end, origin="auto") for p in planned if not p.exists]
    if not items:
        return 0
    added, _ = project.codings.add_many(items, skip_duplicates=True, description=description)
    return len(added)
