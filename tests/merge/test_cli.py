"""handout, merge, replace-text and flagged from the command line, on the demo transcripts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qualcode.cli.main import main
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from qualcode.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "study.qualcode", ROOT)


@pytest.fixture
def study(demo, tmp_path) -> Path:
    return Path(shutil.copy(demo, tmp_path / "study.qualcode"))


def run(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out + out.err


def run_json(capsys, *args):
    code, out = run(capsys, *args, "--json")
    return code, json.loads(out[out.index("{") if out.lstrip()[0] == "{" else out.index("["):])


def coders(path) -> dict:
    with Project.open(path) as p:
        return dict(p.db.execute("SELECT coder, count(*) FROM codings GROUP BY coder").fetchall())


def test_handout_code_merge_twice(study, tmp_path, capsys):
    before = coders(study)
    cor, anna = tmp_path / "coders" / "cor.qualcode", tmp_path / "coders" / "anna.qualcode"
    assert run(capsys, "handout", study, cor, "--coder", "cor")[0] == 0
    code, out = run(capsys, "handout", study, anna, "--coder", "anna", "--docs", "Interview leraar 1", "Interview leraar 2")
    assert code == 0 and "2 document(s)" in out
    quote = "ik ben eenendertig"
    assert run(capsys, "code", cor, "Interview leraar 1", "--quote", quote, "--code", "Achtergrond/Opleiding", "--coder", "cor")[0] == 0
    assert run(capsys, "code", anna, "Interview leraar 1", "--quote", quote, "--code", "Achtergrond/Opleiding", "--coder", "anna")[0] == 0
    merged = tmp_path / "merged.qualcode"
    code, report = run_json(capsys, "merge", merged, study, anna, cor, "--dry-run")
    by_input = report["codings"]["by_input"]
    assert code == 0 and report["dry_run"] and by_input[str(anna)]["added"] == by_input[str(cor)]["added"] == 1
    assert by_input[str(study)]["added"] == sum(before.values())  # a new target takes the study's codings too
    assert not merged.exists()
    code, out = run(capsys, "merge", merged, study, anna, cor)
    assert code == 0 and f"codings added: {sum(before.values()) + 2}" in out
    after = coders(merged)
    assert after.get("cor") == 1 and after["anna"] == before["anna"] + 1 and sum(after.values()) == sum(before.values()) + 2
    code, out = run(capsys, "merge", merged, study, anna, cor)
    assert code == 0 and "nothing new" in out and coders(merged) == after
    with Project.open(merged) as p:
        sources = {c.source for c in p.codings.list(coder="cor")}
        # the study itself was built by merging (qualcode demo); this merge adds one record per input
        merges = [m["source_path"] for m in p.team.merges()]
        assert sources == {str(cor)} and [m for m in merges if m in {str(study), str(anna), str(cor)}] == [
            str(study), str(anna), str(cor)]


def test_merge_refuses_ambiguous_coders_until_mapped(study, tmp_path, capsys):
    x, y = tmp_path / "x.qualcode", tmp_path / "y.qualcode"
    for path in (x, y):
        assert run(capsys, "handout", study, path, "--coder", "default")[0] == 0
        run(capsys, "code", path, "Interview leraar 1", "--quote", "ik ben eenendertig", "--code", "Achtergrond/Opleiding",
            "--coder", "default")
    merged = tmp_path / "m.qualcode"
    code, out = run(capsys, "merge", merged, study, x, y)
    assert code == 2 and "coder-map" in out and not merged.exists()
    code, out = run(capsys, "merge", merged, study, x, y, "--coder-map", f"{x}=xander", "--coder-map", "y.qualcode=yara")
    assert code == 0 and {"xander", "yara"} <= set(coders(merged))
    assert run(capsys, "merge", merged, x, "--coder-map", "nonsense")[0] == 2


def test_merge_with_mapping_file(study, tmp_path, capsys):
    c = tmp_path / "carla.qualcode"
    run(capsys, "handout", study, c, "--coder", "carla")
    with Project.open(c) as p:
        p.codebook.add("Opleidingen", parent=p.codebook.get("Achtergrond").uuid)
    run(capsys, "code", c, "Interview leraar 1", "--quote", "ik ben eenendertig", "--code", "Achtergrond/Opleidingen",
        "--coder", "carla")
    code, report = run_json(capsys, "merge", study, c, "--dry-run")
    assert code == 0 and report["codes"]["near_duplicates"][0]["similar_to"] == "Achtergrond/Opleiding"
    mapping = tmp_path / "map.csv"
    mapping.write_text("from,to\nAchtergrond/Opleidingen,Achtergrond/Opleiding\n", encoding="utf-8")
    code, out = run(capsys, "merge", study, c, "--map", mapping)
    assert code == 0
    with Project.open(study) as p:
        assert [p.codebook.tree().path(x.code) for x in p.codings.list(coder="carla")] == ["Achtergrond/Opleiding"]
        assert p.codebook.tree().find("Achtergrond/Opleidingen") is None
    assert list(tmp_path.glob("study.qualcode.bak-*"))
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to\nAchtergrond/Opleidingen,Bestaat/Niet\n", encoding="utf-8")
    code, out = run(capsys, "merge", study, c, "--map", bad)
    assert code == 2 and "line 2" in out and "Bestaat/Niet" in out


def corrected_docx(tmp_path) -> tuple[Path, list[str]]:
    import docx

    d = docx.Document(ROOT / "transcripts" / "interview_leraar_2.docx")
    ps = d.paragraphs
    ps[4].text = ps[4].text.replace("achtendertig", "achtendertig jaar")
    ps[8].text = ps[8].text.replace("Eh. ", "")
    ps[10].text = ps[10].text + " Dat is gewoon zo."
    gone = ps[20].text
    ps[20]._element.getparent().remove(ps[20]._element)
    path = tmp_path / "corrected.docx"
    d.save(path)
    return path, gone


def test_replace_text_moves_codings_and_flags_the_rest(study, tmp_path, capsys):
    path, gone = corrected_docx(tmp_path)
    with Project.open(study) as p:
        doc = p.documents.get("Interview leraar 2")
        old = {c.uuid: c for c in p.codings.list(document=doc.uuid)}
    lost = {u for u, c in old.items() if c.text in gone.split(":", 1)[1]}
    code, report = run_json(capsys, "replace-text", study, "Interview leraar 2", path, "--dry-run")
    assert code == 0 and report["counts"]["flagged"] == len(lost) and not report["changed"]
    code, out = run(capsys, "replace-text", study, "Interview leraar 2", path)
    assert code == 0 and f"{len(lost)} flagged" in out
    with Project.open(study) as p:
        doc2 = p.documents.get("Interview leraar 2")
        assert doc2.uuid == doc.uuid and doc2.sha256 != doc.sha256 and "achtendertig jaar" in doc2.text
        now = {c.uuid: c for c in p.codings.list(document=doc.uuid)}
        assert set(now) == set(old) - lost
        for u, c in now.items():
            assert doc2.text[c.start:c.end] == c.text
            assert c.text.replace("achtendertig jaar", "achtendertig").replace("Eh. ", "") == old[u].text or \
                c.text.startswith(old[u].text[:20])
        assert {r["coding"] for r in p.reviews.list()} == lost
        from qualcode.ingest.readers import read_transcript

        assert len(p.documents.turns(doc.uuid)) == len(read_transcript(path).turns) and doc2.source_path == str(path)
    code, rows = run_json(capsys, "flagged", study)
    assert code == 0 and len(rows) == len(lost) and all(r["old_text"] for r in rows)
    first, second, placed = rows[0]["id"], rows[1]["id"], rows[0]["coding"]
    code, out = run(capsys, "flagged", study, "--place", first, "--quote", "Het is intens")
    assert code == 0 and "placed" in out
    assert run(capsys, "flagged", study, "--discard", second)[0] == 0
    code, rows = run_json(capsys, "flagged", study)
    assert len(rows) == len(lost) - 2
    with Project.open(study) as p:
        assert p.codings.get(placed).text == "Het is intens" and p.codings.get(placed).coder == old[placed].coder
        assert [r["status"] for r in p.reviews.list(None) if r["id"] in (first, second)] == ["placed", "discarded"]
    code, out = run(capsys, "replace-text", study, "Interview leraar 2", path)
    assert code == 0 and "the text is the same" in out


def test_replace_text_errors(study, tmp_path, capsys):
    assert run(capsys, "replace-text", study, "Interview leraar 2", tmp_path / "missing.docx")[0] == 2
    other = ROOT / "transcripts" / "interview_leraar_1.txt"
    code, out = run(capsys, "replace-text", study, "Interview leraar 2", other)
    assert code == 2 and "already in the project" in out
    assert run(capsys, "replace-text", study, "Geen document", other)[0] == 2
    assert run(capsys, "merge", tmp_path / "m.qualcode", tmp_path / "missing.qualcode")[0] == 2


def test_merging_a_copy_with_an_older_transcript_reanchors(study, tmp_path, capsys):
    """The lead corrects a transcript after handing out; the coder's copy still has the old text."""
    dirk = tmp_path / "dirk.qualcode"
    run(capsys, "handout", study, dirk, "--coder", "dirk")
    assert run(capsys, "code", dirk, "Interview leraar 2", "--quote", "Het is intens", "--code", "Achtergrond/Opleiding",
               "--coder", "dirk")[0] == 0
    path, _ = corrected_docx(tmp_path)
    assert run(capsys, "replace-text", study, "Interview leraar 2", path)[0] == 0
    code, report = run_json(capsys, "merge", study, dirk)
    assert code == 0
    (conflict,) = report["documents"]["text_conflicts"]
    assert conflict["moved_exactly"] == 1 and conflict["flagged"] == 0
    with Project.open(study) as p:
        (c,) = p.codings.list(coder="dirk")
        assert c.text == "Het is intens"
