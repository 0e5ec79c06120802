"""Speaker-turn detection in plain-text transcripts (pure functions, no I/O).

Each line is first classified as a *candidate* label in one of these styles:

- ``zoom``    ``[Name] 11:02:09`` on its own line (Zoom "save transcript"); the text follows
- ``otter``   ``Name  0:05`` / ``Name (0:05)`` on its own line (Otter and similar); the text follows
- ``heading`` ``### Interviewer`` or ``**Interviewer**`` on its own line (Markdown)
- ``colon``   ``Name: text``, ``**Name:** text``, ``Name (00:01:02): text``, ``Name<TAB>text``
- ``bracket`` ``[Name] text``, ``[id1] text``

Candidates are then filtered to avoid false positives ("Ik zei: nee", ``[laughter]``, a header
block with ``Datum: …``), and only the document's dominant style is kept. A line that is not a label
continues the current turn, across blank lines; text before the first label belongs to no turn.
A document without any label is split into paragraphs, each a turn without a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from qualcode.errors import InputError
from qualcode.ingest.model import ParsedTurn

TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_WORD = r"(?:[^\W_][\w.'\u2019\-]*(?:\([\w.'\u2019\- ]*\))?|\([\w.'\u2019\- ]+\))"
NAME = rf"(?P<name>{_WORD}(?: {_WORD}){{0,4}})"
_BTS = rf"[(\[](?P<ts>{TS})[)\]]"  # a bracketed timestamp

_ZOOM = re.compile(rf"\[{NAME}\][ \t]+(?P<ts>{TS})")
_OTTER = re.compile(rf"{NAME}(?:(?:[ \t]{{2,}}|\t)(?P<ts>{TS})|[ \t]*[(\[](?P<ts2>{TS})[)\]])")
_HEADING = re.compile(rf"(?P<hashes>#{{1,6}})[ \t]+(?:\*\*)?{NAME}(?:\*\*)?[ \t]*:?(?:[ \t]*{_BTS})?[ \t]*#*")
_BOLD_LINE = re.compile(rf"\*\*{NAME}:?\*\*:?(?:[ \t]*{_BTS})?")
_COLON_BOLD = re.compile(rf"\*\*{NAME}(?:[ \t]*{_BTS})?(?::\*\*|\*\*[ \t]?:)(?=\s|$)")
_COLON = re.compile(rf"{NAME}(?:[ \t]*{_BTS})?[ \t]?:(?=\s|$)")
_TAB = re.compile(rf"{NAME}\t+(?=\S)")
_BRACKET = re.compile(rf"\[{NAME}\]:?(?=\s|$)")
_PREFIX_TS = re.compile(rf"[\[(]?(?P<ts>{TS})[\])]?[ \t]+")
_TS_LINE = re.compile(rf"[\[(]?(?P<ts>{TS})[\])]?")
_ANY_HEADING = re.compile(r"#{1,6}[ \t]")
_RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,}|={3,})|Transcribed by https?://otter\.ai.*")
_LEADING_TS = re.compile(rf"[\[(](?P<ts>{TS})[)\]]\s*")  # pure timestamp: dropped from the turn
_LEADING_NOTE_TS = re.compile(rf"\[[^\]\n]{{1,60}}?[ \t](?P<ts>{TS})\]")  # [Pallis 00:00:52]: kept

_STYLE_ORDER = ("zoom", "otter", "heading", "colon", "bracket")  # tie-break for the dominant style

ROLES = {
    "interviewer", "interviewee", "int", "i", "r", "q", "a", "p", "d", "s", "m", "t", "respondent",
    "resp", "moderator", "mod", "facilitator", "participant", "deelnemer", "spreker", "speaker",
    "onderzoeker", "geïnterviewde", "geinterviewde", "gespreksleider", "interviewster", "vraag",
    "antwoord", "question", "answer", "student", "leerling", "docent", "leerkracht", "teacher",
}  # fmt: skip
HEADER_KEYS = {
    "date", "datum", "time", "tijd", "place", "plaats", "location", "locatie", "duration", "duur",
    "length", "lengte", "title", "titel", "project", "transcript", "transcriptie", "participants",
    "deelnemers", "recording", "opname", "transcriber", "transcribent", "subject", "onderwerp",
    "interview", "version", "versie", "language", "taal", "setting", "note", "notes", "notitie",
    "opmerking", "opmerkingen", "file", "bestand", "source", "bron", "summary", "samenvatting",
}  # fmt: skip
NOT_LABELS = {  # words that start sentences or annotations, never speakers
    "conclusion", "conclusie", "nb", "n.b.", "ps", "p.s.", "example", "voorbeeld", "tip", "let op",
    "dus", "so", "well", "nou", "maar", "but", "and", "en", "ja", "yes", "nee", "no", "ok", "oké",
    "warning", "let wel", "edit", "update", "link", "url", "e-mail", "email", "tel", "website",
}  # fmt: skip
NON_SPEAKERS = {  # bracketed annotations: [laughter], [inaudible]
    "laughter", "laughs", "laughing", "laugh", "inaudible", "crosstalk", "cross talk", "pause",
    "silence", "music", "applause", "unclear", "noise", "cough", "coughs", "interruption",
    "overlapping", "lacht", "gelach", "stilte", "onverstaanbaar", "pauze", "onduidelijk", "muziek",
    "end", "einde", "unintelligible", "background noise", "sic", "redacted", "name", "naam",
}  # fmt: skip
PARTICLES = {"van", "de", "der", "den", "von", "ten", "ter", "'t", "da", "di", "du", "le", "la",
             "bin", "al", "el", "del", "dos", "het", "op", "in", "'s"}  # fmt: skip


@dataclass
class _Label:
    line: int
    style: str
    speaker: str
    ts: int | None
    content: int | None  # offset where spoken text starts on the label's own line, if any
    level: int = 0  # heading level (7 for a bold line)


def parse_timestamp(value: str | None) -> int | None:
    """``"1:02:03"``, ``"02:03"``, ``"0:05"``, ``"00:01:02.5"`` → milliseconds; None if unparseable."""
    if not value:
        return None
    m = re.fullmatch(r"\s*(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?\s*", value)
    if not m:
        return None
    hours, minutes, seconds, frac = m.groups()
    ms = int((frac or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


def detect_turns(text: str, speaker_pattern: str | None = None) -> list[ParsedTurn]:
    """Find the speaker turns in ``text`` (which should be canonical).

    ``speaker_pattern`` is a regular expression with a named group ``speaker`` (and optionally
    ``timestamp``), matched at the start of each line; it replaces the built-in detection.
    Raises InputError (field ``speaker_pattern``) for an invalid pattern.
    """
    strs = text.split("\n")
    lines = _split_lines(strs)
    if speaker_pattern is not None:
        labels = _pattern_labels(strs, lines, speaker_pattern)
        return _build(text, lines, labels, breaks=set())
    candidates, breaks = _classify(strs, lines)
    labels = _select(candidates, strs)
    if not labels:
        return _paragraphs(text, lines)
    heading_lines = {i for i, (s, e) in enumerate(lines) if _ANY_HEADING.match(text, s, e)}
    breaks |= heading_lines - {label.line for label in labels}
    return _build(text, lines, labels, breaks)


# --- classification ---------------------------------------------------------------------------


def _split_lines(strs: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for part in strs:
        spans.append((pos, pos + len(part)))
        pos += len(part) + 1
    return spans


def _clean_name(name: str) -> str:
    return " ".join(name.split())


def _classify(strs: list[str], lines: list[tuple[int, int]]) -> tuple[list[_Label], set[int]]:
    candidates: list[_Label] = []
    breaks: set[int] = set()
    skip = _front_matter(strs)
    for i, (start, _end) in enumerate(lines):
        line = strs[i].rstrip()
        if i in skip or not line or line[0].isspace():
            continue
        if _RULE.fullmatch(line):
            breaks.add(i)
            continue
        label = _classify_line(line, i, start)
        if label is not None:
            candidates.append(label)
    return candidates, breaks


def _classify_line(line: str, i: int, start: int) -> _Label | None:
    for style, rx in (("zoom", _ZOOM), ("otter", _OTTER), ("heading", _HEADING), ("heading", _BOLD_LINE)):
        m = rx.fullmatch(line)
        if m:
            groups = m.groupdict()
            ts = parse_timestamp(groups.get("ts") or groups.get("ts2"))
            level = len(groups["hashes"]) if groups.get("hashes") else 7
            return _Label(i, style, _clean_name(m["name"]), ts, None, level)
    prefix_ts, offset = None, 0
    pm = _PREFIX_TS.match(line)
    if pm:
        prefix_ts, offset = parse_timestamp(pm["ts"]), pm.end()
    for style, rx in (("colon", _COLON_BOLD), ("colon", _COLON), ("colon", _TAB), ("bracket", _BRACKET)):
        m = rx.match(line, offset)
        if m:
            ts = parse_timestamp(m.groupdict().get("ts"))
            ts = prefix_ts if ts is None else ts
            rest = m.end()
            while rest < len(line) and line[rest].isspace():
                rest += 1
            content = start + rest if rest < len(line) else None
            return _Label(i, style, _clean_name(m["name"]), ts, content)
    return None


def _front_matter(text_lines: list[str]) -> set[int]:
    """Lines of a YAML front-matter block (``---`` … ``---``) at the top of a Markdown file."""
    if not text_lines or text_lines[0].strip() != "---":
        return set()
    for j in range(1, min(len(text_lines), 60)):
        if text_lines[j].strip() in ("---", "..."):
            return set(range(j + 1))
    return set()


# --- selection --------------------------------------------------------------------------------


def _key(name: str) -> str:
    return name.casefold()


def is_role_label(name: str) -> bool:
    """True for generic role labels: Interviewer, I, R1, D3, Moderator, Speaker 2, Vraag, …"""
    base = re.sub(r"[\s\d.\-]+$", "", name.casefold()).strip()
    return base in ROLES


def _name_shaped(name: str, count: int) -> bool:
    if len(name) > 50 or not any(ch.isalpha() for ch in name):
        return False
    words = name.split()
    first = words[0]
    if not (first[0].isupper() or any(ch.isdigit() for ch in first) or is_role_label(name) or count >= 3):
        return False
    for word in words[1:]:
        if not (word[0].isupper() or word[0].isdigit() or word[0] == "(" or word.casefold() in PARTICLES):
            return False
    return True


def _at_boundary(i: int, strs: list[str], candidate_lines: set[int]) -> bool:
    """True when line ``i`` starts the document or a paragraph, or follows another label line."""
    return i == 0 or not strs[i - 1].strip() or (i - 1) in candidate_lines


def _header_block(candidates: list[_Label], lines: list[str]) -> set[int]:
    """Label-like lines of a leading ``Datum: …`` block (up to the first blank line) → no turn."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return set()
    end = next((i for i in range(first, len(lines)) if not lines[i].strip()), len(lines))
    block = [c for c in candidates if first <= c.line < end]
    if block and _key(block[0].speaker) in HEADER_KEYS and any(c.line >= end for c in candidates):
        return {c.line for c in block}
    return set()


