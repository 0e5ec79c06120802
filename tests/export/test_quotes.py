"""qualcode export quotes: quote books in .docx, .md, .csv and .xlsx."""

from __future__ import annotations

import pandas as pd
import pytest
from docx import Document

from qualcode.cli.main import main
from qualcode.export.quotes import build_quote_book
from qualcode.store.project import Project
from tests.export.test_common import build_study


@pytest.fixture
def study(tmp_path):
    return build_study(tmp_path / "study.qualcode")


def test_docx_has_headings_quotes_citations_and_a_contents_field(study, tmp_path):
    out = tmp_path / "exports" / "quotes.docx"
    assert main(["export", "quotes", str(study), "-o", str(out), "--attributes", "role"]) == 0
    doc = Document(str(out))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    headings = [(s, t) for s, t in paras if s.startswith("Heading")]
    assert headings == [("Heading 1", "Oorzaken werkdruk"), ("Heading 2", "Administratieve last (2)"),
                        ("Heading 2", "Lerarentekort (2)"), ("Heading 1", "EVC"), ("Heading 2", "Vrijstelling (2)")]
    quotes = [t for s, t in paras if s == "Quote"]
    assert quotes.count("de administratie. Elke week weer registratie van toetsen.") == 1  # two coders, once
    assert len(quotes) == 6
    i = [t for _, t in paras].index("de administratie. Elke week weer registratie van toetsen.")
    assert paras[i + 1][1] == ("— Karin de Vries (role: schoolleider), Interview 1, turn 2, 00:00:05 "
                               "· coded by anna, bram")
    assert "Memo: -ook bij anna" in [t for _, t in paras]
    i = [t for _, t in paras].index("En het lerarentekort?")
    assert paras[i + 1][1] == "— Interviewer to Karin de Vries (role: schoolleider), Interview 1, turn 3, 00:01:10 " \
                              "· coded by anna"
    body = doc.element.body.xml
    assert 'TOC \\o "1-3"' in body and 'w:fldCharType="begin"' in body
    assert doc.settings.element.xml.count("updateFields") == 1
    assert paras[0] == ("Title", "Quote book — Teststudie")


def test_filters_by_code_and_attribute(study, tmp_path):
    out = tmp_path / "q.csv"
    assert main(["export", "quotes", str(study), "-o", str(out), "--codes", "EVC",
                 "--where", "role=onderwijsassistent"]) == 0
    df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert set(df["Code"]) == {"Vrijstelling"}
    assert list(df["Respondent"]) == ["Petra & Mirjam", "Petra"]
    assert list(df["Turn"]) == ["turns 2–3", "turn 2"]
    assert list(df["role"]) == ["onderwijsassistent", "onderwijsassistent"]
    assert list(df["Coders"]) == ["anna", "bram"]


def test_markdown_and_xlsx(study, tmp_path):
    md = tmp_path / "q.md"
    assert main(["export", "quotes", str(study), "-o", str(md), "--coder", "anna"]) == 0
    text = md.read_text(encoding="utf-8")
    assert "## Oorzaken werkdruk" in text and "### Vrijstelling (1)" in text
    assert "> de administratie. Elke week weer registratie van toetsen." in text
    assert "> — Karin de Vries (role: schoolleider, perspective: organisatie; sector), Interview 1, turn 2, " \
           "00:00:05 · coded by anna" in text
    assert "coded by bram" not in text and "Welkom" not in text  # bram's codings are left out
    xlsx = tmp_path / "q.xlsx"
    assert main(["export", "quotes", str(study), "-o", str(xlsx)]) == 0
    df = pd.read_excel(xlsx, sheet_name="Quotes", keep_default_na=False)
    assert len(df) == 6
    assert df.loc[df["Quote"].str.startswith("Welkom"), "Respondent"].item() == "Moderator"


def test_build_quote_book_for_the_tui(study):
    with Project.open(study) as project:
        data, groups = build_quote_book(project)
    assert [(g.theme, g.name, len(g.quotes)) for g in groups] == [
        ("Oorzaken werkdruk", "Administratieve last", 2), ("Oorzaken werkdruk", "Lerarentekort", 2),
        ("EVC", "Vrijstelling", 2)]
    first = groups[0].quotes[0]
    assert first.coders == ["anna", "bram"] and first.memos == ["-ook bij anna"]


def test_bad_suffix_and_unknown_code(study, tmp_path, capsys):
    assert main(["export", "quotes", str(study), "-o", str(tmp_path / "q.pdf")]) != 0
    assert main(["export", "quotes", str(study), "-o", str(tmp_path / "q.docx"), "--codes", "Nergens"]) != 0
    err = " ".join(capsys.readouterr().err.split())
    assert ".docx, .md, .csv, .xlsx" in err and "no code 'Nergens'" in err
