"""qualcode export tidy: one row per coding, and a respondent × code 0/1 table."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode.cli.main import main
from tests.export.test_common import build_study


@pytest.fixture
def study(tmp_path):
    return build_study(tmp_path / "study.qualcode")


def test_one_row_per_coding_with_every_attribute(study, tmp_path):
    out = tmp_path / "exports" / "codings.csv"
    assert main(["export", "tidy", str(study), "-o", str(out)]) == 0
    df = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    assert list(df.columns[:11]) == ["coding_id", "theme", "code", "code_path", "coder", "origin", "created_at",
                                     "document", "document_kind", "document_school", "respondent"]
    assert {"role", "perspective", "speakers", "turn", "timestamp", "start", "end", "text", "memo"} <= set(df.columns)
    # 7 codings; the one spanning Petra's and Mirjam's turns gives a row for each
    assert len(df) == 8 and df["coding_id"].nunique() == 7
    both = df[df["text"].str.startswith("Ik ben Petra")]
    assert list(both["respondent"]) == ["Petra", "Mirjam"]
    assert list(both["perspective"]) == ["primair proces", "opleiding"]
    assert set(both["document_school"]) == {"speciaal"}
    admin = df[df["text"].str.startswith("de administratie")]
    assert sorted(admin["coder"]) == ["anna", "bram"]
    assert set(admin["timestamp"]) == {"00:00:05"} and set(admin["turn"]) == {"2"}
    welkom = df[df["text"].str.startswith("Welkom")]
    assert welkom["respondent"].item() == "" and welkom["speakers"].item() == "Moderator"

    matrix = pd.read_csv(tmp_path / "exports" / "codings_respondent_x_code.csv", encoding="utf-8-sig")
    assert list(matrix["respondent"]) == ["Karin de Vries", "Petra", "Mirjam"]
    assert list(matrix["EVC/Vrijstelling"]) == [0, 1, 1]
    assert list(matrix["Oorzaken werkdruk/Lerarentekort"]) == [1, 0, 0]


def test_xlsx_has_two_sheets_and_consensus(study, tmp_path):
    out = tmp_path / "codings.xlsx"
    assert main(["export", "tidy", str(study), "-o", str(out), "--coder", "consensus"]) == 0
    sheets = pd.read_excel(out, sheet_name=None, keep_default_na=False)
    assert list(sheets) == ["codings", "respondent x code", "About"]
    codings = sheets["codings"]
    assert set(codings["coder"]) == {"consensus"}
    assert sorted(codings["text"]) == ["Mijn EVC-traject gaf een vrijstelling.",
                                       "de administratie. Elke week weer registratie van toetsen."]