def _select(candidates: list[_Label], strs: list[str]) -> list[_Label]:
    counts = Counter(_key(c.speaker) for c in candidates)
    candidate_lines = {c.line for c in candidates}
    header = _header_block(candidates, strs)
    heading_levels = {
        c.level
        for c in candidates
        if c.style == "heading" and (counts[_key(c.speaker)] >= 2 or is_role_label(c.speaker))
    }
    accepted = []
    for c in candidates:
        key, n = _key(c.speaker), counts[_key(c.speaker)]
        if c.line in header or key in NON_SPEAKERS or key in NOT_LABELS:
            continue
        if c.style in ("zoom", "otter"):
            ok = True
        elif c.style == "heading":
            ok = c.level in heading_levels and not (set(key.split()) & HEADER_KEYS)
        else:
            ok = key not in HEADER_KEYS and _name_shaped(c.speaker, n)
            ok = ok and (n >= 2 or is_role_label(c.speaker) or _at_boundary(c.line, strs, candidate_lines))
        if ok:
            accepted.append(c)
    styles = Counter(c.style for c in accepted)
    if not styles:
        return []
    dominant = max(styles, key=lambda s: (styles[s], -_STYLE_ORDER.index(s)))
    return [c for c in accepted if c.style == dominant]


def _pattern_labels(strs: list[str], lines: list[tuple[int, int]], pattern: str) -> list[_Label]:
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        raise InputError(None, f"the speaker pattern is not a valid regular expression ({exc}).",
                         field="speaker_pattern") from exc  # fmt: skip
    if "speaker" not in rx.groupindex:
        raise InputError(None, "the speaker pattern needs a named group (?P<speaker>…).",
                         field="speaker_pattern")  # fmt: skip
    labels = []
    for i, (start, _end) in enumerate(lines):
        line = strs[i]
        m = rx.match(line)
        if not m or not (m["speaker"] or "").strip():
            continue
        ts = parse_timestamp(m["timestamp"]) if "timestamp" in rx.groupindex else None
        rest = m.end()
        while rest < len(line) and line[rest].isspace():
            rest += 1
        content = start + rest if rest < len(line) else None
        labels.append(_Label(i, "pattern", _clean_name(m["speaker"]), ts, content))
    return labels


