"""Is a text a transcript? Detected speaker labels are trusted only when most paragraphs open with one.

A corpus of comments, a paper or a report has lines such as ``Covid: …`` or ``10 Ms. Ash`` that look
like speaker labels; treated as turns they invent respondents that never existed. A transcript has a
label at the start of most of its paragraphs (blank-line separated blocks; in a text without blank
lines, runs of lines broken where a line ends a sentence or stops short).
"""

from __future__ import annotations

import bisect
import re

from qualcode.ingest.turns import detect_turns, paragraph_turns

MIN_SHARE = 0.5
_ENDS = re.compile(r"[.!?…:;'\"’”)\]]$")


def labelled_share(text: str, turns: list) -> float:
    """The share of paragraphs in which a speaker turn starts on the first or second line."""
    lines = text.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    blank = [not line.strip() for line in lines]
    body = [i for i, b in enumerate(blank) if not b]
    if not body:
        return 0.0
    if not any(blank[body[0]:body[-1]]):
        # no blank lines: a line opens a paragraph when the line before it ends a sentence or stops
        # short (a hard-wrapped turn goes on over full lines that end mid-sentence)
        full = sorted(len(lines[i].rstrip()) for i in body)[(3 * len(body)) // 4]
        paragraphs, first = [], body[0]
        for prev, i in zip(body, body[1:]):
            line = lines[prev].rstrip()
            if _ENDS.search(line) or len(line) < 0.7 * full:
                paragraphs.append((first, prev))
                first = i
        paragraphs.append((first, body[-1]))
    else:
        paragraphs, first = [], None
        for i, b in enumerate(blank + [True]):
            if not b and first is None:
                first = i
            elif b and first is not None:
                paragraphs.append((first, i - 1))
                first = None
    if not paragraphs:
        return 0.0
    turn_lines = {bisect.bisect_right(starts, t.start) - 1 for t in turns if t.speaker}
    labelled = 0
    for first, last in paragraphs:
        if first in turn_lines or (first + 1 <= last and first + 1 in turn_lines):
            labelled += 1
    return labelled / len(paragraphs)


def transcript_turns(text: str, detect: bool | None = None) -> tuple[list, bool]:
    """(turns, is_transcript). ``detect`` True always keeps detected speakers, False never, None
    keeps them when most paragraphs open with a label; otherwise the turns are the paragraphs."""
    if detect is False:
        return paragraph_turns(text), False
    turns = detect_turns(text)
    if detect or (any(t.speaker for t in turns) and labelled_share(text, turns) >= MIN_SHARE):
        return turns, any(t.speaker for t in turns) or bool(detect)
    return paragraph_turns(text), False
