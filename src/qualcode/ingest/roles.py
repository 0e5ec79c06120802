"""Who is who in a transcript: the interviewer guessed from the shape of the turns, service lines.

Names often say it (``Interviewer:``, ``I:``, ``Moderator``); when they do not (``Max Bigman:`` and
``admin-1:``), the interviewer is the speaker who asks: most of their turns hold a question mark,
their turns are short next to the others', and they usually speak first. The guess is reported so
the user can correct it with ``qualcode speakers --interviewer/--respondent``.

Lines written by a transcription service or the recording system (``Automation: This call is now
being recorded.``) are no one's words: their turns keep their text but get no speaker, so they never
become a respondent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import median

from qualcode.store.documents import INTERVIEWER_LABELS

SERVICE_LABELS = {
    "automation", "automated", "automatic", "system", "recording", "recorder", "transcription",
    "transcriber", "transcript", "auto transcript", "zoom", "otter", "otter.ai", "rev", "rev.com",
    "temi", "trint", "sonix", "machine", "bot", "notetaker", "note taker", "ai notetaker", "caption",
    "captions", "operator",
}  # fmt: skip


@dataclass
class RoleGuess:
    interviewers: list[str]
    service: list[str]  # speaker labels that are a service, not a person
    reason: str = ""  # why the interviewers were guessed ('' when names said it or nothing was guessed)


def is_service(label: str | None) -> bool:
    return bool(label) and " ".join(label.casefold().split()) in SERVICE_LABELS


def settle_roles(text: str, turns: list, given: list[str] | tuple = ()) -> tuple[list, RoleGuess]:
    """(turns without service speakers, the guess). ``given`` are interviewers the user named."""
    service = sorted({t.speaker for t in turns if is_service(t.speaker)})
    if service:
        turns = [replace(t, speaker=None) if is_service(t.speaker) else t for t in turns]
    guess = RoleGuess([], service)
    speakers = {t.speaker for t in turns if t.speaker}
    named = {s.casefold() for s in given} | INTERVIEWER_LABELS
    if len(speakers) < 2 or any(s.casefold() in named for s in speakers):
        return turns, guess
    found = guess_interviewer(text, turns)
    if found:
        guess.interviewers, guess.reason = [found[0]], found[1]
    return turns, guess




def guess_interviewer(text: str, turns: list) -> tuple[str, str] | None:
    """(speaker, reason) for the speaker whose turns look like an interviewer's, or None if unclear."""
    stats: dict[str, dict] = {}
    order: list[str] = []
    for t in turns:
        if not t.speaker:
            continue
        body = text[t.start:t.end]
        s = stats.setdefault(t.speaker, {"turns": 0, "questions": 0, "words": []})
        if t.speaker not in order:
            order.append(t.speaker)
        s["turns"] += 1
        s["questions"] += "?" in body
        s["words"].append(len(body.split()))
    people = [p for p in order if stats[p]["turns"] >= 2]
    if len(people) < 2:
        return None

    def q_share(p):
        return stats[p]["questions"] / stats[p]["turns"]

    def length(p):
        return median(stats[p]["words"])

    by_questions = sorted(people, key=q_share, reverse=True)
    best, runner = by_questions[0], by_questions[1]
    others = [length(p) for p in people if p != best]
    shorter = length(best) < min(others)
    asks_most = q_share(best) >= 0.3 and q_share(best) >= 1.5 * q_share(runner)
    first = order[0] == best
    votes = asks_most + shorter + first
    if not asks_most or votes < 2:
        return None
    parts = [f"{stats[best]['questions']} of {stats[best]['turns']} turns hold a question "
             f"(next: {q_share(runner):.0%})"]
    if shorter:
        parts.append(f"shorter turns (median {length(best):.0f} words against {min(others):.0f})")
    if first:
        parts.append("speaks first")
    return best, "; ".join(parts)
