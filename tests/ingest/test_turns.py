"""Speaker-turn detection in plain-text transcripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import InputError
from qualcode.ingest.encoding import canonicalise, read_text_file
from qualcode.ingest.model import ParsedTurn
from qualcode.ingest.turns import detect_turns, parse_timestamp

INTEROP = Path(__file__).resolve().parents[3] / "shared" / "interop" / "transcripts"


def check_invariants(text: str, turns: list[ParsedTurn]) -> None:
    previous_end = 0
    for turn in turns:
        assert 0 <= turn.start < turn.end <= len(text)
        assert turn.start >= previous_end, "turns must be sorted and must not overlap"
        piece = text[turn.start : turn.end]
        assert piece == piece.strip()
        previous_end = turn.end


def spoken(text: str, turns: list[ParsedTurn]) -> list[tuple[str | None, str]]:
    check_invariants(text, turns)
    return [(t.speaker, text[t.start : t.end]) for t in turns]


def test_name_colon_turns():
    text = "Interviewer: Hoe gaat het?\nR1: Goed.\nInterviewer: Mooi zo.\n"
    assert spoken(text, detect_turns(text)) == [
        ("Interviewer", "Hoe gaat het?"),
        ("R1", "Goed."),
        ("Interviewer", "Mooi zo."),
    ]


@pytest.mark.parametrize(
    "name",
    ["Dr. Melissa Ko", "admin-1", "Karin (schoolleider)", "I", "D3", "Moderator", "Anne-Marie van der Berg"],
)
def test_names_of_many_shapes(name):
    text = f"{name}: first thing.\n\nOther Person: reply.\n\n{name}: second thing."
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == [name, "Other Person", name]
    assert text[turns[2].start : turns[2].end] == "second thing."


def test_colon_inside_a_sentence_is_not_a_label():
    text = (
        "I: Wat zei je toen?\n"
        "R: Ik zei: nee, dat doe ik niet. En toen zei hij:\n"
        "Ik zei: nee.\n"
        "Maar ze zeiden: probeer het toch.\n"
        "I: Oké."
    )
    turns = spoken(text, detect_turns(text))
    assert [s for s, _ in turns] == ["I", "R", "I"]
    assert turns[1][1].endswith("probeer het toch.")


def test_hard_wrapped_turns_and_continuation_paragraphs():
    text = (
        "Max Bigman:         Okay, so I am \n"
        "first just trying to get a sense.\n"
        "\n"
        "admin-1:     Sure. Again, my name is admin-1 and I \n"
        "am the Coordinator for the [Pallis \n"
        "00:00:52] Unified School District.\n"
        "\n"
        "A second paragraph without a label.\n"
    )
    turns = spoken(text, detect_turns(text))
    assert [s for s, _ in turns] == ["Max Bigman", "admin-1"]
    assert turns[0][1] == "Okay, so I am \nfirst just trying to get a sense."
    assert turns[1][1].startswith("Sure.") and turns[1][1].endswith("without a label.")


def test_inline_timestamp_at_line_start_is_not_a_turn():
    text = "Max: one\n[inaudible 00:05:15] together.\n\nAnn: two\n\nMax: three\n\nAnn: four"
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == ["Max", "Ann", "Max", "Ann"]
    assert text[turns[0].start : turns[0].end] == "one\n[inaudible 00:05:15] together."


def test_bracket_ids():
    text = "[id1] hello there.\n\n[id2] I struggle.\n\n[id1] yes.\n[laughter] and more."
    turns = spoken(text, detect_turns(text))
    assert turns == [("id1", "hello there."), ("id2", "I struggle."), ("id1", "yes.\n[laughter] and more.")]


def test_zoom_saved_transcript():
    text = "[Johnny Doe] 11:02:09\nHow you doing?\n\n[Janet Dough] 11:02:11\nFine: really.\nYes."
    turns = detect_turns(text)
    assert spoken(text, turns) == [("Johnny Doe", "How you doing?"), ("Janet Dough", "Fine: really.\nYes.")]
    assert [t.timestamp_ms for t in turns] == [39_729_000, 39_731_000]


def test_otter_export():
    text = (
        "Team meeting\n\n"
        "Speaker 1  0:00\nHello everyone.\nNote: this is text.\n\n"
        "Alice Jones  1:02:03\nHi.\n\n"
        "Transcribed by https://otter.ai\n"
    )
    turns = detect_turns(text)
    assert spoken(text, turns) == [
        ("Speaker 1", "Hello everyone.\nNote: this is text."),
        ("Alice Jones", "Hi."),
    ]
    assert [t.timestamp_ms for t in turns] == [0, 3_723_000]


def test_markdown_headings_and_bold_labels():
    text = "# Interview 3\n\n### Interviewer\nHoe gaat het?\n\n### R1\nGoed.\n\n## Deel 2\n\nLos.\n"
    assert spoken(text, detect_turns(text)) == [("Interviewer", "Hoe gaat het?"), ("R1", "Goed.")]
    text = "**Interviewer:** Hoe gaat het?\n\n**R1:** Goed, *echt*.\n"
    assert spoken(text, detect_turns(text)) == [("Interviewer", "Hoe gaat het?"), ("R1", "Goed, *echt*.")]
    text = "**Interviewer**\nHoe gaat het?\n\n**R1**\nGoed.\n"
    assert spoken(text, detect_turns(text)) == [("Interviewer", "Hoe gaat het?"), ("R1", "Goed.")]


def test_header_block_belongs_to_no_turn():
    text = "Datum: 3 maart 2024\nLocatie: school\nInterviewer: Anna\n\nI: Vraag een.\n\nR: Antwoord.\n"
    turns = spoken(text, detect_turns(text))
    assert turns == [("I", "Vraag een."), ("R", "Antwoord.")]
    text = "Interview with a teaching assistant, March 2024\n\nI: Hello.\nR: Hi."
    assert spoken(text, detect_turns(text)) == [("I", "Hello."), ("R", "Hi.")]


def test_note_inside_a_compact_first_block_is_not_a_header():
    text = "I: Hallo.\nR: Hoi.\nNote: recorder paused.\n\nI: Verder."
    assert [t.speaker for t in detect_turns(text)] == ["I", "R", "I"]


def test_rev_style_labels_on_their_own_line():
    text = "Speaker 1 (00:00:05):\nHello there.\n\nSpeaker 2 (00:00:10): Hi.\n"
    turns = detect_turns(text)
    assert spoken(text, turns) == [("Speaker 1", "Hello there."), ("Speaker 2", "Hi.")]
    assert [t.timestamp_ms for t in turns] == [5_000, 10_000]


def test_front_matter_is_skipped():
    text = "---\ntitle: Interview\nDate: 2024\n---\n\nI: Hello.\n\nR: Hi."
    assert spoken(text, detect_turns(text)) == [("I", "Hello."), ("R", "Hi.")]


def test_timestamps_before_turns():
    text = "I (00:01:02): Hello.\n[00:01:10] R: Hi.\nI: [00:01:20] And?\nR: [Pallis 00:01:30] yes."
    turns = detect_turns(text)
    assert [t.timestamp_ms for t in turns] == [62_000, 70_000, 80_000, 90_000]
    assert spoken(text, turns)[2] == ("I", "And?")
    assert spoken(text, turns)[3] == ("R", "[Pallis 00:01:30] yes.")
    text = "00:00:05\nI: Hello.\n00:00:09\nR: Hi."
    turns = detect_turns(text)
    assert spoken(text, turns) == [("I", "Hello."), ("R", "Hi.")]
    assert [t.timestamp_ms for t in turns] == [5_000, 9_000]


def test_label_on_its_own_line_and_empty_turns():
    text = "Interviewer:\nHow are you?\n\nRespondent:\n\nInterviewer: Well?"
    assert spoken(text, detect_turns(text)) == [("Interviewer", "How are you?"), ("Interviewer", "Well?")]


def test_tab_separated_labels():
    text = "Interviewer\tHow are you?\nRespondent\tFine.\n"
    assert spoken(text, detect_turns(text)) == [("Interviewer", "How are you?"), ("Respondent", "Fine.")]


def test_no_labels_gives_paragraph_turns_without_speaker():
    text = "First paragraph\nstill first.\n\n\nSecond one. Ik zei: nee.\n"
    assert spoken(text, detect_turns(text)) == [
        (None, "First paragraph\nstill first."),
        (None, "Second one. Ik zei: nee."),
    ]
    assert detect_turns("") == []
    assert detect_turns("  \n\n ") == []


def test_speaker_pattern_overrides_detection():
    text = "Preamble: not a turn\n-- Anna @ 00:01: hello\nmore\n-- Bob @ 00:02: hi\n"
    turns = detect_turns(text, r"-- (?P<speaker>\w+) @ (?P<timestamp>[\d:]+):")
    assert spoken(text, turns) == [("Anna", "hello\nmore"), ("Bob", "hi")]
    assert [t.timestamp_ms for t in turns] == [1_000, 2_000]


def test_bad_speaker_patterns():
    with pytest.raises(InputError, match="not a valid regular expression") as info:
        detect_turns("x", "(?P<speaker>")
    assert info.value.field == "speaker_pattern"
    with pytest.raises(InputError, match="named group"):
        detect_turns("x", r"(\w+):")


def test_parse_timestamp():
    assert parse_timestamp("0:05") == 5_000
    assert parse_timestamp("1:02:03") == 3_723_000
    assert parse_timestamp("00:00:01.5") == 1_500
    assert parse_timestamp("nope") is None and parse_timestamp(None) is None


# --- the real transcripts in ../shared/interop ----------------------------------------------------


def interop(name: str) -> str:
    if not INTEROP.is_dir():
        pytest.skip("../shared/interop is not available")
    return read_text_file(INTEROP / name)


def test_real_education_interview():
    text = interop("en_edu_interview_admin-1.txt")
    turns = detect_turns(text)
    check_invariants(text, turns)
    assert {t.speaker for t in turns} == {"Automation", "Max Bigman", "admin-1"}
    assert [t.speaker for t in turns].count("Max Bigman") == 30
    assert [t.speaker for t in turns].count("admin-1") == 55
    assert text[turns[0].start : turns[0].end] == "This call is now being recorded."
    assert text[turns[2].start : turns[2].end] == "Sure."
    assert "[Pallis \n00:00:52] Unified School District" in text[turns[4].start : turns[4].end]
    assert text[turns[-1].start : turns[-1].end] == "Uh-huh (affirmative). Bye."


def test_real_qualcoder_focus_group():
    text = interop("en_qualcoder_example_focusgroup_transcript.txt")
    turns = detect_turns(text)
    assert spoken(text, turns)[1] == (
        "id2",
        "I am struggling with the lecture slides. I felt that they were too busy and I switched off.",
    )
    assert [t.speaker for t in turns] == ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]


def test_real_zoom_saved_transcript():
    text = interop("zoom_saved_transcript_txt_format_example.txt")
    turns = detect_turns(text)
    check_invariants(text, turns)
    assert {t.speaker for t in turns} == {"Johnny Doe", "Janet Dough"}
    assert text[turns[0].start : turns[0].end] == "How you doing?"
    assert turns[0].timestamp_ms == (11 * 3600 + 2 * 60 + 9) * 1000
    assert all(t.timestamp_ms is not None for t in turns)


# --- properties -------------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        "Interviewer: ", "R1: ", "I:", "[id1] ", "[Ann] 00:01:02", "Ann  0:05", "### Interviewer",
        "**R1:** ", "Ik zei: nee", "[inaudible 00:05:15]", "\t", " ", "---", "00:00:03", "Datum: ",
        "# Titel", ": ", "[", "]", "(", ")", "**", "\n", "\n\n", "é", "x", "Word",
    ]
)  # fmt: skip
_TEXTS = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=8)), max_size=30).map(
    lambda parts: canonicalise("".join(parts))
)


@settings(max_examples=300)
@given(_TEXTS)
def test_turn_invariants_hold_for_any_text(text):
    check_invariants(text, detect_turns(text))


@given(_TEXTS)
def test_turn_invariants_hold_with_a_speaker_pattern(text):
    check_invariants(text, detect_turns(text, r"\s*(?P<speaker>[A-Za-z]\w*)\s*(?::|\t)"))
