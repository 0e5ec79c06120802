"""Merge properties (hypothesis): provenance, order independence, idempotence."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.ingest.turns import detect_turns
from qualcode.store.codings import NewCoding
from qualcode.store.project import Project
from qualcode.merge.common import source_key
from qualcode.merge.handout import handout
from qualcode.merge.run import merge
from qualcode.merge.synthetic import make_study, word_spans

coding = st.tuples(st.integers(0, 2), st.integers(0, 6), st.integers(0, 400), st.integers(1, 20), st.booleans())
edit = st.one_of(st.none(), st.tuples(st.integers(0, 2), st.integers(0, 400), st.sampled_from(["insert", "delete", "typo"])))


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    return make_study(tmp_path_factory.mktemp("study") / "study.qualcode", docs=3, seed=7)


def edit_text(text: str, at: int, kind: str) -> str:
    words = word_spans(text)
    s, e = words[at % len(words)]
    if kind == "insert":
        return text[:s] + "eh " + text[s:]
    if kind == "delete":
        return text[:s] + text[e + 1:]
    return text[:e - 1] + ("x" if text[e - 1] != "x" else "y") + text[e:]


def code_copy(path: Path, coder: str, items, text_edit) -> None:
    with Project.open(path) as p:
        docs = [p.documents.get(f"Interview {i + 1}") for i in range(3)]
        if text_edit:
            k, at, kind = text_edit
            new = edit_text(docs[k].text, at, kind)
            with p.transaction():
                p.team.replace_text(docs[k].uuid, new, detect_turns(new), None, "txt")
            docs[k] = p.documents.get(docs[k].uuid)
        codes = [c.uuid for c in p.codebook.tree()]
        seen, out = set(), []
        for d, c, w, n, memo in items:
            spans = word_spans(docs[d].text)
            i = w % len(spans)
            j = min(len(spans) - 1, i + n - 1)
            key = (d, c, spans[i][0], spans[j][1])
            if key not in seen:
                seen.add(key)
                out.append(NewCoding(docs[d].uuid, codes[c], coder, key[2], key[3], memo="m" if memo else ""))
        p.codings.add_many(out)


def content(path: Path) -> tuple[set, set]:
    with Project.open(path) as p:
        names, tree = p.documents.names(), p.codebook.tree()
        rows = {(names[c.document], tree.path(c.code), c.coder, c.start, c.end, c.memo, source_key(c.source))
                for c in p.codings.list()}
        reviews = {(r["coding"], r["coder"], r["old_text"]) for r in p.reviews.list()}
    return rows, reviews


def inputs(path: Path) -> dict:
    with Project.open(path) as p:
        return {c.uuid: c for c in p.codings.list()}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(anna=st.lists(coding, max_size=12), bram=st.lists(coding, max_size=12), overlap=st.lists(coding, max_size=4),
       anna_edit=edit)
def test_merge_keeps_everything_in_any_order_and_once(study, anna, bram, overlap, anna_edit):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        a, b = tmp / "anna.qualcode", tmp / "bram.qualcode"
        handout(study, a, "anna")
        handout(study, b, "bram")
        code_copy(a, "anna", anna + overlap, anna_edit)
        code_copy(b, "bram", bram + overlap, None)  # the same passages coded by two coders: both kept

        ab, ba = tmp / "ab.qualcode", tmp / "ba.qualcode"
        report = merge(ab, [study, a, b])
        merge(ba, [study, b, a])
        assert not report["refused"]
        got = inputs(ab)
        listed = {f["coding"] for f in report["codings"]["flagged"]} | {d["coding"] for d in report["codings"]["duplicates"]}
        listed |= {c["coding"] for c in report["conflicts"] if c["kind"] == "coding"}
        for label, path in ((str(a), a), (str(b), b)):
            for u, c in inputs(path).items():
                if u in got:
                    kept = got[u]
                    assert (kept.coder, kept.source, kept.code, kept.memo) == (c.coder, label, c.code, c.memo)
                    if not anna_edit or path != a:
                        assert (kept.start, kept.end, kept.text) == (c.start, c.end, c.text)
                else:
                    assert u in listed, f"coding {u} from {label} neither merged nor reported"
        assert content(ab) == content(ba)

        # merging the same files again changes nothing
        before = content(ab)
        again = merge(ab, [study, a, b])
        assert not again["changed"] and content(ab) == before

        # into an existing target, in either order
        s1, s2 = tmp / "s1.qualcode", tmp / "s2.qualcode"
        shutil.copy(study, s1)
        shutil.copy(study, s2)
        merge(s1, [a, b])
        merge(s2, [b, a])
        assert content(s1) == content(s2) == before
        if anna_edit is None:
            # no text differs: even the first input (the base of a new target) may change places
            merge(tmp / "x.qualcode", [a, b, study])
            assert content(tmp / "x.qualcode") == before
