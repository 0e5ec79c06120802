"""Handouts and merging coders' copies (synthetic studies)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from qualcode.errors import ProjectError
from qualcode.store.project import Project
from qualcode.merge.handout import handout
from qualcode.merge.mapping import Mapping, parse_coder_maps, read_mapping
from qualcode.merge.run import merge
from qualcode.merge.synthetic import make_study


@pytest.fixture
def study(tmp_path) -> Path:
    return make_study(tmp_path / "study.qualcode", docs=3, seed=1)


def code_quote(path, coder, doc, quote, code, memo=""):
    with Project.open(path) as p:
        d = p.documents.get(doc)
        i = d.text.index(quote)
        return p.codings.add(d.uuid, p.codebook.get(code).uuid, coder, i, i + len(quote), memo=memo).uuid


def first_words(path, doc="Interview 2", n=5, skip=1):
    with Project.open(path) as p:
        turns = p.documents.turns(p.documents.get(doc).uuid)
        text = p.documents.get(doc).text
    t = turns[skip]
    return " ".join(text[t.start:t.end].split()[:n])


def codings(path) -> dict:
    with Project.open(path) as p:
        names, tree = p.documents.names(), p.codebook.tree()
        return {c.uuid: (names[c.document], tree.path(c.code), c.coder, c.start, c.end, c.memo, c.source)
                for c in p.codings.list()}


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_handout_is_a_blind_copy_for_one_coder(study, tmp_path):
    code_quote(study, "lead", "Interview 1", first_words(study, "Interview 1"), "Werkdruk")
    r = handout(study, tmp_path / "anna.qualcode", "anna", docs=["Interview 1", "Interview 3"])
    assert r["documents"] == ["Interview 1", "Interview 3"] and r["codings_removed"] == 1
    with Project.open(tmp_path / "anna.qualcode") as p:
        assert p.settings()["coder"] == "anna"
        assert json.loads(p.meta("handout"))["coder"] == "anna"
        assert sorted(p.documents.names().values()) == ["Interview 1", "Interview 3"]
        assert p.codings.list() == [] and p.history.undo() is None
        assert p.db.execute("SELECT count(*) FROM handout_base").fetchone()[0] > 0
    with pytest.raises(ProjectError):
        handout(study, tmp_path / "anna.qualcode", "anna")
    r = handout(study, tmp_path / "all.qualcode", "bram", all_codings=True)
    with Project.open(tmp_path / "all.qualcode") as p:
        assert [c.source for c in p.codings.list()] == ["study.qualcode"]


def test_merge_keeps_every_coder_with_provenance_and_is_idempotent(study, tmp_path):
    a, b = tmp_path / "anna.qualcode", tmp_path / "bram.qualcode"
    handout(study, a, "anna")
    handout(study, b, "bram")
    quote = first_words(study)
    code_quote(a, "anna", "Interview 2", quote, "Werkdruk/Administratie")
    code_quote(b, "bram", "Interview 2", quote, "Werkdruk/Administratie")  # same text, other coder: both kept
    code_quote(b, "bram", "Interview 2", quote, "Loopbaan")
    target = tmp_path / "merged.qualcode"
    report = merge(target, [study, a, b])
    assert report["created"] and report["codings"]["added"] == 3 and not report["refused"]
    rows = sorted(codings(target).values())
    assert sorted((r[2], r[6]) for r in rows) == [("anna", str(a)), ("bram", str(b)), ("bram", str(b))]
    before = sha(target)
    again = merge(target, [study, a, b])
    assert not again["changed"] and again["backup"] is None and sha(target) == before
    assert not list(tmp_path.glob("merged.qualcode.bak-*"))


def test_existing_target_is_backed_up_and_dry_run_changes_nothing(study, tmp_path):
    a = tmp_path / "anna.qualcode"
    handout(study, a, "anna")
    code_quote(a, "anna", "Interview 1", first_words(study, "Interview 1"), "Werkdruk")
    before = sha(study)
    dry = merge(study, [a], dry_run=True)
    assert dry["dry_run"] and dry["changed"] and dry["codings"]["added"] == 1 and sha(study) == before
    assert not merge(tmp_path / "new.qualcode", [study, a], dry_run=True)["refused"]
    assert not (tmp_path / "new.qualcode").exists()
    report = merge(study, [a])
    assert report["backup"] and Path(report["backup"]).exists()
    assert len(codings(study)) == 1 and len(codings(report["backup"])) == 0


def test_same_text_under_another_name_is_one_document_with_an_alias(study, tmp_path):
    a = tmp_path / "anna.qualcode"
    handout(study, a, "anna")
    with Project.open(a) as p:
        p.documents.rename("Interview 3", "Gesprek drie")
    code_quote(a, "anna", "Gesprek drie", first_words(study, "Interview 3"), "Loopbaan")
    report = merge(study, [a])
    assert report["documents"]["aliases"] == [{"document": "Interview 3", "alias": "Gesprek drie", "input": str(a)}]
    with Project.open(study) as p:
        assert p.documents.get("Gesprek drie").name == "Interview 3" and len(p.documents.names()) == 3
    assert [r[0] for r in codings(study).values()] == ["Interview 3"]


def test_text_conflict_reanchors_and_flags_what_cannot_be_placed(study, tmp_path):
    a = tmp_path / "anna.qualcode"
    handout(study, a, "anna")
    with Project.open(study) as p:
        doc = p.documents.get("Interview 2")
        turns = p.documents.turns(doc.uuid)
    keep = doc.text[turns[3].start:turns[3].end].split()[:6]
    gone = doc.text[turns[5].start:turns[5].end]
    code_quote(a, "anna", "Interview 2", " ".join(keep), "Werkdruk")
    code_quote(a, "anna", "Interview 2", gone, "Loopbaan", memo="hele beurt")
    # the lead corrects the transcript in the study: a word in turn 2 and all of turn 6 change
    from qualcode.ingest.turns import detect_turns

    new_text = doc.text.replace(doc.text[turns[1].start:turns[1].end], "Interviewer: Een andere vraag.")
    new_text = new_text.replace(gone, "R2: Dat weet ik echt niet meer.")
    with Project.open(study) as p, p.transaction():
        p.team.replace_text(doc.uuid, new_text, detect_turns(new_text), None, "txt")
    report = merge(study, [a])
    (conflict,) = report["documents"]["text_conflicts"]
    assert (conflict["moved_exactly"], conflict["flagged"]) == (1, 1)
    (flag,) = report["codings"]["flagged"]
    assert flag["old_text"] == gone and flag["code"] == "Loopbaan"
    placed = list(codings(study).values())
    assert [(r[1], new_text[r[3]:r[4]]) for r in placed] == [("Werkdruk", " ".join(keep))]
    with Project.open(study) as p:
        (review,) = p.reviews.list()
        assert review["memo"] == "hele beurt" and review["old_text"] == gone and review["coder"] == "anna"
    again = merge(study, [a])
    assert not again["changed"] and again["codings"]["by_input"][str(a)]["awaiting_review"] == 1


def independent_copy(study, path, coder_setup=None):
    """A project someone built on their own from the same transcripts: other uuids everywhere."""
    from qualcode.ingest.turns import detect_turns

    with Project.open(study) as src:
        docs = [src.documents.get(u) for u in src.documents.names()]
    with Project.create(path) as p, p.transaction():
        for d in docs:
            p.documents.add(d.name, d.text, detect_turns(d.text))
        (coder_setup or _same_codebook)(p)
    return path


def _same_codebook(p):
    from qualcode.merge.synthetic import CODES

    for code in CODES:
        parent, _, name = code.rpartition("/")
        p.codebook.add(name, parent=parent or None)


def test_codes_unify_by_path_and_near_duplicates_are_reported_not_merged(study, tmp_path):
    def codebook(p):
        w = p.codebook.add("werkdruk ")
        p.codebook.add("ADMINISTRATIE", parent=w.uuid)
        p.codebook.add("Administratief", parent=w.uuid)
    c = independent_copy(study, tmp_path / "carla.qualcode", codebook)
    quote = first_words(study, "Interview 1")
    code_quote(c, "carla", "Interview 1", quote, "werkdruk/ADMINISTRATIE")
    code_quote(c, "carla", "Interview 1", quote, "werkdruk/Administratief")
    report = merge(study, [c])
    assert {r["as"] for r in report["codes"]["unified_by_path"]} == {"Werkdruk", "Werkdruk/Administratie"}
    assert [a["code"] for a in report["codes"]["added"]] == ["Werkdruk/Administratief"]
    (near,) = report["codes"]["near_duplicates"]
    assert near["similar_to"] == "Werkdruk/Administratie" and near["score"] >= 85
    assert sorted(r[1] for r in codings(study).values()) == ["Werkdruk/Administratie", "Werkdruk/Administratief"]
    # the lead confirms the two are one code: the mapping merges them, and the alias is remembered
    mapping = tmp_path / "map.csv"
    mapping.write_text("from,to\nWerkdruk/Administratief,Werkdruk/Administratie\n", encoding="utf-8")
    report = merge(study, [c], mapping=read_mapping(mapping))
    assert report["codes"]["merged_in_target"] and report["changed"]
    rows = list(codings(study).values())
    assert [r[1] for r in rows] == ["Werkdruk/Administratie"]  # carla's exact duplicate folded in
    assert not merge(study, [c])["changed"]


def test_exact_duplicate_by_the_same_coder_is_dropped_and_reported(study, tmp_path):
    a = tmp_path / "anna.qualcode"
    quote = first_words(study)
    first = code_quote(study, "anna", "Interview 2", quote, "Werkdruk")
    handout(study, a, "anna")
    with Project.open(a) as p:
        p.codings.remove([first])
    second = code_quote(a, "anna", "Interview 2", quote, "Werkdruk")  # recoded: new uuid, same span
    report = merge(study, [a])
    (dup,) = report["codings"]["duplicates"]
    assert dup["coding"] == second and dup["duplicate_of"] == first
    assert report["codings"]["deleted_in_copy"][0]["coding"] == first
    assert list(codings(study)) == [first]


def test_ambiguous_coder_names_are_refused_until_mapped(study, tmp_path):
    x = independent_copy(study, tmp_path / "x.qualcode")
    y = independent_copy(study, tmp_path / "y.qualcode")
    quote = first_words(study, "Interview 1")
    code_quote(x, "default", "Interview 1", quote, "Werkdruk")
    code_quote(y, "default", "Interview 1", quote, "Loopbaan")
    target = tmp_path / "m.qualcode"
    report = merge(target, [study, x, y])
    assert report["refused"] and not target.exists()
    report = merge(target, [study, x, y], coder_rules=parse_coder_maps([f"{y}=yvonne", "x.qualcode=xander"]))
    assert not report["refused"]
    assert sorted(r[2] for r in codings(target).values()) == ["xander", "yvonne"]
    # renaming is remembered through the codings' uuids: merging again with the same map is a no-op
    assert not merge(target, [x, y], coder_rules=parse_coder_maps([f"{y}=yvonne", "x.qualcode=xander"]))["changed"]
    # a later file with a new 'default' coder clashes with the merged file's own 'default'? no: names differ now
    z = independent_copy(study, tmp_path / "z.qualcode")
    code_quote(z, "Xander", "Interview 1", quote, "Werkdruk")
    report = merge(target, [z])
    assert report["refused"] and "case" in report["refused"][0]["reason"]


def test_handout_copy_coding_under_another_name_is_refused(study, tmp_path):
    a = tmp_path / "anna.qualcode"
    handout(study, a, "anna")
    code_quote(a, "default", "Interview 1", first_words(study, "Interview 1"), "Werkdruk")
    report = merge(study, [a])
    assert report["refused"] and "handed out to 'anna'" in report["refused"][0]["reason"]
    assert merge(study, [a], coder_rules=parse_coder_maps([f"{a}=anna"]))["codings"]["added_by_coder"] == {"anna": 1}


def test_one_sided_changes_apply_two_sided_changes_are_conflicts(study, tmp_path):
    a, b = tmp_path / "anna.qualcode", tmp_path / "bram.qualcode"
    with Project.open(study) as p:
        p.memos.add("project", None, "lead", "eerste versie")
        doc = p.documents.get("Interview 1").uuid
        with p.transaction():
            p.attributes.set("document", doc, "school", "SBO", "text")
    handout(study, a, "anna")
    handout(study, b, "bram")
    with Project.open(a) as p:
        p.codebook.update("Werkdruk/Administratie", definition="nieuwe definitie van anna")
        memo = p.memos.list()[0].uuid
        p.db.execute("UPDATE memos SET text = 'anna vult aan' WHERE uuid = ?", [memo])
    with Project.open(b) as p:
        p.codebook.update("Loopbaan", definition="bram's definitie")
        with p.transaction():
            p.attributes.set("document", doc, "school", "speciaal basisonderwijs", "text")
    report = merge(study, [a, b])
    assert not report["conflicts"]
    with Project.open(study) as p:
        assert p.codebook.get("Werkdruk/Administratie").definition == "nieuwe definitie van anna"
        assert p.codebook.get("Loopbaan").definition == "bram's definitie"
        assert p.memos.list()[0].text == "anna vult aan"
        assert p.attributes.of("document")[doc]["school"] == "speciaal basisonderwijs"
        # now the lead and anna both change the same definition
        p.codebook.update("Werkdruk/Administratie", definition="versie van de projectleider")
    with Project.open(a) as p:
        p.codebook.update("Werkdruk/Administratie", definition="tweede versie van anna")
    report = merge(study, [a, b])
    (conflict,) = report["conflicts"]
    assert conflict["field"] == "definition" and conflict["proposed"][0]["value"] == "tweede versie van anna"
    with Project.open(study) as p:
        assert p.codebook.get("Werkdruk/Administratie").definition == "versie van de projectleider"


def test_round_two_edits_by_the_coder_are_applied(study, tmp_path):
    a = tmp_path / "anna.qualcode"
    handout(study, a, "anna")
    quote = first_words(study, "Interview 1", n=8)
    uuid = code_quote(a, "anna", "Interview 1", quote, "Werkdruk")
    merge(study, [a])
    with Project.open(a) as p:
        c = p.codings.get(uuid)
        p.codings.update(uuid, end=c.end - 3, memo="ingekort")
    report = merge(study, [a])
    assert report["codings"]["updated"] == 1 and not report["conflicts"]
    assert codings(study)[uuid][5] == "ingekort"


def test_deletions_in_a_copy_are_reported_not_propagated(study, tmp_path):
    first = code_quote(study, "anna", "Interview 2", first_words(study), "Werkdruk")
    a = tmp_path / "anna.qualcode"
    handout(study, a, "anna")
    with Project.open(a) as p:
        p.codings.remove([first])
        p.codebook.delete("Loopbaan/Scholing")
    report = merge(study, [a])
    assert [d["coding"] for d in report["codings"]["deleted_in_copy"]] == [first]
    assert report["codes"]["deleted_in_copy"] == [{"input": str(a), "code": "Loopbaan/Scholing"}]
    assert not report["changed"] and first in codings(study)


def test_mapping_file_errors_name_the_line(tmp_path):
    from qualcode.errors import InputError

    bad = tmp_path / "map.csv"
    bad.write_text("from,to\n,Werkdruk\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_mapping(bad)
    bad.write_text("van,naar\n", encoding="utf-8")
    with pytest.raises(InputError, match="from,to"):
        read_mapping(bad)
    ok = tmp_path / "ok.csv"
    ok.write_text("from,to\ncoder:coders/anna.qualcode,anna2\ncoder:b.qualcode:default,bram\nA/B,\n", encoding="utf-8")
    m = read_mapping(ok)
    assert [(r.file, r.old, r.new) for r in m.coders] == [("coders/anna.qualcode", None, "anna2"), ("b.qualcode", "default", "bram")]
    assert m.codes[0].target is None and isinstance(m, Mapping)


def test_new_documents_and_codes_from_a_copy_are_added(study, tmp_path):
    a = tmp_path / "anna.qualcode"
    handout(study, a, "anna")
    from qualcode.ingest.turns import detect_turns

    text = "Interviewer: Hallo?\n\nR9: Dag, ik ben nieuw hier.\n"
    with Project.open(a) as p:
        with p.transaction():
            doc, _ = p.documents.add("Interview 9", text, detect_turns(text))
        code = p.codebook.add("Nieuw thema")
        p.codebook.add("Sub", parent=code.uuid)
        p.codings.add(doc.uuid, p.codebook.get("Nieuw thema/Sub").uuid, "anna", 17, 40)
    report = merge(study, [a])
    assert report["documents"]["added"] == [{"document": "Interview 9", "from": [str(a)]}]
    assert [c["code"] for c in report["codes"]["added"]] == ["Nieuw thema", "Nieuw thema/Sub"]
    with Project.open(study) as p:
        assert p.documents.get("Interview 9").text == text and len(p.documents.turns(p.documents.get("Interview 9").uuid)) == 2
        assert p.cases.get("R9") is not None
    assert not merge(study, [a])["changed"]
