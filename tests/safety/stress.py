"""Many processes on one project file at once (issue 12): writers like CLI commands, a TUI-like
process with worker connections, a long import, exports and merges. Used by the test suite (a few
seconds) and by ``benchmarks/bench_stress.py`` (longer). Run a role: ``python stress.py ROLE PATH SECONDS SEED``.

Each role prints one line per operation it reports as done (``coding UUID`` for a stored coding,
``op NAME`` for anything else), so the caller can check that every stored coding is there."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def _say(line: str) -> None:
    print(line, flush=True)


def _spans(project, rng):
    docs = [project.documents.get(u) for u in project.documents.names()]
    codes = [c.uuid for c in project.codebook.tree()]
    return docs, codes


def role_writer(path: str, seconds: float, seed: int, coder: str | None = None) -> None:
    """Like `qualcode code` in a loop: open, add one coding, close."""
    from qualcode.errors import QualcodeError
    from qualcode.store.project import Project

    rng = random.Random(seed)
    coder = coder or f"writer{seed}"
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with Project.open(path, coder=coder) as p:
                docs, codes = _spans(p, rng)
                doc = rng.choice(docs)
                start = rng.randrange(0, max(1, len(doc.text) - 40))
                with p.transaction():
                    c = p.codings.add(doc.uuid, rng.choice(codes), coder, start, start + rng.randrange(5, 40))
                _say(f"coding {c.uuid}")
        except QualcodeError as exc:
            if "already coded" not in str(exc):
                _say(f"error {exc}")


def role_tui(path: str, seconds: float, seed: int) -> None:
    """Like the TUI: one long-lived connection that codes, and worker threads that open, read and
    close connections of their own (the pattern that lost codings when locks were dropped)."""
    from qualcode.store.project import Project

    rng = random.Random(seed)
    stop = time.monotonic() + seconds
    main = Project.open(path, coder="tui")

    def worker():
        while time.monotonic() < stop:
            p = Project.open(path)
            try:
                p.documents.list()
                p.codings.counts_by_code()
            finally:
                p.close()
            time.sleep(0.01)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        while time.monotonic() < stop:
            docs, codes = _spans(main, rng)
            doc = rng.choice(docs)
            start = rng.randrange(0, max(1, len(doc.text) - 40))
            try:
                c = main.codings.add(doc.uuid, rng.choice(codes), "tui", start, start + rng.randrange(5, 40))
                _say(f"coding {c.uuid}")
            except Exception as exc:  # noqa: BLE001 - a duplicate span is fine; anything else is reported
                if "already coded" not in str(exc):
                    _say(f"error {exc}")
            main.data_version()
            time.sleep(0.005)
    finally:
        for t in threads:
            t.join()
        main.close()


def role_import(path: str, seconds: float, seed: int) -> None:
    """A long import: generated transcripts, one transaction each."""
    from qualcode.ingest.importer import import_files

    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="qualcode-stress-"))
    end, n = time.monotonic() + seconds, 0
    words = "werkdruk administratie klas leerlingen leraar onderwijsassistent school team taken uren".split()
    while time.monotonic() < end:
        n += 1
        f = folder / f"stress_{seed}_{n}.txt"
        turns = []
        for i in range(60):
            who = "Interviewer" if i % 2 == 0 else f"Respondent{seed}"
            turns.append(f"{who}: " + " ".join(rng.choice(words) for _ in range(40)))
        f.write_text("\n\n".join(turns), encoding="utf-8")
        from qualcode.store.project import Project

        with Project.open(path) as p:
            import_files(p, [f])
        _say(f"op import {f.name}")


def role_export(path: str, seconds: float, seed: int) -> None:
    from qualcode.cli.main import main

    folder = Path(tempfile.mkdtemp(prefix="qualcode-stress-out-"))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if main(["export", "matrix", path, "-o", str(folder / "m.xlsx")]) == 0:
            _say("op export")
        else:
            _say("error export")


def role_merge(path: str, seconds: float, seed: int) -> None:
    """Merges a coder's copy (with new codings each round) into the project, over and over."""
    from qualcode.merge.handout import handout
    from qualcode.merge.run import merge
    from qualcode.store.project import Project

    folder = Path(tempfile.mkdtemp(prefix="qualcode-stress-merge-"))
    copy = folder / f"coder{seed}.qualcode"
    handout(path, copy, f"merger{seed}")
    rng = random.Random(seed)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with Project.open(copy, coder=f"merger{seed}") as p:
            docs, codes = _spans(p, rng)
            doc = rng.choice(docs)
            start = rng.randrange(0, max(1, len(doc.text) - 40))
            try:
                with p.transaction():
                    c = p.codings.add(doc.uuid, rng.choice(codes), f"merger{seed}", start, start + 20)
            except Exception:  # noqa: BLE001
                continue
        report = merge(path, [copy])
        _say(f"coding {c.uuid}")
        _say(f"op merge {json.dumps(report.get('changed', ''))[:20]}")


ROLES = {"writer": role_writer, "tui": role_tui, "import": role_import, "export": role_export, "merge": role_merge}


def run(path: Path, seconds: float, roles: list[str], env: dict | None = None) -> dict:
    """Start every role as its own process on ``path``; wait; check the file. Returns the figures."""
    procs = []
    for i, role in enumerate(roles):
        procs.append((role, subprocess.Popen([sys.executable, __file__, role, str(path), str(seconds), str(i + 1)],
                                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)))
    stored, ops, errors, crashes = [], 0, [], []
    for role, proc in procs:
        out, err = proc.communicate(timeout=seconds * 6 + 120)
        for line in out.splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "coding":
                stored.append(rest)
                ops += 1
            elif kind == "op":
                ops += 1
            elif kind == "error":
                errors.append(f"{role}: {rest}")
        if proc.returncode != 0:
            crashes.append(f"{role} exited {proc.returncode}: {err[-800:]}")
    from qualcode.store.project import Project

    with Project.open(path) as p:
        integrity = p.db.execute("PRAGMA integrity_check").fetchone()[0]
        present = {r[0] for r in p.db.execute("SELECT uuid FROM codings")}
        total = p.db.execute("SELECT count(*) FROM codings").fetchone()[0]
        distinct = p.db.execute(
            "SELECT count(*) FROM (SELECT DISTINCT document, code, coder, start, end FROM codings)").fetchone()[0]
    lost = [u for u in stored if u not in present]
    return {"processes": len(roles), "operations": ops, "codings_reported": len(stored), "lost": len(lost),
            "doubled": total - distinct, "integrity": integrity, "errors": errors, "crashes": crashes}


if __name__ == "__main__":
    role, path, seconds, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    ROLES[role](path, seconds, seed)
