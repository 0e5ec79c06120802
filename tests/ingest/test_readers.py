"""Reading transcript files: txt, md, docx, vtt, srt."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.errors import InputError
from qualcode.ingest.encoding import canonicalise
from qualcode.ingest.model import ParsedTranscript
from qualcode.ingest.readers import read_transcript

INTEROP = Path(__file__).resolve().parents[3] / "shared" / "interop" / "transcripts"


def check(parsed: ParsedTranscript) -> list[tuple[str | None, str]]:
    text = parsed.text
    assert canonicalise(text) == text
    previous_end = 0
    for turn in parsed.turns:
        assert 0 <= turn.start < turn.end <= len(text)
        assert turn.start >= previous_end
        assert text[turn.start : turn.end] == text[turn.start : turn.end].strip()
        previous_end = turn.end
    return [(t.speaker, text[t.start : t.end]) for t in parsed.turns]


def write(tmp_path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


# --- text layouts ----------------------------------------------------------------------------------


def test_txt_crlf_utf16(tmp_path):
    path = write(tmp_path, "a.txt", "\ufeffI: Hallo?\r\nR: Hoi.\r\n".encode("utf-16-le"))
    parsed = read_transcript(path)
    assert parsed.source_format == "txt" and parsed.text == "I: Hallo?\nR: Hoi.\n"
    assert check(parsed) == [("I", "Hallo?"), ("R", "Hoi.")]


def test_md(tmp_path):
    parsed = read_transcript(write(tmp_path, "a.MD", "### Interviewer\nVraag?\n\n### R1\nAntwoord.\n"))
    assert parsed.source_format == "md"
    assert check(parsed) == [("Interviewer", "Vraag?"), ("R1", "Antwoord.")]
    assert parsed.speakers == ["Interviewer", "R1"]


def test_speaker_pattern_is_passed_on(tmp_path):
    path = write(tmp_path, "a.txt", "> Anna said\nhello\n> Bob said\nhi\n")
    parsed = read_transcript(path, speaker_pattern=r"> (?P<speaker>\w+) said")
    assert check(parsed) == [("Anna", "hello"), ("Bob", "hi")]


def test_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match=r"unsupported file type '\.pdf'.*\.docx.*\.vtt"):
        read_transcript(write(tmp_path, "a.pdf", "x"))


def test_empty_and_binary_txt(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_transcript(write(tmp_path, "a.txt", b""))
    with pytest.raises(InputError, match="binary"):
        read_transcript(write(tmp_path, "b.txt", bytes(range(256))))


# --- Word --------------------------------------------------------------------------------------------


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("Interview 3 — leraarondersteuner")
    document.add_paragraph("")
    document.add_paragraph("Interviewer: Hoe ervaart u de werkdruk?")
    document.add_paragraph("R1: Hoog. Ik zei: nee.")
    paragraph = document.add_paragraph()
    paragraph.add_run("Interviewer").bold = True
    paragraph.add_run(" En verder?")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "R1"
    table.cell(0, 1).text = "Tabel antwoord."
    table.cell(1, 0).text = "Interviewer"
    table.cell(1, 1).text = "Dank u."
    document.save(path)
    return path


def test_docx(tmp_path):
    parsed = read_transcript(make_docx(tmp_path / "a.docx"))
    assert parsed.source_format == "docx"
    assert parsed.text.startswith("Interview 3 — leraarondersteuner\n\nInterviewer: Hoe")
    assert check(parsed) == [
        ("Interviewer", "Hoe ervaart u de werkdruk?"),
        ("R1", "Hoog. Ik zei: nee."),
        ("Interviewer", "En verder?"),
        ("R1", "Tabel antwoord."),
        ("Interviewer", "Dank u."),
    ]


def test_truncated_docx(tmp_path):
    data = make_docx(tmp_path / "good.docx").read_bytes()
    with pytest.raises(InputError, match="Word") as info:
        read_transcript(write(tmp_path, "bad.docx", data[: len(data) // 2]))
    assert "bad.docx" in str(info.value)


def test_docx_that_is_not_a_zip(tmp_path):
    with pytest.raises(InputError, match="Word"):
        read_transcript(write(tmp_path, "plain.docx", "I: just text"))


def test_empty_docx(tmp_path):
    import docx

    docx.Document().save(tmp_path / "empty.docx")
    with pytest.raises(InputError, match="no text"):
        read_transcript(tmp_path / "empty.docx")


# --- WebVTT and SRT ----------------------------------------------------------------------------------

VTT = """WEBVTT
Kind: captions

