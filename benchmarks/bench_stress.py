"""Many processes on one project file for a bounded time (issue 12): CLI-like writers, a TUI-like
process with worker connections, a long import, exports and merges, all at once; then the file is
checked: integrity, every coding a process reported as stored is there, nothing twice.

    python benchmarks/bench_stress.py [--seconds 60] [--writers 4]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from common import write_section  # noqa: E402

from qualcode.cli.main import main as cli  # noqa: E402
from tests.safety.stress import run  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=1)
    a = ap.parse_args()
    roles = ["writer"] * a.writers + ["tui", "tui", "import", "export", "merge"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    rows = []
    for r in range(a.rounds):
        folder = Path(tempfile.mkdtemp(prefix="qualcode-bench-stress-"))
        path = folder / "shared.qualcode"
        cli(["init", str(path), "--codebook", str(ROOT / "codebooks" / "onderwijsassistenten.yaml")])
        cli(["import", str(path), *[str(p) for p in sorted((ROOT / "transcripts").glob("*.txt"))]])
        t0 = time.perf_counter()
        fig = run(path, a.seconds, roles, env=env)
        fig["wall"] = time.perf_counter() - t0
        rows.append(fig)
        print(fig, flush=True)
    lines = [
        "## Many processes on one project file",
        "",
        f"{len(roles)} processes at once on one project for {a.seconds:.0f} s ({a.writers} CLI-like writers "
        "opening, coding and closing in a loop; two TUI-like processes, each with a long-lived coding "
        "connection and two worker threads opening and closing their own connections; a long import of "
        "generated transcripts; `export matrix` in a loop; `merge` of a coder's copy in a loop). Afterwards "
        "`PRAGMA integrity_check`, every coding a process reported as stored looked up, duplicates counted "
        "(`tests/safety/stress.py`; a 4-second version runs in the test suite).",
        "",
        "| round | processes | operations | codings reported stored | lost | doubled | integrity | errors | crashes |",
        "|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for i, f in enumerate(rows, 1):
        lines.append(f"| {i} | {f['processes']} | {f['operations']:,} | {f['codings_reported']:,} | {f['lost']} | "
                     f"{f['doubled']} | {f['integrity']} | {len(f['errors'])} | {len(f['crashes'])} |")
    lines.append("")
    write_section("stress", "\n".join(lines))
    bad = any(f["lost"] or f["doubled"] or f["integrity"] != "ok" or f["crashes"] for f in rows)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
