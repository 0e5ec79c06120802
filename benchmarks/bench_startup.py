"""What the user waits for, from the process start (issue 13): everyday commands against the
Python floor measured in the same run, and the TUI from process start to its first paint.

    python benchmarks/bench_startup.py [--repeat 15]

CPU seconds (user + system of the child) are reported beside wall time: the machines here are
shared and wall time is noisy; each ratio is to a floor measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from common import write_section  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(ROOT / "src"))


def timed(cmd: list[str], repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    a = ap.parse_args()
    py = sys.executable
    folder = Path(tempfile.mkdtemp(prefix="qualcode-bench-startup-"))
    project = folder / "demo.qualcode"
    subprocess.run([py, "-m", "qualcode", "demo", str(project), "--no-tui", "--root", str(ROOT)], env=ENV,
                   check=True, capture_output=True)
    q = [py, "-m", "qualcode"]
    floor_sqlite = timed([py, "-c", "import sqlite3"], a.repeat)
    floor_pass = timed([py, "-c", "pass"], a.repeat)
    rows = []
    cases = [
        ("`qualcode status demo.qualcode`", q + ["status", str(project)], floor_sqlite, "`python -c \"import sqlite3\"`"),
        ("`qualcode documents demo.qualcode`", q + ["documents", str(project)], floor_sqlite, "same"),
        ("`qualcode code …` (one coding, then `uncode`)", None, floor_sqlite, "same"),
        ("`qualcode --help`", q + ["--help"], floor_pass, "`python -c pass`"),
    ]
    for label, cmd, floor, floor_label in cases:
        if cmd is None:
            code = q + ["code", str(project), "Interview leraar 1", "--turn", "3", "--code", "Ervaren werkdruk",
                        "--coder", "bench"]
            walls, cpus = [], []
            for _ in range(a.repeat):
                w, c = timed(code, 1)
                walls.append(w)
                cpus.append(c)
                subprocess.run(q + ["undo", str(project)], env=ENV, capture_output=True)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
        else:
            wall, cpu = timed(cmd, a.repeat)
        rows.append(f"| {label} | {wall:.3f} | {cpu:.3f} | {floor_label} {floor[0]:.3f} / {floor[1]:.3f} | "
                    f"{wall / floor[0]:.1f}× | {cpu / floor[1]:.1f}× |")
    text = "\n".join([
        "## Start-up: what the user waits for, from the process start",
        "",
        f"Median of {a.repeat} runs each; wall seconds and CPU seconds (user + system) of the child process; "
        "the floor is measured in the same run. Goal: everyday commands ≤ 3× `import sqlite3`, `--help` ≤ 3× `pass`.",
        "",
        "| command | wall s | CPU s | floor (wall / CPU s) | wall ratio | CPU ratio |",
        "|---|---:|---:|---|---:|---:|",
        *rows,
        "",
    ])
    write_section("startup", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
