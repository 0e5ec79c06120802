"""qualcode export frequencies: codings and respondents per code, by attribute."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from qualcode.cli.main import main
from qualcode.export.frequencies import build_frequencies
from qualcode.store.project import Project
from tests.export.test_common import build_study


@pytest.fixture
def study(tmp_path):
    return build_study(tmp_path / "study.qualcode")


def test_counts_per_code_and_theme(study):
    with Project.open(study) as project:
        f = build_frequencies(project)
    rows = [(r.label, r.is_theme, r.rank, r.codings, r.documents, len(r.respondents)) for r in f.rows]
    assert rows == [
        ("Oorzaken werkdruk", True, 0, 4, 2, 1),
        ("Administratieve last", False, 1, 2, 2, 1),  # two coders' identical spans count once
        ("Lerarentekort", False, 2, 2, 1, 1),
        ("EVC", True, 0, 2, 1, 2),
        ("Vrijstelling", False, 1, 2, 1, 2),
    ]
    assert f.total == 3


def test_by_perspective_with_two_valued_attribute(study, tmp_path):
    out = tmp_path / "exports" / "frequencies.xlsx"
    assert main(["export", "frequencies", str(study), "-o", str(out), "--by", "perspective"]) == 0
    wb = load_workbook(out)
    ws = wb["Frequencies"]
    header = [c.value for c in ws[1]]
    assert header[:7] == ["Theme", "Code", "Rank", "Codings", "Documents", "Respondents (N=3)", "% of respondents"]
    assert header[7:] == ["perspective: opleiding (N=1)", "% opleiding", "perspective: organisatie (N=1)",
                          "% organisatie", "perspective: primair proces (N=1)", "% primair proces",
                          "perspective: sector (N=1)", "% sector"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    vrij = rows["Vrijstelling"]
    assert vrij[5:] == (2, pytest.approx(2 / 3), 1, 1, 0, 0, 1, 1, 0, 0)
    admin = rows["Administratieve last"]
    assert admin[7:] == (0, 0, 1, 1, 0, 0, 1, 1)  # Karin speaks from two perspectives: counted in both
    assert ws["G3"].number_format == "0%"
    assert ws["B3"].font.bold  # top 3 of the theme in bold
    top = wb["Top 3 by perspective"]
    values = [r for r in top.iter_rows(min_row=2, values_only=True)]
    assert ("EVC", 1, "Vrijstelling (1/1, 100%)", None, "Vrijstelling (1/1, 100%)", None) in values


def test_where_and_unknown_attribute(study, tmp_path, capsys):
    out = tmp_path / "f.md"
    assert main(["export", "frequencies", str(study), "-o", str(out), "--where", "role=onderwijsassistent"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| **EVC** | **Vrijstelling** | **1** | **2** | **1** | **2** | **100%** |" in text
    assert "| Oorzaken werkdruk | Lerarentekort | 2 | 0 | 0 | 0 | 0% |" in text
    assert main(["export", "frequencies", str(study), "-o", str(out), "--by", "leeftijd"]) != 0
    assert "unknown attribute 'leeftijd' in --by" in " ".join(capsys.readouterr().err.split())


def test_by_document_attribute_and_kind(study):
    with Project.open(study) as project:
        f = build_frequencies(project, by="kind")
        assert f.groups == ["focus_group", "interview"] and f.group_sizes == {"interview": 1, "focus_group": 2}
        g = build_frequencies(project, by="school")
        assert g.groups == ["regulier", "speciaal"]
        vrij = next(r for r in g.rows if r.label == "Vrijstelling")
        assert g.share(vrij, "speciaal") == 1.0 and g.share(vrij, "regulier") == 0.0
