"""Text search across the study: every hit with document, turn, speaker, timestamp and context.

Plain functions on a Project (read-only); the CLI (``qualcode search``), auto-coding and the TUI's
study search use them. A pattern is literal unless ``regex``; ``whole_words`` anchors it at word
boundaries; matching ignores case unless ``case_sensitive``. ``--where`` works as in the exports
(attributes, ``respondent``, ``document``, ``kind``, ``set``), applied to the speaker of the turn a
hit is in (or to the document when the turn has no respondent). The context stays inside the
hit's turn, so it never shows another speaker's words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass

from qualcode.errors import ProjectError

SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+")


@dataclass
class Hit:
    document: str  # uuid
    document_name: str
    start: int
    end: int
    match: str
    before: str
    after: str
    turn: int | None  # 1-based, as 'qualcode show' numbers turns
    speaker: str | None
    role: str | None  # respondent | interviewer | None
    case: str | None  # case uuid
    timestamp_ms: int | None
    turn_start: int | None = None
    turn_end: int | None = None

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("turn_start")
        d.pop("turn_end")
        return d


def compile_pattern(pattern: str, regex: bool = False, whole_words: bool = False,
                    case_sensitive: bool = False) -> re.Pattern:
    if not pattern:
        raise ProjectError("give a search pattern (the text to find).")
    body = pattern if regex else re.escape(pattern)
    if not regex:
        body = re.sub(r"(\\ )+", r"\\s+", body)  # white space in a phrase matches line breaks too
        if pattern.endswith("*") and len(pattern) > 1:  # 'werkdruk*' finds werkdrukte too
            body = body[:-2] + r"\w*"
    if whole_words:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    try:
        return re.compile(body, 0 if case_sensitive else re.IGNORECASE)
    except re.error as exc:
        raise ProjectError(f"the regular expression '{pattern}' is not valid ({exc}).") from None


class _Turns:
    def __init__(self, turns, roles: dict[str, str]):
        self.turns = turns
        self.starts = [t.start for t in turns]
        self.roles = roles

    def at(self, pos: int):
        i = bisect_right(self.starts, pos) - 1
        if i >= 0 and self.turns[i].start <= pos < max(self.turns[i].end, self.turns[i].start + 1):
            return self.turns[i]
        return None


def _context(text: str, start: int, end: int, chars: int, lo: int = 0, hi: int | None = None) -> tuple[str, str]:
    """Up to ``chars`` characters each side, cut at words and kept inside ``[lo, hi)`` (the turn)."""
    hi = len(text) if hi is None else hi
    if chars <= 0:
        return "", ""
    a, b = max(lo, start - chars), min(hi, end + chars)
    before, after = text[a:start], text[end:b]
    if a > lo and " " in before:  # start at a word
        before = before[before.index(" ") + 1:]
    if b < hi and " " in after:
        after = after[:after.rindex(" ")]
    return before, after


class Corpus:
    """The documents, turns and speaker roles a search runs over, read once (several searches,
    such as one per codebook keyword, share it)."""

    def __init__(self, project, documents: list[str] | None = None, where: list | None = None):
        self.docs = [project.documents.get(ref) for ref in documents] if documents else \
            [project.documents.get(d.uuid) for d in project.documents.list()]
        self.roles = {c.uuid: c.role for c in project.cases.list()}
        self.turns = {d.uuid: _Turns(project.documents.turns(d.uuid), self.roles) for d in self.docs}
        self.filter = _where_filter(project, where) if where else None
        self._folded: dict[str, str] = {}

    def may_contain(self, doc, needle: str | None) -> bool:
        """False when the document cannot hold a hit: it lacks ``needle`` (case-folded)."""
        if not needle:
            return True
        if doc.uuid not in self._folded:
            self._folded[doc.uuid] = doc.text.casefold()
        return needle in self._folded[doc.uuid]


def literal_needle(pattern: str, regex: bool) -> str | None:
    """A piece of text every hit of a literal pattern contains (its longest word), for skipping
    documents cheaply; None for regular expressions."""
    if regex:
        return None
    words = [w for w in pattern.rstrip("*").split() if w]
    return max(words, key=len).casefold() if words else None


def search(project, pattern: str, regex: bool = False, whole_words: bool = False, case_sensitive: bool = False,
           documents: list[str] | None = None, where: list | None = None, context: int = 80,
           speakers: str = "all", compiled: re.Pattern | None = None, corpus: Corpus | None = None,
           literal: bool | None = None) -> list[Hit]:
    """Every hit of ``pattern`` in the chosen documents, in document and text order.

    ``speakers``: "all", or "respondents" (only hits inside respondent turns). With ``compiled``,
    ``literal=False`` says the pattern is a regular expression (documents are then not skipped by
    their text).
    """
    rx = compiled or compile_pattern(pattern, regex, whole_words, case_sensitive)
    corpus = corpus or Corpus(project, documents, where)
    flt, roles = corpus.filter, corpus.roles
    needle = literal_needle(pattern, regex if compiled is None else literal is not True)
    out: list[Hit] = []
    for doc in corpus.docs:
        if not corpus.may_contain(doc, needle):
            continue
        turns = corpus.turns[doc.uuid]
        for m in rx.finditer(doc.text):
            if m.end() <= m.start():
                continue
            t = turns.at(m.start())
            role = roles.get(t.case) if t is not None and t.case else None
            if speakers == "respondents" and role != "respondent":
                continue
            if flt is not None and not flt(t.case if t is not None else None, doc.uuid):
                continue
            lo, hi = (t.start, max(t.end, m.end())) if t is not None else (0, len(doc.text))
            before, after = _context(doc.text, m.start(), m.end(), context, min(lo, m.start()), hi)
            out.append(Hit(doc.uuid, doc.name, m.start(), m.end(), m.group(0), before, after,
                           t.index + 1 if t is not None else None, t.speaker if t is not None else None, role,
                           t.case if t is not None else None, t.timestamp_ms if t is not None else None,
                           t.start if t is not None else None, t.end if t is not None else None))
    return out


def _where_filter(project, where):
    """A predicate (case uuid or None, document uuid) -> bool from ``--where`` conditions."""
    from qualcode.export.dataset import load
    from qualcode.export.options import ExportOptions, parse_where

    conditions = parse_where(where) if where and isinstance(where[0], str) else list(where)
    with project.read_only():
        data = load(project, ExportOptions(where=conditions, codes=[]))

    def passes(case: str | None, doc: str) -> bool:
        info = data.cases.get(case) if case else None
        if info is not None and info.role != "respondent":
            info = None
        return data.filter.passes(info, data.documents.get(doc))

    return passes


def sentence_span(text: str, start: int, end: int, lo: int = 0, hi: int | None = None) -> tuple[int, int]:
    """The sentence(s) around ``[start, end)``, not leaving ``[lo, hi)`` (the turn)."""
    hi = len(text) if hi is None else hi
    s = lo
    for m in SENTENCE_END.finditer(text, lo, start):
        s = m.end()
    e = hi
    m = SENTENCE_END.search(text, end, hi)
    if m:
        e = m.start()
    # do not start on white space or a newline
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, max(e, min(end, hi))
