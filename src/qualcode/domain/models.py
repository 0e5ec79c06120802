"""Domain objects: plain dataclasses, no I/O.

All positions are Python string indices (code points) into a document's canonical text,
half-open ``[start, end)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOCUMENT_KINDS = ("interview", "focus_group", "other", "text", "survey")
# Kinds whose text is a transcript (speaker turns). "text" is a document that is not one (a report,
# a paper, comments); "survey" holds open answers, one turn per respondent.
TRANSCRIPT_KINDS = ("interview", "focus_group", "other")
ORIGINS = ("human", "suggestion", "auto")
CASE_ROLES = ("respondent", "interviewer")


@dataclass(frozen=True)
class Document:
    uuid: str
    name: str
    kind: str
    text: str
    sha256: str
    source_path: str | None = None
    source_format: str | None = None
    imported_at: str | None = None

    @property
    def length(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class DocumentSummary:
    """A document without its text, with the figures the document list shows."""

    uuid: str
    name: str
    kind: str
    length: int
    words: int
    turns: int
    respondents: tuple[str, ...]
    codings: int
    coded_chars: int

    @property
    def coded_share(self) -> float:
        return self.coded_chars / self.length if self.length else 0.0


@dataclass(frozen=True)
class Turn:
    document: str
    index: int
    speaker: str | None
    start: int
    end: int
    timestamp_ms: int | None = None
    case: str | None = None


@dataclass(frozen=True)
class Case:
    uuid: str
    name: str
    role: str = "respondent"
    attributes: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Code:
    uuid: str
    name: str
    parent: str | None = None
    label: str = ""
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    colour: str | None = None
    position: int = 0
    domain: str | None = None


@dataclass(frozen=True)
class Coding:
    uuid: str
    document: str
    code: str
    coder: str
    start: int
    end: int
    text: str
    memo: str = ""
    origin: str = "human"
    created_at: str | None = None
    source: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class Memo:
    uuid: str
    target_type: str  # project | document | code | case
    target: str | None
    author: str
    text: str
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    at: str
    coder: str | None
    action: str
    description: str
    undone: bool
