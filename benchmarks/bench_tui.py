"""TUI benchmarks: first paint of a 30,000-word focus group with 2,000 codings, scrolling,
apply-code latency in a project with 200,000 codings, suggestions, and memory.

    python benchmarks/bench_tui.py [--quick]

Runs the real app headless (Textual's ``run_test``) on synthetic projects from generate.py.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from common import peak_rss_mb, write_section  # noqa: E402

SIZE = (120, 36)


async def settle(app) -> None:
    """Wait until the app's workers are done (a superseded, cancelled worker is fine)."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0.01)


async def first_paint(path: Path) -> dict:
    from qualcode.tui.app import make_app

    t0 = time.perf_counter()
    app = make_app(path, {"coder": "anna", "remember_coder": False, "keys": {}, "suggestions": False})
    async with app.run_test(size=SIZE) as pilot:
        while app.view.first_paint_at is None:  # the transcript has drawn its first line
            await asyncio.sleep(0.002)
        paint = app.view.first_paint_at - t0
        await settle(app)
        doc = app.ws.doc
        words, n_codings = len(doc.text.split()), len(app.ws.coverage)
        lines = len(app.view.doc_layout())
        # scrolling: a page down, then draw every visible line (what the compositor asks for)
        height = app.view.scrollable_content_region.height
        times = []
        for _ in range(40):
            s = time.perf_counter()
            app.view.action_page(1)
            for y in range(height):
                app.view.render_line(y)
            times.append(time.perf_counter() - s)
        # a full relayout (terminal resized to a new width): wrap the whole document again
        s = time.perf_counter()
        doc._layouts.clear()
        doc.layout(77)
        relayout = time.perf_counter() - s
        await pilot.press("q")
    return {"paint": paint, "words": words, "codings": n_codings, "lines": lines,
            "page_ms": statistics.median(times) * 1000, "page_max_ms": max(times) * 1000,
            "relayout_ms": relayout * 1000}


async def apply_latency(path: Path, repeat: int) -> dict:
    from qualcode.tui.app import make_app

    t0 = time.perf_counter()
    app = make_app(path, {"coder": "zoe", "remember_coder": False, "keys": {}, "suggestions": False})
    async with app.run_test(size=SIZE) as pilot:
        while app.view.first_paint_at is None:
            await asyncio.sleep(0.002)
        paint = app.view.first_paint_at - t0
        await settle(app)  # the study-wide figures, loaded in a worker
        overview = time.perf_counter() - t0
        total = app.ws.project.db.execute("SELECT count(*) FROM codings").fetchone()[0]
        codes = [c.uuid for c in app.ws.tree]
        blocks = [b for b in app.ws.doc.blocks if b.end - b.start > 40]
        work, undo = [], []
        for i in range(repeat):
            b = blocks[i % len(blocks)]
            s = time.perf_counter()
            app.apply_code(codes[i % len(codes)], (b.start, b.start + 30 + i))
            work.append(time.perf_counter() - s)
        for _ in range(5):
            s = time.perf_counter()
            app.action_undo()
            undo.append(time.perf_counter() - s)
            await settle(app)  # undo refreshes the study figures in a worker
        # end to end through the keyboard: press "1" (the last used code) on a fresh passage,
        # minus the cost of a key that does nothing (Pilot's own overhead)
        base, keyed = [], []
        for i in range(10):
            s = time.perf_counter()
            await pilot.press("f12")
            base.append(time.perf_counter() - s)
            await pilot.press("j", "w", "W", "W")
            s = time.perf_counter()
            await pilot.press("1")
            keyed.append(time.perf_counter() - s)
        await pilot.press("q")
    return {"paint": paint, "overview": overview, "total": total, "apply_ms": statistics.median(work) * 1000,
            "apply_p95_ms": sorted(work)[int(0.95 * (len(work) - 1))] * 1000,
            "undo_ms": statistics.median(undo) * 1000,
            "key_ms": max(0.0, statistics.median(keyed) - statistics.median(base)) * 1000}


