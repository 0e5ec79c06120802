"""What the transcript readers return: canonical text plus speaker turns (no database, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParsedTurn:
    """One speaker turn. ``start``/``end`` are code-point offsets into the canonical text, half-open,
    covering the spoken text only (not the label), with no surrounding white space."""

    speaker: str | None
    start: int
    end: int
    timestamp_ms: int | None = None
    end_ms: int | None = None


@dataclass
class ParsedTranscript:
    text: str  # canonical: NFC, \n line endings, no BOM
    turns: list[ParsedTurn] = field(default_factory=list)
    source_format: str = "txt"  # "txt", "md", "docx", "vtt", "srt", "pdf", "odt", "rtf"
    kind: str | None = None  # "text" when the reader knows the document is not a transcript
    pages: list[tuple[int, int]] = field(default_factory=list)  # (offset where a page starts, page number)
    times: list[tuple[int, int]] = field(default_factory=list)  # (offset where a cue starts, milliseconds)

    @property
    def speakers(self) -> list[str]:
        """Distinct speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            if turn.speaker is not None:
                seen.setdefault(turn.speaker, None)
        return list(seen)

    def turn_text(self, turn: ParsedTurn) -> str:
        return self.text[turn.start : turn.end]
