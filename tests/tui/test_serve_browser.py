"""`qualcode serve` in a real browser: headless Chromium opens the page, types the workspace's keys,
and the project file shows the coding (then the undo). Skips where no Chromium is installed;
CI installs Debian's chromium and chromium-driver first (.ci/run).

The page's screen is drawn on a canvas; the test reads what the server sends over the websocket
(a hook installed before the page loads) to know when the workspace and the picker are up.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.tui.fixtures import build_study, codings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SRC = Path(__file__).resolve().parents[2] / "src"

needs_chromium = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="no Chromium here: install Debian's chromium and chromium-driver (apt-get install chromium "
           "chromium-driver) to run the browser test",
)

# collects the text the server sends (the terminal's output), for waiting on what is on screen
HOOK = """
window.__screen = '';
const Native = window.WebSocket;
function Hooked(url, protocols) {
  const ws = protocols ? new Native(url, protocols) : new Native(url);
  ws.addEventListener('message', (e) => {
    const x = e.data;
    if (x instanceof ArrayBuffer) { window.__screen += new TextDecoder().decode(x); }
    else if (typeof x === 'string') { window.__screen += x; }
  });
  return ws;
}
Hooked.prototype = Native.prototype;
Object.assign(Hooked, Native);
window.WebSocket = Hooked;
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def served(tmp_path):
    path = tmp_path / "study.qualcode"
    ids = build_study(path)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(SRC), QUALCODE_CONFIG=str(tmp_path / "config.toml"))
    env.pop("QUALCODE_CODER", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "qualcode", "serve", str(path), "--port", str(port), "--coder", "browser",
         "--no-suggestions", "--document", "Interview Sanne"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        first = proc.stdout.readline()
        assert "in a web browser" in first, first
        opened = proc.stdout.readline()
        wait_for(lambda: _listening(port), 20, "the server to listen")
        yield path, ids, port, opened
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1400,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        yield driver
    finally:
        driver.quit()


@needs_chromium
def test_browser_codes_a_passage_and_undoes_it(served, browser):
    from selenium.webdriver.common.action_chains import ActionChains

    path, ids, port, opened = served
    assert f"http://localhost:{port}/" in opened  # it says where, and that it is localhost
    browser.get(f"http://127.0.0.1:{port}/")
    screen = lambda: browser.execute_script("return window.__screen")  # noqa: E731
    wait_for(lambda: "CODEBOOK" in screen() and "Interview Sanne" in screen(), 60, "the workspace in the page")
    assert "fonts.googleapis.com" not in browser.page_source  # offline: no font server asked
    browser.execute_script("document.querySelector('.xterm-helper-textarea').focus()")

    def keys(*ks):
        for k in ks:
            ActionChains(browser).send_keys(k).perform()
            time.sleep(0.15)

    keys("j")  # Sanne's first turn
    seen = len(screen())
    keys("c")
    wait_for(lambda: "Code the passage" in screen()[seen:], 20, "the code picker")
    keys(*"admin")
    time.sleep(0.5)
    keys("\n")
    made = wait_for(lambda: codings(path), 20, "the coding in the project file")
    assert [(c.code, c.coder) for c in made] == [(ids["Administratieve last"], "browser")]
    assert made[0].text.startswith("Eh, ik werk bijna elke avond")
    keys("u")  # the same undo as in the terminal
    wait_for(lambda: not codings(path), 20, "the undo in the project file")


def test_beyond_localhost_warns_and_asks_for_the_token(tmp_path):
    """--host 0.0.0.0: a warning, a link with a token; without the token the page answers 403."""
    import re
    import urllib.error
    import urllib.request

    path = tmp_path / "study.qualcode"
    build_study(path)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(SRC), QUALCODE_CONFIG=str(tmp_path / "config.toml"))
    proc = subprocess.Popen([sys.executable, "-m", "qualcode", "serve", str(path), "--host", "0.0.0.0",
                             "--port", str(port), "--coder", "lead", "--no-suggestions"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        said = "".join(lines)
        assert "warning: listening on 0.0.0.0" in said and "code as lead" in said
        token = re.search(r"\?token=([\w-]+)", said).group(1)
        wait_for(lambda: _listening(port), 20, "the server to listen")
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        assert denied.value.code == 403
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?token={token}", timeout=10) as ok:
            page = ok.read().decode()
            assert ok.status == 200 and "qualcode_token" in ok.headers.get("Set-Cookie", "")
        assert f"ws://127.0.0.1:{port}/ws" in page  # the address the browser used, not 0.0.0.0
    finally:
        proc.terminate()
        proc.wait(10)
