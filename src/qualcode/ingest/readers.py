"""Transcript readers: ``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt`` → :class:`ParsedTranscript`.

Text layouts (txt, md, docx) keep their text and get their turns from :func:`detect_turns`.
Cue layouts (vtt, srt) are rebuilt as one paragraph per turn, ``Speaker: text`` (or just the text
when the cues carry no speaker), paragraphs separated by a blank line; consecutive cues of the same
speaker are merged into one turn.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import InputError
from qualcode.ingest.encoding import canonicalise, read_text_file
from qualcode.ingest.model import ParsedTranscript, ParsedTurn
from qualcode.ingest.turns import detect_turns, is_role_label

SUPPORTED_SUFFIXES = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".docx": "docx", ".vtt": "vtt", ".srt": "srt", ".pdf": "pdf", ".odt": "odt", ".rtf": "rtf",
}  # fmt: skip


def read_transcript(path: str | Path, speaker_pattern: str | None = None) -> ParsedTranscript:
    """Read one transcript file. ``speaker_pattern`` (a regex with a ``speaker`` group) overrides
    speaker detection in text layouts; cue layouts (vtt, srt) take speakers from their cues."""
    path = Path(path)
    fmt = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        suffix = path.suffix or "(none)"
        raise InputError(
            path, f"unsupported file type '{suffix}'; qualcode reads .txt, .md, .docx, .vtt, .srt, .pdf, .odt "
            "and .rtf (and survey answers in .csv or .xlsx with 'qualcode import-survey')."
        )
    if fmt in ("pdf", "odt", "rtf"):
        from qualcode.ingest.office_readers import READERS

        return READERS[path.suffix.lower()](path, speaker_pattern)
    text = read_docx_text(path) if fmt == "docx" else read_text_file(path)
    if fmt in ("vtt", "srt"):
        cues = parse_vtt(text, path) if fmt == "vtt" else parse_srt(text, path)
        if not cues:
            raise InputError(path, "the file has no cues with text.")
        text, turns, times = _assemble(cues)
        return ParsedTranscript(text, turns, source_format=fmt, times=times)
    return ParsedTranscript(text, detect_turns(text, speaker_pattern), source_format=fmt)


# --- Word ---------------------------------------------------------------------------------------


def read_docx_text(path: Path) -> str:
    """Paragraphs and table rows of a .docx in document order, joined by blank lines (canonical).

    A paragraph that opens with a short bold run and no colon (``**Interviewer** Hello``) is written
    as ``Interviewer: Hello``; table cells are joined by tabs.
    """
    import docx  # python-docx; imported lazily
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    if not path.is_file():
        raise InputError(path, "the file does not exist.")
    try:
        document = docx.Document(str(path))
        blocks: list[str | tuple[str, str]] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks.extend(_table_rows(block))
            else:
                blocks.append(_paragraph_text(block))
        blocks = _apply_bold_labels(blocks)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            path, "this is not a readable Word .docx file (it may be damaged or truncated)."
        ) from exc
    except Exception as exc:  # lxml XMLSyntaxError and friends from a broken document.xml
        detail = str(exc).split("\n")[0][:160] if "XML" in type(exc).__name__ else ""
        raise InputError(path, "the Word document is damaged: its XML cannot be read"
                         + (f" ({detail})" if detail else "") + "; open and save it again in Word, or save it as .txt."
                         ) from exc
    text = canonicalise("\n\n".join(b.strip() for b in blocks if b.strip()))
    if not text.strip():
        raise InputError(path, "the Word document contains no text.")
    return text


def _paragraph_text(paragraph) -> str | tuple[str, str]:
    """The paragraph's text, or (label, rest) when it opens with a short bold run without a colon."""
    text = paragraph.text
    bold = ""
    for run in paragraph.runs:
        if not run.bold:
            break
        bold += run.text
    label, stripped = bold.strip(), text.lstrip()
    if not label or ":" in label or len(label) > 40 or len(label.split()) > 5:
        return text
    if not stripped.startswith(label):
        return text
    rest = stripped[len(label) :].strip()
    return (label, rest) if rest and not rest.startswith(":") else text


