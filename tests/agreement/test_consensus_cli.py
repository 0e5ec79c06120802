"""disagreements and consensus through the CLI: passages with turn and speaker, the CSV and the
discussion document, settling passages into the consensus coder (undoable)."""

from __future__ import annotations

import csv
import json

import pytest

from qualcode.cli.main import main
from qualcode.store.project import Project
from tests.agreement.test_cli import NVIVO_TEXT, code, nvivo  # noqa: F401 - fixture


@pytest.fixture
def study(nvivo):  # noqa: F811
    """The NVIVO document plus bram's 'Invallen' where anna coded 'Administratie' alone."""
    with Project.open(nvivo) as p:
        doc = p.documents.get("Interview 1").uuid
        code(p, "Invallen", (doc, "bram", 20, 60))
    return nvivo


def run_json(capsys, *argv):
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def consensus_spans(path, code="Werkdruk/Administratie"):
    with Project.open(path) as p:
        uuid = p.codebook.get(code).uuid
        return [(c.start, c.end, c.origin) for c in p.codings.list(coder="consensus", code=uuid)]


def shown_turn(capsys, path, position):
    turns = run_json(capsys, "show", str(path), "Interview 1")["turns"]
    hit = next(t for t in turns if t["start"] <= position < t["end"])
    return hit["turn"], hit["speaker"]


# --------------------------------------------------------------------------- disagreements


def test_disagreements_with_turns_speakers_and_who_coded_what(study, capsys):
    rows = run_json(capsys, "disagreements", str(study), "--code", "Administratie")
    assert [(r["start"], r["end"]) for r in rows] == [(0, 100), (150, 200)]
    first, second = rows
    assert first["coded_by"] == ["anna"] and first["not_coded_by"] == ["bram"]
    assert first["also_coded"] == {"bram": ["Werkdruk/Invallen"]}
    assert first["text"] == NVIVO_TEXT[0:100]
    assert second["coded_by"] == ["bram"] and second["also_coded"] == {}
    turn, speaker = shown_turn(capsys, study, 150)
    assert second["turn"] == str(turn) and second["speaker"] == speaker == "Karin"
    assert first["turn"] == "1-2" and first["speaker"] == "Interviewer, Karin"
    assert first["document"] == "Interview 1" and first["code"] == "Werkdruk/Administratie"


def test_disagreements_over_all_codes_and_terminal(study, capsys):
    rows = run_json(capsys, "disagreements", str(study))
    assert {r["code"] for r in rows} == {"Werkdruk/Administratie", "Werkdruk/Invallen"}
    assert main(["disagreements", str(study), "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "3 passage(s) where anna, bram differ" in out
    assert "and 2 more" in out


def test_disagreements_csv(study, tmp_path, capsys):
    out = tmp_path / "d.csv"
    assert main(["disagreements", str(study), "-o", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["document"] == "Interview 1"
    assert {r["coded_by"] for r in rows} == {"anna", "bram"}
    adm = [r for r in rows if r["code"] == "Werkdruk/Administratie"]
    assert adm[0]["also_coded"] == "bram: Werkdruk/Invallen"
    assert adm[1]["turn"] == "2" and adm[1]["speaker"] == "Karin"
    assert adm[1]["text"] == NVIVO_TEXT[150:200]


def test_disagreements_docx_is_a_discussion_document(study, tmp_path):
    from docx import Document

    out = tmp_path / "d.docx"
    assert main(["disagreements", str(study), "-o", str(out)]) == 0
    paras = [(p.style.name, p.text) for p in Document(str(out)).paragraphs]
    headings = [t for s, t in paras if s == "Heading 1"]
    assert headings == ["Werkdruk/Administratie (2)", "Werkdruk/Invallen (1)"]
    texts = [t for _, t in paras]
    assert "coded by anna; not by bram (coded Werkdruk/Invallen there)" in texts
    assert NVIVO_TEXT[150:200].strip() in texts
    assert any(t.startswith("2. Interview 1, turn 2 (Karin)") for t in texts)
    assert texts.count("Decision: ") == 3


def test_no_half_written_file_on_bad_suffix(study, tmp_path, capsys):
    assert main(["disagreements", str(study), "-o", str(tmp_path / "d.pdf")]) == 2
    assert not list(tmp_path.glob("d.*"))


# --------------------------------------------------------------------------- consensus


def test_accept_a_coder_and_undo(study, capsys):
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--accept", "anna"]) == 0
    assert consensus_spans(study) == [(0, 150, "human")]
    assert main(["undo", str(study)]) == 0
    assert consensus_spans(study) == []


def test_accepting_another_coder_replaces_in_one_step(study, capsys):
    main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--accept", "anna"])
    main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--accept", "BRAM"])
    assert consensus_spans(study) == [(100, 200, "human")]
    main(["undo", str(study)])
    assert consensus_spans(study) == [(0, 150, "human")]


def test_new_span_by_offsets_and_by_turn(study, capsys):
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie",
                 "--start", "120", "--end", "180"]) == 0
    assert consensus_spans(study) == [(120, 180, "human")]
    with Project.open(study) as p:
        turns = p.documents.turns(p.documents.get("Interview 1").uuid)
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--turn", "1"]) == 0
    assert consensus_spans(study) == [(turns[0].start, turns[0].end, "human"), (120, 180, "human")]
    # the whole of turn 2 replaces what was coded inside it
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--turn", "2"]) == 0
    assert consensus_spans(study) == [(turns[0].start, turns[0].end, "human"), (turns[1].start, turns[1].end, "human")]


def test_settling_passages_one_by_one_composes(study, capsys):
    """anna's version of 0-100 (her span runs on to 150, where both agree), then bram's of
    150-200: the consensus is 0-200; then 150-200 as not coded leaves 0-150."""
    base = ["consensus", str(study), "Interview 1", "--code", "Administratie"]
    assert main([*base, "--accept", "anna", "--start", "0", "--end", "100"]) == 0
    assert consensus_spans(study) == [(0, 150, "human")]
    assert main([*base, "--accept", "bram", "--start", "150", "--end", "200"]) == 0
    assert consensus_spans(study) == [(0, 200, "human")]
    assert main([*base, "--none", "--start", "150", "--end", "200"]) == 0
    assert consensus_spans(study) == [(0, 150, "human")]
    main(["undo", str(study)])
    assert consensus_spans(study) == [(0, 200, "human")]


def test_accept_in_a_region_copies_whole_spans(study, capsys):
    d = run_json(capsys, "consensus", str(study), "Interview 1", "--code", "Administratie",
                 "--accept", "bram", "--start", "180", "--end", "190")
    assert [(c["start"], c["end"]) for c in d["added"]] == [(100, 200)]


def test_accepting_a_coder_who_left_it_out_settles_as_not_coded(study, capsys):
    main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--start", "0", "--end", "90"])
    assert consensus_spans(study) == [(0, 90, "human")]
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie",
                 "--accept", "bram", "--start", "0", "--end", "90"]) == 0
    assert consensus_spans(study) == []
    main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--turn", "1"])
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--none", "--turn", "1"]) == 0
    assert consensus_spans(study) == []


def test_consensus_errors(study, capsys):
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie"]) == 2
    assert "say what to settle" in capsys.readouterr().err
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--accept", "zoe"]) == 2
    assert "no coder named 'zoe'" in capsys.readouterr().err
    assert main(["consensus", str(study), "Interview 1", "--code", "Administratie", "--turn", "9"]) == 2
    assert "no turn 9" in capsys.readouterr().err
    assert consensus_spans(study) == []
