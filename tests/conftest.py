"""Shared fixtures: small projects built through the real code paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

SAMPLE_CODEBOOK = """\
codebook:
  name: Test study
  language: nl
codes:
  - name: Oorzaken werkdruk
    label: Causes of workload
    definition: What makes the work heavy.
    colour: "#d62728"
    children:
      - name: Administratieve last
        label: Administrative load
        definition: Paperwork and registration.
        keywords: [administratie, registratie]
      - name: Lerarentekort
        label: Teacher shortage
        definition: Not enough teachers.
        keywords: [tekort, invallen]
  - name: EVC
    label: Recognition of prior learning
    definition: Recognition of prior learning.
    children:
      - name: Vrijstelling
        label: Exemption
        definition: Exemptions granted.
        keywords: [vrijstelling]
"""

SAMPLE_TRANSCRIPT = """\
Interview test 1

Interviewer: Wat maakt het werk zwaar?

Karin: Nou, eh, de administratie. Elke week weer registratie van toetsen.
En dan nog het invallen, want er is een tekort aan leraren.

Interviewer: En EVC?

Karin: Ik kreeg een vrijstelling voor twee modules.
"""


@pytest.fixture
def codebook_file(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(SAMPLE_CODEBOOK, encoding="utf-8")
    return path


@pytest.fixture
def transcript_file(tmp_path: Path) -> Path:
    path = tmp_path / "interview_test_1.txt"
    path.write_text(SAMPLE_TRANSCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def project_path(tmp_path: Path, codebook_file: Path, transcript_file: Path) -> Path:
    from qualcode.cli.main import main

    path = tmp_path / "study.qualcode"
    assert main(["init", str(path), "--codebook", str(codebook_file)]) == 0
    assert main(["import", str(path), str(transcript_file)]) == 0
    return path


def file_digest(path: Path) -> str:
    """The project's content as a stable digest (a dump of every table), to prove nothing changed."""
    import hashlib
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return hashlib.sha256(dump.encode()).hexdigest()