def _apply_bold_labels(blocks: list[str | tuple[str, str]]) -> list[str]:
    """Write a bold label as ``Label: rest`` when it is a role (Interviewer, R1), opens two or more
    paragraphs, or is used as ``Label:`` elsewhere in the document; else keep ``Label rest``."""
    labels = [b[0].casefold() for b in blocks if isinstance(b, tuple)]
    colon_names = {
        b.split(":", 1)[0].strip().casefold() for b in blocks if isinstance(b, str) and ":" in b[:50]
    }
    out = []
    for block in blocks:
        if isinstance(block, tuple):
            label, rest = block
            key = label.casefold()
            known = is_role_label(label) or labels.count(key) >= 2 or key in colon_names
            out.append(f"{label}: {rest}" if known else f"{label} {rest}")
        else:
            out.append(block)
    return out


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # merged cells repeat
                continue
            seen.add(id(cell._tc))
            if cell.text.strip():
                cells.append(" ".join(cell.text.split()))
        if cells:
            rows.append("\t".join(cells))
    return rows


# --- cues (WebVTT, SRT) -------------------------------------------------------------------------


@dataclass
class Cue:
    start_ms: int
    end_ms: int
    speaker: str | None
    text: str


_VTT_TS = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"\s*{_VTT_TS}\s*-->\s*{_VTT_TS}(?:\s+.*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d[\d:.]*>|\{\\[^}]*\}")
_ZOOM_PREFIX = re.compile(r"([^:<>\n]{1,60}?):\s+(?=\S)")


def _ms(h, m, s, frac) -> int:
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int(frac.ljust(3, "0"))


