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
# An installed qualcode has its bytecode compiled (pip does it at install time); a machine with
# PYTHONDONTWRITEBYTECODE set would compile every module on every start and measure that instead.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


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


class Terminal:
    """A program in a pseudo-terminal of a given size, as a user's terminal runs it: what it
    writes is read as it comes, and keys are typed into it."""

    def __init__(self, argv: list[str], size=(160, 45), env=None):
        import fcntl
        import pty
        import struct
        import termios

        self.t0 = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: set the window size, then become the program
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
            os.execvpe(argv[0], argv, env or ENV)
        self.seen = b""

    def wait_for(self, marker: bytes, timeout: float = 60.0) -> float:
        """Seconds from the process start until ``marker`` has been written (the screen shows it)."""
        import select

        start = len(self.seen)
        while time.perf_counter() - self.t0 < timeout:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                self.seen += chunk
                if marker in self.seen[max(0, start - len(marker)):]:
                    return time.perf_counter() - self.t0
        raise TimeoutError(f"{marker!r} not shown within {timeout} s")

    def key(self, data: bytes, marker: bytes) -> float:
        """Seconds from typing ``data`` until ``marker`` is shown."""
        start = len(self.seen)
        t = time.perf_counter()
        os.write(self.fd, data)
        import select

        while time.perf_counter() - t < 30:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:
                self.seen += os.read(self.fd, 65536)
                if marker in self.seen[start:]:
                    return time.perf_counter() - t
        raise TimeoutError(f"{marker!r} not shown within 30 s of {data!r}")

    def type(self, data: bytes, pause: float = 0.5) -> None:
        """Type ``data``, then take in what the program writes for ``pause`` seconds."""
        import select

        os.write(self.fd, data)
        end = time.perf_counter() + pause
        while time.perf_counter() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.02)
            if ready:
                self.seen += os.read(self.fd, 65536)

    def close(self) -> None:
        import signal

        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def tui_start(py: str, project: Path, marker: bytes, repeat: int, home: Path) -> dict:
    """`qualcode tui` in a 160×45 pseudo-terminal: process start until the transcript's first
    words are on the screen; then, while the suggester still loads and trains in the
    background, how long `?` (help), `c` (code picker) and `p` (passages) take to open."""
    env = dict(ENV, HOME=str(home), QUALCODE_CODER="anna")
    paints, keys = [], {"?": [], "c": [], "p": []}
    for _ in range(repeat):
        term = Terminal([py, "-m", "qualcode", "tui", str(project)], env=env)
        try:
            paints.append(term.wait_for(marker))
            keys["?"].append(term.key(b"?", "qualcode — keys".encode()))
            term.type(b"\x1b")
            term.key(b"j", b"turn 2/")  # a respondent's turn
            keys["c"].append(term.key(b"c", b"Code the passage"))
            term.type(b"\x1b")
            keys["p"].append(term.key(b"p", b"Passages of which code?"))
        finally:
            term.close()
    return {"paint": statistics.median(paints), **{k: statistics.median(v) for k, v in keys.items()}}


def floor_paint(py: str, repeat: int, home: Path) -> float:
    """A Textual app that shows one line of text: process start until the line is on the screen."""
    code = ("from textual.app import App\nfrom textual.widgets import Static\n"
            "class A(App):\n    def compose(self):\n        yield Static('floor-marker-line')\nA().run()\n")
    times = []
    for _ in range(repeat):
        term = Terminal([py, "-c", code], env=dict(ENV, HOME=str(home)))
        try:
            times.append(term.wait_for(b"floor-marker-line"))
        finally:
            term.close()
    return statistics.median(times)


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
    # The TUI: a 30,000-word focus group with 2,000 codings, as in bench_tui.py.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_tui import focus_group

    focus = focus_group(folder / "focus.qualcode")
    import sqlite3

    with sqlite3.connect(focus) as con:
        first = con.execute("SELECT substr(d.text, t.start + 1, t.[end] - t.start) FROM turns t "
                            "JOIN documents d ON d.uuid = t.document ORDER BY t.idx LIMIT 1").fetchone()[0]
    marker = " ".join(first.split()[:2])[1:].encode()  # the first character carries the cursor
    home = folder / "home"
    home.mkdir()
    tui_repeat = max(3, a.repeat // 3)
    floor_import = timed([py, "-c", "import textual.app"], a.repeat)
    floor_app = floor_paint(py, tui_repeat, home)
    tui = tui_start(py, focus, marker, tui_repeat, home)
    text += "\n".join([
        "",
        f"`qualcode tui` on a 30,000-word focus group with 2,000 codings, in a 160×45 pseudo-terminal, "
        f"median of {tui_repeat} starts; wall seconds from the process start until the transcript's first "
        "words are written to the terminal. Goal: ≤ 1.5× `import textual.app` alone. The keys are typed "
        "right after the first paint, while the suggester still loads and trains in the background "
        "(goal: no key waits on it).",
        "",
        "| what the user waits for | wall s | ratio to `python -c \"import textual.app\"` "
        f"({floor_import[0]:.3f} s) | ratio to a one-line Textual app's first paint ({floor_app:.3f} s) |",
        "|---|---:|---:|---:|",
        f"| process start → first paint of the transcript | {tui['paint']:.3f} | {tui['paint'] / floor_import[0]:.1f}× | "
        f"{tui['paint'] / floor_app:.1f}× |",
        f"| `?` → the keys screen is shown | {tui['?']:.3f} | | |",
        f"| `c` → the code picker is shown | {tui['c']:.3f} | | |",
        f"| `p` → the passages picker is shown | {tui['p']:.3f} | | |",
        "",
    ])
    write_section("startup", text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
