"""`qualcode serve` in a headless browser: Selenium (with Debian's chromium-driver) against
Playwright (its Python package, driving the same /usr/bin/chromium), on the same flow as
tests/tui/test_serve_browser.py: launch the browser, load the page until the workspace is drawn,
type j c admin enter until the coding is in the project file. The floor, measured in the same
run, is the same keys in Textual's Pilot (no browser, no server).

    python benchmarks/bench_serve_browser.py            # 3 runs each
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, write_section  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
from tests.tui.fixtures import build_study, codings, settings  # noqa: E402
from tests.tui.test_serve_browser import HOOK, _listening, free_port  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
RUNS = 3


def serve(path, port):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), QUALCODE_CONFIG=str(Path(path).parent / "c.toml"))
    p = subprocess.Popen([sys.executable, "-m", "qualcode", "serve", str(path), "--port", str(port), "--coder", "b",
                          "--no-suggestions", "--document", "Interview Sanne"], stdout=subprocess.DEVNULL, env=env)
    while not _listening(port):
        time.sleep(0.05)
    return p


def wait(pred, what=""):
    end = time.time() + 60
    while not pred():
        if time.time() > end:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.1)


def selenium_run(url, path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    t0 = time.perf_counter()
    o = webdriver.ChromeOptions(); o.binary_location = "/usr/bin/chromium"
    for a in ARGS + [f"--user-data-dir={tempfile.mkdtemp()}"]: o.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
    t1 = time.perf_counter()
    d.get(url); scr = lambda: d.execute_script("return window.__screen")
    wait(lambda: "CODEBOOK" in scr(), "drawn")
    t2 = time.perf_counter()
    d.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
    for k in ["j", "c"]: ActionChains(d).send_keys(k).perform(); time.sleep(0.15)
    wait(lambda: "Code the passage" in scr(), "picker")
    for k in "admin": ActionChains(d).send_keys(k).perform(); time.sleep(0.15)
    time.sleep(0.5); ActionChains(d).send_keys("\n").perform()
    wait(lambda: codings(path), "coding")
    t3 = time.perf_counter(); d.quit()
    return t1 - t0, t2 - t1, t3 - t2

def playwright_run(url, path):
    from playwright.sync_api import sync_playwright
    t0 = time.perf_counter()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page(); page.add_init_script(HOOK)
        t1 = time.perf_counter()
        page.goto(url); scr = lambda: page.evaluate("window.__screen")
        wait(lambda: "CODEBOOK" in scr(), "drawn")
        t2 = time.perf_counter()
        page.focus(".xterm-helper-textarea")
        for k in ["j", "c"]: page.keyboard.type(k); time.sleep(0.15)
        wait(lambda: "Code the passage" in scr(), "picker")
        for k in "admin": page.keyboard.type(k); time.sleep(0.15)
        time.sleep(0.5); page.keyboard.press("Enter")
        wait(lambda: codings(path), "coding")
        t3 = time.perf_counter(); b.close()
    return t1 - t0, t2 - t1, t3 - t2



def pilot_run(path):
    from qualcode.tui.app import make_app

    async def go():
        t0 = time.perf_counter()
        app = make_app(path, settings(document="Interview Sanne", coder="b"))
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            t1 = time.perf_counter()
            await pilot.press("j", "c", *"admin", "enter")
            wait(lambda: codings(path), "coding")
            return 0.0, t1 - t0, time.perf_counter() - t1

    return asyncio.run(go())


def main() -> int:
    results = {}
    runners = [("Pilot, no browser (floor)", lambda url, path: pilot_run(path)), ("Selenium", selenium_run)]
    try:
        import playwright  # noqa: F401
        runners.append(("Playwright", playwright_run))
    except ModuleNotFoundError:
        print("playwright is not installed: measuring Selenium only")
    for name, run in runners:
        res = []
        for _ in range(RUNS):
            folder = tempfile.mkdtemp()
            path = os.path.join(folder, "s.qualcode")
            build_study(path)
            port = free_port()
            srv = serve(path, port) if "Pilot" not in name else None
            try:
                res.append(run(f"http://127.0.0.1:{port}/", path))
            finally:
                if srv:
                    srv.terminate()
                    srv.wait()
        results[name] = [statistics.median(r[j] for r in res) for j in range(3)]
        print(name, ", ".join(f"{x:.2f} s" for x in results[name]), flush=True)
    floor = sum(results["Pilot, no browser (floor)"])
    rows = ["| driver | browser launch | page until the workspace is drawn | keys until the coding is in the file | total | × floor |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, (a, b, c) in results.items():
        rows.append(f"| {name} | {a:.2f} s | {b:.2f} s | {c:.2f} s | {a + b + c:.2f} s | {(a + b + c) / floor:.1f} |")
    md = ("## `qualcode serve` in a headless browser (`benchmarks/bench_serve_browser.py`)\n\n"
          f"Medians of {RUNS} runs on the 6-turn test study; the key path types j, c, admin, enter with 0.15 s "
          "between keys (as the test does), so it is mostly that pause and the server round trips. "
          "The floor is the same keys through Pilot in this process (its 'page' is the app start).\n\n"
          + "\n".join(rows) + "\n\nThe test uses Selenium: as fast as Playwright here, and it drives Debian's "
          "chromium-driver directly (a pure-Python package), where Playwright brings its own Node driver.")
    write_section("serve-browser", md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
