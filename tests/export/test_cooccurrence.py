"""qualcode export cooccurrence: code × code counts by span, turn or document."""

from __future__ import annotations

import csv

import pytest

from qualcode.cli.main import main
from qualcode.export.cooccurrence import build_cooccurrence
from qualcode.store.project import Project
from tests.export.test_common import FOCUS_GROUP, build_study, span


@pytest.fixture
def study(tmp_path):
    path = build_study(tmp_path / "study.qualcode")
    with Project.open(path) as project:  # anna also codes Petra's EVC sentence as administrative load
        doc = project.documents.get("Focusgroep 1")
        project.codings.add(doc.uuid, project.codebook.get("Administratieve last").uuid, "anna",
                           *span(FOCUS_GROUP, "Mijn EVC-traject gaf een vrijstelling."))
    return path


def _counts(path, unit, codes=None):
    with Project.open(path) as project:
        co = build_cooccurrence(project, unit, codes)
    return co.labels, co.counts


def test_span_unit_counts_overlaps_of_one_coder(study):
    labels, counts = _counts(study, "span")
    assert labels == ["Administratieve last", "Lerarentekort", "Vrijstelling"]
    # anna's Administratieve last overlaps anna's Vrijstelling; bram's Vrijstelling on the same
    # words is a different coder's and does not count
    assert counts == [[3, 0, 1], [0, 2, 0], [1, 0, 2]]


def test_turn_and_document_units(study):
    assert _counts(study, "turn")[1] == [[3, 0, 1], [0, 2, 0], [1, 0, 2]]
    assert _counts(study, "document")[1] == [[2, 1, 1], [1, 1, 0], [1, 0, 1]]
    labels, counts = _counts(study, "span", ["themes"])
    assert labels == ["Oorzaken werkdruk", "EVC"] and counts == [[5, 1], [1, 2]]


def test_csv_output_and_errors(study, tmp_path, capsys):
    out = tmp_path / "exports" / "cooccurrence.csv"
    assert main(["export", "cooccurrence", str(study), "-o", str(out), "--unit", "turn"]) == 0
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Code", "Administratieve last", "Lerarentekort", "Vrijstelling"]
    assert rows[3] == ["Vrijstelling", "1", "0", "2"]
    assert main(["export", "cooccurrence", str(study), "-o", str(tmp_path / "c.docx")]) != 0
    assert main(["export", "cooccurrence", str(study), "-o", str(out), "--codes", "Nergens"]) != 0
    err = " ".join(capsys.readouterr().err.split())
    assert "writes .csv, .xlsx, .md, .html files" in err and "no code 'Nergens'" in err
