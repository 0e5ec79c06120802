"""Is a text a transcript? Only when most paragraphs open with a speaker label."""

from __future__ import annotations

from qualcode.ingest.transcript_shape import transcript_turns

WRAPPED = """Interviewer: How did you start working at the school, and what did you do in
the first years before the new head arrived and changed the way the support
staff were organised across the groups?
Karin: By accident, really. I was a lunch-break mother for years and one day
the head asked me whether I would like to help in group three, and that was
that, more or less, since then I have been there every day of the week.
Interviewer: And now?
Karin: Now I love it, although the paperwork keeps growing every single year
and nobody seems to notice how much of it lands on our desks.
"""

COMMENTS = """Covid: the numbers went up again and nobody cares anymore.
I agree with the previous comment, this is a disgrace.
Pfizer: they made billions while we stayed home.
Great video, thanks for the explanation!
Why does nobody talk about the schools?
Subscribed.
"""

PAPER = """10 Ms. Ash argued that the reform had failed.

The committee disagreed. In its report it pointed to three schools where the new
arrangement had lowered the workload of teachers considerably.

Table 2: workload per school type.

The figures in table 2 show the same pattern for every region.
"""


def test_a_hard_wrapped_transcript_without_blank_lines_is_one():
    turns, is_transcript = transcript_turns(WRAPPED)
    assert is_transcript
    assert [t.speaker for t in turns] == ["Interviewer", "Karin", "Interviewer", "Karin"]


def test_comments_and_papers_are_not_transcripts():
    for text in (COMMENTS, PAPER):
        turns, is_transcript = transcript_turns(text)
        assert not is_transcript and all(t.speaker is None for t in turns)


def test_the_choice_can_be_forced():
    assert transcript_turns(COMMENTS, detect=True)[1]
    turns, is_transcript = transcript_turns(WRAPPED, detect=False)
    assert not is_transcript and all(t.speaker is None for t in turns)
