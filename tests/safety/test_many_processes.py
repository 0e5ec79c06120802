"""Many processes on one project at once: nothing lost, nothing doubled, the file intact."""

from __future__ import annotations

import os
from pathlib import Path

from qualcode.cli.main import main
from tests.safety.stress import run

ROOT = Path(__file__).resolve().parents[2]


def test_writers_a_tui_an_import_an_export_and_a_merge_at_once(tmp_path, codebook_file, transcript_file):
    path = tmp_path / "shared.qualcode"
    assert main(["init", str(path), "--codebook", str(codebook_file)]) == 0
    assert main(["import", str(path), str(transcript_file)]) == 0
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    figures = run(path, 4.0, ["writer", "writer", "tui", "import", "export", "merge"], env=env)
    assert figures["crashes"] == []
    assert figures["errors"] == []
    assert figures["integrity"] == "ok"
    assert figures["codings_reported"] > 10
    assert figures["lost"] == 0 and figures["doubled"] == 0
