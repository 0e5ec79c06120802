"""Shared helpers for the benchmark scripts: timing and writing a section of BENCHMARKS.md.

Each benchmark owns one section, delimited by HTML comments, so scripts can run in any order
and rewrite only their own figures.
"""

from __future__ import annotations

import fcntl
import os
import platform
import re
import resource
import statistics
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
DATA = ROOT / "benchmarks" / "data"

HEADER = """# Benchmarks

Figures written by the scripts in `benchmarks/` (run `python benchmarks/run_all.py`, or one script).
They are timings on the machine named in each section; machines here are noisy, so each section
also gives ratios against a reference measured in the same run.
"""


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    """Run ``fn`` ``repeat`` times; return (the best wall time in seconds, the last result)."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def median_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


@contextmanager
def timer():
    box = {}
    t0 = time.perf_counter()
    yield box
    box["seconds"] = time.perf_counter() - t0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the section ``name`` in BENCHMARKS.md, under a file lock."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{markdown.strip()}\n\n_{time.strftime('%Y-%m-%d')}, {machine()}_\n{end}"
    lock = BENCHMARKS_MD.with_suffix(".lock")
    with open(lock, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        text = BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else HEADER
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
        BENCHMARKS_MD.write_text(text, encoding="utf-8")
    lock.unlink(missing_ok=True)