NOTE a comment
spanning lines

1
00:00:01.000 --> 00:00:02.500 align:start
<v Anna de Vries>Hallo, <i>welkom</i>.

2
00:00:03.000 --> 00:00:04.000
<v.loud Anna de Vries>Hoe gaat het?</v>

00:00:05.000 --> 00:00:06.000
<v Bob>Goed &amp; <c.yellow>jij</c>?
Lang verhaal.</v>

1:00:07.000 --> 1:00:08.000
<v Anna de Vries>Mooi.
"""


def test_vtt_voice_tags(tmp_path):
    parsed = read_transcript(write(tmp_path, "a.vtt", VTT))
    assert parsed.source_format == "vtt"
    assert check(parsed) == [
        ("Anna de Vries", "Hallo, welkom. Hoe gaat het?"),
        ("Bob", "Goed & jij? Lang verhaal."),
        ("Anna de Vries", "Mooi."),
    ]
    assert parsed.text.startswith("Anna de Vries: Hallo, welkom. Hoe gaat het?\n\nBob: Goed")
    assert [(t.timestamp_ms, t.end_ms) for t in parsed.turns] == [
        (1000, 4000),
        (5000, 6000),
        (3607000, 3608000),
    ]


def test_vtt_zoom_prefix_and_captions_without_speakers(tmp_path):
    zoom = (
        "WEBVTT\n\n1\n00:00:00.050 --> 00:00:01.790\nSrijani Ghosh: Hi!\n\n"
        "2\n00:00:02.070 --> 00:00:04.050\nConor Healy: Get this: started.\n"
    )
    assert check(read_transcript(write(tmp_path, "z.vtt", zoom))) == [
        ("Srijani Ghosh", "Hi!"),
        ("Conor Healy", "Get this: started."),
    ]
    cc = (
        "WEBVTT\r\n\r\n00:01:08.000 --> 00:01:09.000\r\nThis as a\r\n\r\n"
        "00:01:09.000 --> 00:01:10.000\r\nnerd. Note: no.\r\n\r\n"
        "00:01:10.000 --> 00:01:11.000\r\nYeah.\r\n"
    )
    parsed = read_transcript(write(tmp_path, "cc.vtt", cc))
    assert check(parsed) == [(None, "This as a nerd. Note: no."), (None, "Yeah.")]
    assert parsed.text == "This as a nerd. Note: no.\n\nYeah."
    assert parsed.turns[0].timestamp_ms == 68_000 and parsed.turns[0].end_ms == 70_000


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("00:00:01.000 --> 00:00:02.000\nhello\n", 1),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n2\n00:00:xx.000 --> 00:00:03.000\nbad\n", 7),
        ("WEBVTT\n\n1\nno timing here\n", 4),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nok\n\n00:00:61.000 --> 00:01:02.000\nbad\n", 6),
    ],
)
def test_malformed_vtt_names_the_line(tmp_path, content, line):
    with pytest.raises(InputError) as info:
        read_transcript(write(tmp_path, "bad.vtt", content))
    assert info.value.line == line
    assert f"line {line}" in str(info.value)


SRT = """1
00:00:01,000 --> 00:00:02,000
<i>Interviewer:</i> Hoe gaat het?

2
00:00:02,500 --> 00:00:04,000
Interviewer: Vertel.

