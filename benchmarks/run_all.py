"""Run every benchmark at its default (realistic) size; add --large for the large corpora too.

    python benchmarks/run_all.py [--large]

Each script writes its own section of BENCHMARKS.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_import.py", "bench_store.py", "bench_tui.py", "bench_nlp.py", "bench_team.py",
           "bench_agreement.py", "bench_export.py", "bench_stress.py", "bench_startup.py"]
LARGE = ["bench_import.py", "bench_store.py"]


def main() -> int:
    failed = []
    runs = [[s] for s in SCRIPTS]
    if "--large" in sys.argv:
        runs += [[s, "--large"] for s in LARGE]
    for run in runs:
        print(f"== {' '.join(run)}", flush=True)
        if subprocess.call([sys.executable, str(HERE / run[0]), *run[1:]]) != 0:
            failed.append(" ".join(run))
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