def _parse_timing(line: str, path, lineno: int) -> tuple[int, int]:
    m = _TIMING.fullmatch(line)
    if not m:
        raise InputError(
            path,
            f"bad cue timing line {line.strip()[:60]!r}; expected 'hh:mm:ss.mmm --> hh:mm:ss.mmm'.",
            line=lineno,
        )
    g = m.groups()
    for hours, minutes, seconds, _frac in (g[:4], g[4:]):
        if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
            raise InputError(path, f"bad timestamp in cue timing line {line.strip()[:60]!r}.", line=lineno)
    start, end = _ms(*g[:4]), _ms(*g[4:])
    if end < start:
        raise InputError(path, "a cue ends before it starts.", line=lineno)
    return start, end


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks, each with the 1-based number of its first line."""
    blocks, current, first = [], [], 0
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                first = n
            current.append(line)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def parse_vtt(text: str, path=None) -> list[Cue]:
    """Cues of a WebVTT file, with speakers from ``<v Name>`` tags or a Zoom ``Name: `` prefix."""
    if not re.match(r"WEBVTT(?:[ \t]|$)", text.split("\n", 1)[0].lstrip("\ufeff")):
        raise InputError(path, "not a WebVTT file: the first line must be 'WEBVTT'.", line=1)
    blocks = _blocks(text)
    header_lineno, header = blocks[0]
    # The header ends at the first blank line; tolerate a first cue glued to it.
    glued = next((k for k, line in enumerate(header) if "-->" in line), None)
    blocks[0] = (header_lineno + glued, header[glued:]) if glued else (0, [])
    raw: list[tuple[int, int, str]] = []
    for lineno, block in blocks:
        if not block:
            continue
        head = block[0].strip()
        if re.match(r"(NOTE|STYLE|REGION)(\s|$)", head):
            continue
        idx = 0 if "-->" in block[0] else 1
        if idx >= len(block) or "-->" not in block[idx]:
            raise InputError(
                path, "expected a cue timing line 'hh:mm:ss.mmm --> hh:mm:ss.mmm'.", line=lineno + idx
            )
        start, end = _parse_timing(block[idx], path, lineno + idx)
        raw.append((start, end, "\n".join(block[idx + 1 :])))
    return _speakers(raw)


def parse_srt(text: str, path=None) -> list[Cue]:
    """Cues of an SRT file (index line optional), with speakers from a ``Name: `` prefix."""
    raw: list[tuple[int, int, str]] = []
    for lineno, block in _blocks(text):
        idx = 0 if "-->" in block[0] else 1
        if idx >= len(block) or "-->" not in block[idx]:
            raise InputError(
                path, "expected a subtitle timing line 'hh:mm:ss,mmm --> hh:mm:ss,mmm'.", line=lineno + idx
            )
        start, end = _parse_timing(block[idx], path, lineno + idx)
        raw.append((start, end, "\n".join(block[idx + 1 :])))
    return _speakers(raw)


def _clean(text: str) -> str:
    text = html.unescape(_TAG.sub("", text))
    return " ".join(canonicalise(text).split())


def _speakers(raw: list[tuple[int, int, str]]) -> list[Cue]:
    """Split cue texts into (speaker, text) pieces: voice tags first, else a ``Name: `` prefix when
    most cues have one (a caption track without speakers keeps speaker None)."""
    cues: list[Cue] = []
    untagged: list[Cue] = []
    for start, end, body in raw:
        pieces = _VOICE.split(body)
        if len(pieces) == 1:
            cue = Cue(start, end, None, _clean(body))
            untagged.append(cue)
            cues.append(cue)
            continue
        if _clean(pieces[0]):
            cues.append(Cue(start, end, None, _clean(pieces[0])))
        for name, part in zip(pieces[1::2], pieces[2::2], strict=True):
            speaker = " ".join(canonicalise(html.unescape(name or "")).split()) or None
            cues.append(Cue(start, end, speaker, _clean(part)))
    prefixed = [(c, _ZOOM_PREFIX.match(c.text)) for c in untagged]
    with_prefix = [(c, m) for c, m in prefixed if m and len(m[1].split()) <= 5]
    if untagged and len(with_prefix) * 2 > len(untagged):
        for cue, m in with_prefix:
            cue.speaker, cue.text = " ".join(m[1].split()), cue.text[m.end() :].strip()
    return [c for c in cues if c.text]


_SENTENCE_END = re.compile(r"[.?!…]['\"\u2019\u201d)]*$")


def _assemble(cues: list[Cue]) -> tuple[str, list[ParsedTurn], list[tuple[int, int]]]:
    """Merge consecutive cues of one speaker and write the canonical text with turn offsets.

    Cues without a speaker are merged until one ends a sentence, so captions read as sentences.
    Every cue's start time is kept as (offset of its first character, milliseconds), so a passage
    inside a merged turn can still be cited to the second."""
    groups: list[list[Cue]] = []
    for cue in cues:
        if (
            groups
            and groups[-1][-1].speaker == cue.speaker
            and (cue.speaker is not None or not _SENTENCE_END.search(groups[-1][-1].text))
        ):
            groups[-1].append(cue)
        else:
            groups.append([cue])
    parts: list[str] = []
    turns: list[ParsedTurn] = []
    times: list[tuple[int, int]] = []
    pos = 0
    for group in groups:
        speaker = group[0].speaker
        body = " ".join(c.text for c in group)
        prefix = f"{speaker}: " if speaker else ""
        if parts:
            pos += 2  # the "\n\n" separator
        start = pos + len(prefix)
        offset = start
        for c in group:
            if not times or times[-1][1] != c.start_ms:
                times.append((offset, c.start_ms))
            offset += len(c.text) + 1
        parts.append(prefix + body)
        pos += len(prefix) + len(body)
        turns.append(ParsedTurn(speaker, start, pos, group[0].start_ms, group[-1].end_ms))
    return "\n\n".join(parts), turns, times