3
00:00:05,000 --> 00:00:06,000
R1: {\\an8}Goed,
heel goed.
"""


def test_srt(tmp_path):
    parsed = read_transcript(write(tmp_path, "a.srt", SRT))
    assert parsed.source_format == "srt"
    assert check(parsed) == [("Interviewer", "Hoe gaat het? Vertel."), ("R1", "Goed, heel goed.")]
    assert [(t.timestamp_ms, t.end_ms) for t in parsed.turns] == [(1000, 4000), (5000, 6000)]


def test_cue_file_without_text(tmp_path):
    with pytest.raises(InputError, match="no cues"):
        read_transcript(write(tmp_path, "a.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann></v>\n"))


def test_malformed_srt(tmp_path):
    with pytest.raises(InputError, match="timing") as info:
        read_transcript(write(tmp_path, "a.srt", "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nno timing\n"))
    assert info.value.line == 6


_NAMES = st.sampled_from([None, "Anna", "Dr. Bob Ko", "R1"])
_CUE_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20
).filter(lambda s: "-->" not in s)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_NAMES, _CUE_TEXT), min_size=1, max_size=8))
def test_vtt_round_trip_properties(tmp_path, cues):
    lines = ["WEBVTT", ""]
    for n, (speaker, text) in enumerate(cues):
        lines += [f"00:00:{n:02d}.000 --> 00:00:{n:02d}.500", f"<v {speaker}>{text}" if speaker else text, ""]
    path = write(tmp_path, "p.vtt", "\n".join(lines))
    try:
        parsed = read_transcript(path)
    except InputError as exc:
        assert "no cues with text" in str(exc)
        return
    check(parsed)
    for a, b in zip(parsed.turns, parsed.turns[1:], strict=False):
        assert a.timestamp_ms <= b.timestamp_ms


# --- the real files in ../shared/interop ---------------------------------------------------------------


def interop(name: str) -> ParsedTranscript:
    if not INTEROP.is_dir():
        pytest.skip("../shared/interop is not available")
    return read_transcript(INTEROP / name)


def test_real_teams_vtt():
    parsed = interop("teams_format_example_voice_tags_guid_cues.vtt")
    turns = check(parsed)
    assert {s for s, _ in turns} == {"John Smith", "Jane Doe"}
    assert turns[1] == (
        "Jane Doe",
        "Nice. I am the student being interviewed, and I have many things to say.",
    )
    assert "91b3f3c3" not in parsed.text
    assert parsed.turns[0].timestamp_ms == 10_087 and parsed.turns[-1].end_ms == 62_000


def test_real_voice_tags_without_closing_tag():
    parsed = interop("vtt_voice_tags_synthetic_english_literature_discussion.vtt")
    turns = check(parsed)
    assert {s for s, _ in turns} == {"Professor Williams", "Student M", "Student N", "Student O", "Student P"}
    assert turns[0][1].startswith(
        "Good afternoon everyone. Today we're discussing Shakespeare's Hamlet. I'd like"
    )
    assert turns[1] == ("Student M", "I think he's considering suicide as an escape from his problems.")
    assert "<v" not in parsed.text


def test_real_zoom_transcript_vtt():
    parsed = interop("zoom_real_GMT20240124-202901_Recording.transcript.vtt")
    turns = check(parsed)
    assert {s for s, _ in turns} == {
        "Srijani Ghosh", "Conor Healy", "Dr. Melissa Ko", "Shreeharsh Kelkar", "Ryan Sloan", None,
    }  # fmt: skip
    assert turns[0] == ("Srijani Ghosh", "Hi!")
    assert turns[2] == ("Srijani Ghosh", "Hello! Hello! Hello! Why are you so dark? So")
    assert parsed.text.startswith("Srijani Ghosh: Hi!\n\nConor Healy: Get this party started.\n\n")


def test_real_zoom_captions_vtt():
    parsed = interop("zoom_real_GMT20240124-202901_Recording.cc.vtt")
    turns = check(parsed)
    assert {s for s, _ in turns} == {None}
    assert turns[0] == (None, "This doesn't.")
    assert turns[1] == (None, "This as a nerd, it's the window that we use to write our code.")
    assert "\r" not in parsed.text


def test_real_text_transcripts():
    parsed = interop("zoom_saved_transcript_txt_format_example.txt")
    assert {s for s, _ in check(parsed)} == {"Johnny Doe", "Janet Dough"}
    parsed = interop("en_qualcoder_example_focusgroup_transcript.txt")
    assert {s for s, _ in check(parsed)} == {"id1", "id2", "id3"}
    parsed = interop("en_edu_interview_admin-1.txt")
    assert {s for s, _ in check(parsed)} == {"Automation", "Max Bigman", "admin-1"}
