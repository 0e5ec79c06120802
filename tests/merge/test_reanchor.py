"""Re-anchoring codings onto a changed text (pure functions)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.merge.reanchor import Aligner, align, reanchor, summarise

OLD = ("Interviewer: Hoe gaat het met de werkdruk?\n\n"
       "Sanne: Nou, de werkdruk is echt hoog. Vooral de administratie kost veel tijd.\n\n"
       "Interviewer: En de onderwijsassistent?\n\n"
       "Sanne: Die is goud waard. Ze neemt een groepje mee voor rekenen.\n")


def span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return (i, i + len(quote))


def test_identical_text_keeps_every_span():
    spans = [span(OLD, "de werkdruk is echt hoog"), span(OLD, "goud waard")]
    placements = reanchor(OLD, OLD, spans)
    assert [(p.start, p.end, p.method) for p in placements] == [(s, e, "exact") for s, e in spans]
    assert summarise(placements, spans)["unchanged"] == 2


def test_insertion_before_moves_exactly():
    new = "Interviewer: Goedemiddag.\n\n" + OLD
    s, e = span(OLD, "Vooral de administratie kost veel tijd.")
    (p,) = reanchor(OLD, new, [(s, e)])
    assert p.method == "exact" and new[p.start:p.end] == OLD[s:e] and p.start == s + len("Interviewer: Goedemiddag.\n\n")


def test_typo_fixed_inside_span_moves_fuzzily():
    old = OLD.replace("administratie", "adminstratie")
    s, e = span(old, "Vooral de adminstratie kost veel tijd.")
    (p,) = reanchor(old, OLD, [(s, e)])
    assert p.method == "fuzzy" and p.confidence >= 0.9
    assert OLD[p.start:p.end] == "Vooral de administratie kost veel tijd."


def test_word_inserted_inside_span_widens_it():
    new = OLD.replace("echt hoog", "echt erg hoog")
    s, e = span(OLD, "de werkdruk is echt hoog")
    (p,) = reanchor(OLD, new, [(s, e)])
    assert p.placed and new[p.start:p.end] == "de werkdruk is echt erg hoog"


def test_deleted_passage_is_flagged_not_dropped():
    new = OLD.replace("Sanne: Die is goud waard. Ze neemt een groepje mee voor rekenen.\n", "Sanne: Ja.\n")
    s, e = span(OLD, "Ze neemt een groepje mee voor rekenen.")
    (p,) = reanchor(OLD, new, [(s, e)])
    assert p.method == "flagged" and p.start is None and p.reason


def test_moved_paragraph_found_again():
    a, b = "Sanne: Nou, de werkdruk is echt hoog. Vooral de administratie kost veel tijd.\n\n", \
        "Sanne: Die is goud waard. Ze neemt een groepje mee voor rekenen.\n"
    new = OLD.replace(a, "").replace(b, b + "\n" + a.strip() + "\n")
    s, e = span(OLD, "Vooral de administratie kost veel tijd.")
    (p,) = reanchor(OLD, new, [(s, e)])
    assert p.method == "exact" and new[p.start:p.end] == OLD[s:e]


def test_rewritten_passage_is_flagged_with_a_suggestion():
    new = OLD.replace("de werkdruk is echt hoog", "het werk is best wel zwaar")
    s, e = span(OLD, "de werkdruk is echt hoog")
    (p,) = reanchor(OLD, new, [(s, e)])
    assert p.method == "flagged"


def test_align_covers_both_texts():
    new = OLD.replace("hoog", "heel hoog").replace("Interviewer: En", "Interviewer: Maar")
    ops = align(OLD, new)
    assert ops[0][1] == 0 and ops[0][3] == 0 and ops[-1][2] == len(OLD) and ops[-1][4] == len(new)
    for (t1, _, a2, _, b2), (t2, a1, _, b1, _) in zip(ops, ops[1:]):
        assert a2 == a1 and b2 == b1
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            assert OLD[i1:i2] == new[j1:j2]


# --- properties: random small edits -----------------------------------------------------------------

def _tokens(n: int) -> list[str]:
    rng = random.Random(n)
    syll = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "ze", "bi", "do"]
    out, seen = [], set()
    while len(out) < n:
        w = "".join(rng.choice(syll) for _ in range(rng.randint(1, 4)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


VOCAB = _tokens(400)

edit = st.tuples(st.sampled_from(["insert", "delete", "typo", "replace"]), st.integers(0, 10_000), st.integers(1, 3))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(30, 120), cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 12)), min_size=1, max_size=6),
       edits=st.lists(edit, min_size=1, max_size=5), seed=st.integers(0, 1000))
def test_small_edits_keep_codings_on_the_same_words(n, cuts, edits, seed):
    """Tokens are unique; each token remembers where it came from. A span whose tokens all survive
    unchanged and adjacent lands exactly on them; any other span lands on (part of) its surviving
    words or is flagged — never somewhere else."""
    rng = random.Random(seed)
    tokens = [(i, w) for i, w in enumerate(rng.sample(VOCAB, n))]
    old = " ".join(w for _, w in tokens)
    starts, pos = [], 0
    for _, w in tokens:
        starts.append(pos)
        pos += len(w) + 1
    spans = []
    for at, length in cuts:
        i = at % n
        j = min(n - 1, i + length - 1)
        spans.append((i, j))
    new_tokens = list(tokens)
    fresh = iter(VOCAB[::-1])
    for kind, at, k in edits:
        i = at % len(new_tokens)
        if kind == "insert":
            new_tokens[i:i] = [(None, next(fresh) + "x") for _ in range(k)]
        elif kind == "delete" and len(new_tokens) > k + 2:
            del new_tokens[i:i + k]
        elif kind == "typo":
            orig, w = new_tokens[i]
            mark = ("typo", orig) if isinstance(orig, int) else orig
            new_tokens[i] = (mark, w[:-1] + ("q" if w[-1] != "q" else "p"))
        elif kind == "replace":
            new_tokens[i:i + k] = [(None, next(fresh) + "y")]
    new = " ".join(w for _, w in new_tokens)
    new_pos, pos = {}, 0
    for idx, (orig, w) in enumerate(new_tokens):
        new_pos[idx] = (pos, pos + len(w))
        pos += len(w) + 1
    where = {orig: idx for idx, (orig, _) in enumerate(new_tokens) if isinstance(orig, int)}
    placements = reanchor(old, new, [(starts[i], starts[j] + len(tokens[j][1])) for i, j in spans])
    for (i, j), p in zip(spans, placements):
        old_text = " ".join(w for _, w in tokens[i:j + 1])
        intact = all(t in where for t in range(i, j + 1)) and all(where[t + 1] == where[t] + 1 for t in range(i, j))
        if intact:
            a, b = new_pos[where[i]][0], new_pos[where[j]][1]
            assert (p.method, p.start, p.end) == ("exact", a, b), (old_text, new[p.start:p.end] if p.start is not None else None)
            continue
        if not p.placed:
            continue
        survivors = [where[t] for t in range(i, j + 1) if t in where]
        typos = [idx for idx, (orig, _) in enumerate(new_tokens) if isinstance(orig, tuple) and i <= orig[1] <= j]
        region = survivors + typos
        assert region, (old_text, new[p.start:p.end])
        lo, hi = new_pos[min(region)][0], new_pos[max(region)][1]
        assert p.start < hi and p.end > lo, (old_text, new[p.start:p.end], new[lo:hi])


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab \n", max_size=60), st.text(alphabet="ab \n", max_size=60),
       st.lists(st.tuples(st.integers(0, 59), st.integers(1, 20)), max_size=5))
def test_placements_are_valid_spans(old, new, raw):
    spans = [(s, min(len(old), s + n)) for s, n in raw if s < len(old)]
    aligner = Aligner(old, new)
    for s, e in spans:
        p = aligner.place(s, e)
        if p.placed:
            assert 0 <= p.start < p.end <= len(new)
            assert 0.9 <= p.confidence <= 1.0
            if p.method == "exact":
                assert new[p.start:p.end] == old[s:e]
        else:
            assert p.start is None or 0 <= p.start < p.end <= len(new)
