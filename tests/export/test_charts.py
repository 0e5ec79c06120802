"""qualcode export charts: PNG bar charts and a co-occurrence heatmap."""

from __future__ import annotations

import pytest

from qualcode.cli.main import main
from tests.export.test_common import build_study

pytest.importorskip("matplotlib")


def test_charts_are_written_as_png(tmp_path):
    study = build_study(tmp_path / "study.qualcode")
    out = tmp_path / "exports" / "charts"
    assert main(["export", "charts", str(study), "-o", str(out), "--by", "perspective"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["cooccurrence_span.png", "frequencies_01_oorzaken_werkdruk_by_perspective.png",
                     "frequencies_02_evc_by_perspective.png", "themes_by_perspective.png"]
    for path in out.iterdir():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
    from PIL import Image

    with Image.open(out / "frequencies_01_oorzaken_werkdruk_by_perspective.png") as image:
        assert image.size[0] >= 900  # readable in a report at 150 dpi


def test_charts_refuse_a_file_as_folder(tmp_path, capsys):
    study = build_study(tmp_path / "study.qualcode")
    target = tmp_path / "charts.png"
    target.write_text("x")
    assert main(["export", "charts", str(study), "-o", str(target)]) != 0
    assert "charts go into a folder" in capsys.readouterr().err
