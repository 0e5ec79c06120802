"""Interviewers guessed from the shape of the turns, transcription-service lines, cue times kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.cli.main import main
from qualcode.export.quotes import build_quote_book
from qualcode.ingest.readers import read_transcript
from qualcode.ingest.roles import guess_interviewer, settle_roles
from qualcode.store.project import Project

TRANSCRIPTS = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "transcripts"
ADMIN = TRANSCRIPTS / "en_edu_interview_admin-1.txt"


def _turns(text: str):
    from qualcode.ingest.turns import detect_turns

    return detect_turns(text)


CHAT = ("Sam: Thanks for joining. How long have you worked at the school?\n\n"
        "Lee: About eleven years now, first as a classroom assistant and later in the office, which I liked.\n\n"
        "Sam: What changed when the new head came?\n\n"
        "Lee: A lot of paperwork landed on my desk, and there was no one to share it with, so evenings went.\n\n"
        "Sam: Did anyone notice?\n\n"
        "Lee: Not really, until I got ill in the spring and they had to find two people to cover for me.\n")


def test_the_speaker_who_asks_short_questions_first_is_the_interviewer():
    found = guess_interviewer(CHAT, _turns(CHAT))
    assert found is not None and found[0] == "Sam"
    assert "3 of 3 turns hold a question" in found[1] and "speaks first" in found[1]


def test_no_guess_when_names_say_it_or_nobody_asks():
    named = CHAT.replace("Sam:", "Interviewer:")
    assert settle_roles(named, _turns(named))[1].interviewers == []
    flat = CHAT.replace("?", ".")
    assert guess_interviewer(flat, _turns(flat)) is None
    # the user's --interviewer wins over the guess
    assert settle_roles(CHAT, _turns(CHAT), ["Lee"])[1].interviewers == []


def test_service_lines_lose_their_speaker_but_keep_their_text():
    text = "Automation: This call is now being recorded.\n\n" + CHAT
    turns, guess = settle_roles(text, _turns(text))
    assert guess.service == ["Automation"] and turns[0].speaker is None
    assert text[turns[0].start:turns[0].end] == "This call is now being recorded."
    assert guess.interviewers == ["Sam"]


@pytest.mark.skipif(not ADMIN.is_file(), reason="../shared/interop/transcripts is not available")
def test_real_education_interview_gets_its_interviewer_and_no_automation_respondent(tmp_path, capsys):
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project), "--lang", "en"]) == 0
    assert main(["import", str(project), str(ADMIN)]) == 0
    out = capsys.readouterr().out
    assert "interviewer: Max Bigman (guessed:" in out and "not a speaker: Automation" in out
    with Project.open(project) as p:
        roles = {c.name: c.role for c in p.cases.list()}
        assert roles == {"Max Bigman": "interviewer", "admin-1": "respondent"}
    # the correction stays 'speakers'
    assert main(["speakers", str(project), "--interviewer", "admin-1", "--respondent", "Max Bigman"]) == 0
    with Project.open(project) as p:
        assert {c.name: c.role for c in p.cases.list()} == {"Max Bigman": "respondent", "admin-1": "interviewer"}


VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Ann>We started the project in spring.

00:00:04.000 --> 00:00:09.500
<v Ann>By summer the funding was gone.

00:01:10.000 --> 00:01:15.000
<v Ann>Then the school stepped in.

00:01:20.000 --> 00:01:22.000
<v Bob>Why?
"""


def test_merged_subtitle_cues_keep_every_cue_time(tmp_path):
    path = tmp_path / "talk.vtt"
    path.write_text(VTT, encoding="utf-8")
    parsed = read_transcript(path)
    assert [t.speaker for t in parsed.turns] == ["Ann", "Bob"]  # three cues of Ann are one turn
    assert [ms for _, ms in parsed.times] == [1000, 4000, 70000, 80000]
    for pos, _ in parsed.times:
        assert parsed.text[pos:].startswith(("We started", "By summer", "Then the", "Why?"))


def test_a_passage_inside_a_merged_turn_is_cited_to_its_cue(tmp_path, codebook_file):
    path = tmp_path / "talk.vtt"
    path.write_text(VTT, encoding="utf-8")
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project), "--codebook", str(codebook_file)]) == 0
    assert main(["import", str(project), str(path)]) == 0
    assert main(["code", str(project), "talk", "--quote", "the school stepped in", "--code", "EVC",
                 "--coder", "anna"]) == 0
    with Project.open(project) as p:  # a Dutch project (the default): fixed labels in Dutch
        _, groups = build_quote_book(p, language="en")
    (quote,) = [q for g in groups for q in g.quotes]
    assert quote.timestamp == "00:01:10"  # not 00:00:01, where Ann's turn starts
    assert quote.citation().endswith("turn 1, 00:01:10")