# --- building turns ---------------------------------------------------------------------------


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


class _Open:
    def __init__(self, speaker: str | None, ts: int | None):
        self.speaker, self.ts = speaker, ts
        self.start: int | None = None
        self.end = 0

    def extend(self, text: str, start: int, end: int) -> None:
        span = _trimmed(text, start, end)
        if span:
            if self.start is None:
                self.start = span[0]
            self.end = span[1]

    def close(self, text: str) -> ParsedTurn | None:
        if self.start is None:
            return None
        start, ts = self.start, self.ts
        m = _LEADING_TS.match(text, start, self.end)
        if m:
            ts = ts if ts is not None else parse_timestamp(m["ts"])
            if m.end() < self.end:
                start = m.end()
        else:
            m = _LEADING_NOTE_TS.match(text, start, self.end)
            if m and ts is None:
                ts = parse_timestamp(m["ts"])
        return ParsedTurn(self.speaker, start, self.end, ts)


def _build(text: str, lines, labels: list[_Label], breaks: set[int]) -> list[ParsedTurn]:
    by_line = {label.line: label for label in labels}
    turns: list[ParsedTurn] = []
    current: _Open | None = None
    pending_ts: int | None = None

    def close() -> None:
        if current is not None and (turn := current.close(text)) is not None:
            turns.append(turn)

    for i, (start, end) in enumerate(lines):
        if i in by_line:
            close()
            label = by_line[i]
            current = _Open(label.speaker, label.ts if label.ts is not None else pending_ts)
            pending_ts = None
            if label.content is not None:
                current.extend(text, label.content, end)
        elif i in breaks:
            close()
            current = None
        elif (m := _TS_LINE.fullmatch(text[start:end].strip())) and _next_is_label(i, lines, text, by_line):
            close()
            current, pending_ts = None, parse_timestamp(m["ts"])
        elif current is not None:
            current.extend(text, start, end)
    close()
    return turns


def _next_is_label(i: int, lines, text: str, by_line: dict[int, _Label]) -> bool:
    for j in range(i + 1, len(lines)):
        if text[lines[j][0] : lines[j][1]].strip():
            return j in by_line
    return False


def _paragraphs(text: str, lines) -> list[ParsedTurn]:
    turns, para_start, para_end = [], None, None
    for start, end in [*lines, (len(text), len(text))]:
        if text[start:end].strip():
            para_start = start if para_start is None else para_start
            para_end = end
        elif para_start is not None:
            span = _trimmed(text, para_start, para_end)
            if span:
                turns.append(ParsedTurn(None, span[0], span[1]))
            para_start = None
    return turns


def paragraph_turns(text: str) -> list[ParsedTurn]:
    """The paragraphs of ``text`` as turns without a speaker (for texts that are not transcripts)."""
    return _paragraphs(text, _split_lines(text.split("\n")))
