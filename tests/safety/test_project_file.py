"""Data safety (issue 12): only SQLite opens a project file; refused files stay byte-identical;
outputs never overwrite a project; read-only projects can be read; a busy file makes writers wait."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from qualcode.cli.main import main
from qualcode.store.db import APPLICATION_ID, SCHEMA_VERSION
from qualcode.store.project import Project

ROOT = Path(__file__).resolve().parents[2]


def build(tmp_path: Path, codebook_file: Path, transcript_file: Path) -> Path:
    path = tmp_path / "p.qualcode"
    assert main(["init", str(path), "--codebook", str(codebook_file)]) == 0
    assert main(["import", str(path), str(transcript_file)]) == 0
    return path


def run_cli(*args: str, env: dict | None = None, user: str | None = None, timeout: float = 120):
    cmd = [sys.executable, "-m", "qualcode", *args]
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        cmd = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", *cmd]
    full_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **(env or {}))
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=timeout)


# -- no file descriptor on a project file but SQLite's own --------------------------------------------
class OpenWatch:
    """An audit hook that records every Python-level open() of a project file or its WAL/SHM."""

    active = False
    seen: list[str] = []
    installed = False

    @classmethod
    def install(cls):
        if cls.installed:
            return

        def hook(event, args):
            if cls.active and event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
                name = os.fsdecode(args[0])
                if name.endswith((".qualcode", ".qualcode-wal", ".qualcode-shm", ".building")):
                    cls.seen.append(name)

        sys.addaudithook(hook)
        cls.installed = True

    def __enter__(self):
        self.install()
        OpenWatch.seen = []
        OpenWatch.active = True
        return self

    def __exit__(self, *exc):
        OpenWatch.active = False


def test_cli_and_merge_never_open_a_project_file_themselves(tmp_path, codebook_file, transcript_file):
    path = build(tmp_path, codebook_file, transcript_file)
    copy = tmp_path / "anna.qualcode"
    with OpenWatch():
        assert main(["status", str(path)]) == 0
        assert main(["code", str(path), "Interview test 1", "--turn", "2", "--code", "Administratieve last",
                     "--coder", "anna"]) == 0
        assert main(["handout", str(path), str(copy), "--coder", "anna"]) == 0
        assert main(["code", str(copy), "Interview test 1", "--turn", "4", "--code", "Vrijstelling"]) == 0
        assert main(["merge", str(tmp_path / "merged.qualcode"), str(path), str(copy)]) == 0
        assert main(["merge", str(path), str(copy)]) == 0
        assert main(["codings", str(path), "--format", "csv", "-o", str(tmp_path / "c.csv")]) == 0
        assert main(["export", "matrix", str(path), "-o", str(tmp_path / "m.xlsx")]) == 0
    assert OpenWatch.seen == []


async def test_the_tui_open_path_never_opens_the_project_file(tmp_path, codebook_file, transcript_file):
    from qualcode.tui.app import make_app

    path = build(tmp_path, codebook_file, transcript_file)
    with OpenWatch():
        app = make_app(path, {"coder": "anna", "suggestions": False})
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("j", "j", "1")
            await pilot.pause()
            app.live.check()
    assert OpenWatch.seen == []


def test_no_python_open_of_a_database_path_in_the_source():
    """The header and digest reads that caused the loss are gone for good."""
    bad = []
    for f in (ROOT / "src" / "qualcode").rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        if 'open(path, "rb")' in text and f.parts[-2] in ("store", "merge"):
            bad.append(str(f))
        if "file_sha256" in text:
            bad.append(str(f))
    assert bad == []


# -- refused files are not touched ------------------------------------------------------------------
def _digest(path: Path) -> bytes:
    return path.read_bytes()


def test_a_foreign_sqlite_file_and_a_newer_project_stay_byte_identical(tmp_path):
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.qualcode"
    Project.create(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 5}")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    for f in (foreign, newer):
        before = _digest(f)
        assert main(["status", str(f)]) != 0
        assert main(["code", str(f), "x", "--turn", "1", "--code", "y", "--coder", "z"]) != 0
        assert _digest(f) == before
        assert not Path(str(f) + "-wal").exists()


# -- outputs ----------------------------------------------------------------------------------------
def test_outputs_never_overwrite_a_project(tmp_path, codebook_file, transcript_file, capsys):
    path = build(tmp_path, codebook_file, transcript_file)
    other = tmp_path / "other.qualcode"
    Project.create(other).close()
    before = Project.open(path).status()
    for target in (path, other):
        assert main(["codings", str(path), "--format", "csv", "-o", str(target)]) != 0
        assert main(["export", "quotes", str(path), "-o", str(target.with_suffix(".md"))]) == 0
        assert main(["agreement", str(path), "-o", str(target)]) != 0
    err = capsys.readouterr().err
    assert "never overwrites a project" in err
    with Project.open(path) as p:
        assert p.status()["codings"] == before["codings"]
        assert p.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_output_folder_that_does_not_exist_is_named_unless_mkdir(tmp_path, codebook_file, transcript_file, capsys):
    path = build(tmp_path, codebook_file, transcript_file)
    out = tmp_path / "nieuw" / "codings.csv"
    assert main(["codings", str(path), "--format", "csv", "-o", str(out)]) != 0
    assert "no such folder" in capsys.readouterr().err and not out.parent.exists()
    assert main(["codings", str(path), "--format", "csv", "-o", str(out), "--mkdir"]) == 0
    assert out.exists()
    assert main(["export", "matrix", str(path), "-o", str(tmp_path / "x" / "m.xlsx")]) != 0
    assert main(["export", "matrix", str(path), "-o", str(tmp_path / "x" / "m.xlsx"), "--mkdir"]) == 0


# -- read-only projects ----------------------------------------------------------------------------------
def test_a_project_in_a_read_only_folder_can_be_read_and_refuses_writes(codebook_file, transcript_file):
    folder = Path(tempfile.mkdtemp(prefix="qualcode-ro-"))
    try:
        path = build(folder, codebook_file, transcript_file)
        with Project.open(path) as p:  # leave it checkpointed: no -wal or -shm next to it
            p.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.chmod(folder, 0o755)
        os.chmod(path, 0o644)
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv: cannot make a folder read-only")
            user = "nobody"
        else:
            os.chmod(folder, 0o555)
            user = None
        before = path.read_bytes()
        out_dir = Path(tempfile.mkdtemp(prefix="qualcode-out-"))
        os.chmod(out_dir, 0o777)
        for args in (["status", str(path)], ["documents", str(path)], ["show", str(path), "Interview test 1"],
                     ["codings", str(path), "--format", "jsonl"],
                     ["export", "matrix", str(path), "-o", str(out_dir / "m.xlsx")]):
            out = run_cli(*args, user=user)
            assert out.returncode == 0, out.stderr
        out = run_cli("code", str(path), "Interview test 1", "--turn", "2", "--code", "Lerarentekort",
                      "--coder", "anna", user=user)
        assert out.returncode != 0 and "read-only" in out.stderr and "Traceback" not in out.stderr
        assert path.read_bytes() == before
        assert (out_dir / "m.xlsx").exists()
        shutil.rmtree(out_dir, ignore_errors=True)
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder, ignore_errors=True)


# -- a busy file -------------------------------------------------------------------------------------------
def _hold_write_lock(path: Path, seconds: float, ready: threading.Event) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    ready.set()
    time.sleep(seconds)
    conn.execute("ROLLBACK")
    conn.close()


@pytest.mark.parametrize("limit, ok", [("20", True), ("0.6", False)])
def test_a_writer_waits_for_a_busy_file_and_gives_up_cleanly(tmp_path, codebook_file, transcript_file, limit, ok):
    path = build(tmp_path, codebook_file, transcript_file)
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, 3.0, ready))
    holder.start()
    ready.wait(5)
    try:
        out = run_cli("code", str(path), "Interview test 1", "--turn", "2", "--code", "Lerarentekort",
                      "--coder", "anna", env={"QUALCODE_BUSY_TIMEOUT": limit})
    finally:
        holder.join()
    assert "Traceback" not in out.stderr
    assert "waiting for" in out.stderr and "in use by another qualcode" in out.stderr
    with Project.open(path) as p:
        assert len(p.codings.list()) == (1 if ok else 0)
    assert (out.returncode == 0) == ok


# -- the TUI sees what others write ----------------------------------------------------------------------------
async def test_the_tui_shows_codings_and_codebook_edits_made_by_another_process(tmp_path, codebook_file, transcript_file):
    from qualcode.tui.app import make_app

    path = build(tmp_path, codebook_file, transcript_file)
    app = make_app(path, {"coder": "anna", "suggestions": False})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j")
        cursor = app.view.cursor
        assert main(["code", str(path), "Interview test 1", "--turn", "2", "--code", "Lerarentekort",
                     "--coder", "bram"]) == 0
        with Project.open(path) as other:
            with other.transaction():
                other.codebook.update("Lerarentekort", name="Tekort aan leraren")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and not any(c.coder == "bram" for c in app.ws.codings):
            await pilot.pause(0.1)
        assert any(c.coder == "bram" for c in app.ws.codings)
        assert any(c.name == "Tekort aan leraren" for c in app.ws.tree)
        assert app.view.cursor == cursor