async def suggestions(path: Path) -> dict:
    """The real suggester (blank Dutch pipeline) on the focus group: loading it in the background,
    then suggestions for the turn under the cursor once it rests (the first model is still
    training in the background meanwhile, as on a first start)."""
    from qualcode.tui.app import make_app

    t0 = time.perf_counter()
    app = make_app(path, {"coder": "anna", "remember_coder": False, "keys": {}})
    async with app.run_test(size=SIZE) as pilot:
        while app.suggester is None:
            await asyncio.sleep(0.01)
        ready = time.perf_counter() - t0
        s = time.perf_counter()  # what the gutter-marks worker does for the open document
        app.suggester.suggest_document(app.ws.project, app.ws.doc.uuid, top=1, min_score=0.3)
        marks = time.perf_counter() - s
        async def next_turns(n: int) -> list[float]:
            times = []
            while len(times) < n:
                s = time.perf_counter()
                await pilot.press("j")  # the next turn; suggestions are for respondents' turns
                if not app.ws.doc.block_at(app.view.cursor).respondent:
                    continue
                key = app.view.passage()
                while app._shown_key != (app.ws.doc.uuid, *key) and time.perf_counter() - s < 5:
                    await asyncio.sleep(0.002)
                times.append(time.perf_counter() - s)
            return times

        busy = await next_turns(10)  # the first model training and the gutter marks running meanwhile
        while app._training or any(w.is_running for w in app.workers):
            await asyncio.sleep(0.05)
        times = await next_turns(10)
        await pilot.press("q")
    from qualcode.tui.actions_suggest import DEBOUNCE

    return {"ready": ready, "marks": marks, "shown_ms": statistics.median(times) * 1000,
            "shown_max_ms": max(times) * 1000, "debounce_ms": DEBOUNCE * 1000,
            "busy_ms": statistics.median(busy) * 1000, "busy_max_ms": max(busy) * 1000}


def generate(path: Path, **options) -> Path:
    """Build a synthetic project in a child process, so this process's memory is the TUI's."""
    import subprocess

    args = [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(path)]
    for key, value in options.items():
        args += [f"--{key}", str(value)]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return path


def focus_group(path: Path) -> Path:
    """One 30,000-word focus group with 2,000 codings (generate.py makes interviews by default)."""
    import subprocess

    code = ("import sys; sys.path.insert(0, %r); from generate import generate_project; "
            "generate_project(__import__('pathlib').Path(%r), docs=1, words=30000, codings=2000, "
            "focus_share=1.0, coders=('anna', 'bram'))" % (str(ROOT / "benchmarks"), str(path)))
    subprocess.run([sys.executable, "-c", code], check=True)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller big project (fast check)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qualcode-bench-"))
    focus = focus_group(tmp / "focus.qualcode")
    big_codings = 20000 if args.quick else 200000
    s = time.perf_counter()
    big = generate(tmp / "big.qualcode", docs=200, words=5000, codings=big_codings)
    gen = time.perf_counter() - s
    fp = asyncio.run(first_paint(focus))
    ap_ = asyncio.run(apply_latency(big, 40))
    sg = asyncio.run(suggestions(focus))
    rss = peak_rss_mb()
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    md = f"""### TUI

| measure | figure |
| --- | --- |
| first paint, {fp['words']:,}-word focus group with {fp['codings']:,} codings ({fp['lines']:,} display lines, {SIZE[0]}×{SIZE[1]}) | {fp['paint'] * 1000:.0f} ms |
| page down + draw the visible lines (median / worst of 40) | {fp['page_ms']:.1f} ms / {fp['page_max_ms']:.1f} ms |
| re-wrap the whole document at a new width | {fp['relayout_ms']:.0f} ms |
| first paint, project with {ap_['total']:,} codings (200 documents) | {ap_['paint'] * 1000:.0f} ms |
| … study-wide figures (coded share per document, code counts) in, from a worker | {ap_['overview'] * 1000:.0f} ms |
| apply a code, {ap_['total']:,} codings in the project (median / p95 of 40; save + reload the open document + redraw state) | {ap_['apply_ms']:.1f} ms / {ap_['apply_p95_ms']:.1f} ms |
| undo a coding (median of 5) | {ap_['undo_ms']:.1f} ms |
| key press "1" to coded, end to end, less Pilot's own per-key overhead (median of 10) | {ap_['key_ms']:.0f} ms |
| suggestions: suggester loaded in the background (spaCy blank pipeline, codebook, stored model) | {sg['ready']:.1f} s after start |
| … suggestions for every respondent turn of the focus group (the gutter marks; in a worker) | {sg['marks']:.1f} s |
| … suggestions for the next turn, key press to panel (median / worst of 10; includes the {sg['debounce_ms']:.0f} ms the cursor must rest and Pilot's key handling) | {sg['shown_ms']:.0f} ms / {sg['shown_max_ms']:.0f} ms |
| … the same right after start, while the first model trains and the gutter marks are computed | {sg['busy_ms']:.0f} ms / {sg['busy_max_ms']:.0f} ms |
| peak memory of the process running the TUI (the projects opened in turn) | {rss:.0f} MB |

The transcript is a line-based view: only visible display lines are drawn (and cached until the
cursor, selection or codings change); the document is wrapped once per width. Applying a code
writes one row, then reloads only the open document's codings. Study-wide figures (coded share
per document, code counts) load in a worker on their own connection.
(Generating the {ap_['total']:,}-coding project took {gen:.0f} s and is not part of the figures.)
"""
    print(md)
    write_section("tui", md)


if __name__ == "__main__":
    main()
