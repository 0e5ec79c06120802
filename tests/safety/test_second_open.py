"""Several processes on one project file (the TUI, its workers, `qualcode serve` tabs, the CLI):
what one process writes, another sees at once — also after the first process opened the project
a second time (its workers do), which must not drop the first connection's SQLite locks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.tui.fixtures import build_study

SRC = Path(__file__).resolve().parents[2] / "src"
COUNT = ("import sys; sys.path.insert(0, sys.argv[2]); from qualcode.store.project import Project\n"
         "p = Project.open(sys.argv[1]); print(len(p.codings.list())); p.close()")


def count_elsewhere(path) -> int:
    out = subprocess.run([sys.executable, "-c", COUNT, str(path), str(SRC)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return int(out.stdout)


def test_a_write_is_seen_by_another_process_after_a_second_open_in_this_one(tmp_path):
    from qualcode.store.project import Project

    path = tmp_path / "study.qualcode"
    ids = build_study(path)
    main = Project.open(path, coder="anna")
    try:
        worker = Project.open(path)  # as a TUI worker does
        worker.close()
        assert count_elsewhere(path) == 0  # another process opens and closes the file meanwhile
        doc = ids["Interview Sanne"]
        main.codings.add(doc, ids["Extra handen"], "anna", 0, 10)
        assert count_elsewhere(path) == 1
        main.codings.add(doc, ids["Lerarentekort"], "anna", 20, 30)
        assert count_elsewhere(path) == 2
    finally:
        main.close()
    assert count_elsewhere(path) == 2
