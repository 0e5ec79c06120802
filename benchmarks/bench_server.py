"""The team server on PostgreSQL, on this machine (a throwaway cluster in a temporary folder):

1. live coding: N simulated coders (processes), each storing R codings a second on its own replica
   and syncing after each, for S seconds; one more replica listens (LISTEN/NOTIFY, the TUI's
   background sync) and records when each coding arrives. p50/p95 arrival latency; operations
   sent, lost, doubled.
2. first clone of a project of 50,000 codings, beside reading the same rows with COPY and pg_dump;
3. a sync after a day offline: 2,000 changes sent and 2,000 received, beside COPY of those rows.

    python benchmarks/bench_server.py [--coders 20] [--rate 10] [--seconds 60] [--codings 50000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, write_section  # noqa: E402
from generate import generate_project  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))


def wait_for_start(work: Path, name: str) -> float:
    """Say this process is ready, then wait for the common start time (all processes set up)."""
    (work / f"ready-{name}").write_text("1")
    go = work / "go"
    while not go.exists():
        time.sleep(0.02)
    time.sleep(0.02)
    return float(go.read_text())


def coder_process(url, path, coder, rate, seconds, work, out):
    """A coder at work: codings stored in the foreground, the TUI's background sync sending them."""
    from qualcode.server.live import LiveSync
    from qualcode.server.sync import sync
    from qualcode.store.project import Project

    problems = []
    live = LiveSync(path, on_offline=problems.append, interval=30.0, tick=0.25, min_gap=0.25).start()
    project = Project.open(path, coder=coder)
    docs = project.documents.list()
    codes = [c.uuid for c in project.codebook.tree()]
    records, n = [], int(rate * seconds)
    while live.syncs < 1 and not problems:
        time.sleep(0.02)
    start_at = wait_for_start(Path(work), coder)
    while time.time() < start_at:
        time.sleep(0.005)
    for i in range(n):
        target = start_at + i / rate
        delay = target - time.time()
        if delay > 0:
            time.sleep(delay)
        doc = docs[i % len(docs)]
        start = (i * 7) % (doc.length - 60)
        for attempt in range(20):  # as the TUI does (retry_locked): the background sync may hold the file a moment
            try:
                c = project.codings.add(doc.uuid, codes[i % len(codes)], coder, start, start + 20 + (i % 30))
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                time.sleep(0.02 * (attempt + 1))
        records.append((c.uuid, time.time()))
    deadline = time.time() + 60
    while project.replica.pending_count() and time.time() < deadline:
        time.sleep(0.1)
    live.stop()
    sync(project)
    project.close()
    Path(out).write_text(json.dumps({"records": records, "errors": len(problems)}))


def observer_process(path, stop_file, work, out):
    from qualcode.server.live import LiveSync

    arrivals = {}
    reader = sqlite3.connect(path, check_same_thread=False)
    state = {"rowid": 0}

    def synced(report):
        now = time.time()
        rows = reader.execute("SELECT rowid, uuid FROM codings WHERE rowid > ?", [state["rowid"]]).fetchall()
        for rowid, uid in rows:
            arrivals.setdefault(uid, now)
            state["rowid"] = max(state["rowid"], rowid)

    if os.environ.get("QC_DEBUG"):
        import faulthandler
        faulthandler.dump_traceback_later(9, repeat=False, file=open("/tmp/watcher_tb.txt", "w"))
    problems = []
    live = LiveSync(path, on_synced=synced, on_offline=problems.append, interval=5.0, tick=0.5).start()
    while live.syncs < 1 and not problems:
        time.sleep(0.02)
    wait_for_start(Path(work), "watcher")
    while not Path(stop_file).exists():
        time.sleep(0.1)
    time.sleep(1.0)
    live.stop()
    from qualcode.server.sync import sync
    from qualcode.store.project import Project

    with Project.open(path) as p:  # a last sync: whatever the live path missed would show up as late, not lost
        sync(p)
    synced({})
    Path(out).write_text(json.dumps({"arrivals": arrivals, "syncs": live.syncs, "problems": problems}))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def live_benchmark(cluster, work: Path, coders: int, rate: float, seconds: float) -> dict:
    from qualcode.server import admin
    from qualcode.server.sync import clone

    db = "live"
    cluster.create_database(db)
    admin_url = cluster.url(db, "qcadmin")
    study = work / "live-study.qualcode"
    generate_project(study, docs=5, words=3000, codings=0, coders=("seed",), codes=20)
    admin.init(admin_url)
    admin.publish(str(study), admin_url, "live", coder="lead")
    passfile = work / "pgpass"
    users = [f"coder{i:02d}" for i in range(coders)] + ["watcher"]
    passfile.write_text("".join(f"*:*:*:{u}:pw-{u}\n" for u in users))
    os.chmod(passfile, 0o600)
    os.environ["PGPASSFILE"] = str(passfile)
    for u in users:
        cluster.add_login(u, f"pw-{u}")
        admin.grant(admin_url, "live", u, "reader" if u == "watcher" else "coder")
    paths = {}
    for u in users:
        paths[u] = work / f"{u}.qualcode"
        clone(cluster.url(db, u), "live", str(paths[u]))
    stop_file = work / "stop"
    outs = {u: work / f"{u}.json" for u in users}
    ctx = mp.get_context("spawn")
    watcher = ctx.Process(target=observer_process, args=(str(paths["watcher"]), str(stop_file), str(work), str(outs["watcher"])))
    watcher.start()
    procs = [ctx.Process(target=coder_process, args=(cluster.url(db, u), str(paths[u]), u, rate, seconds,
                                                      str(work), str(outs[u]))) for u in users if u != "watcher"]
    for p in procs:
        p.start()
    while not all((work / f"ready-{u}").exists() for u in users):  # everyone started, connected, synced once
        time.sleep(0.05)
    start_at = time.time() + 1.0
    (work / "go.tmp").write_text(repr(start_at))
    (work / "go.tmp").rename(work / "go")
    for p in procs:
        p.join()
    stop_file.write_text("stop")
    watcher.join()
    sent, errors = {}, 0
    for u in users[:-1]:
        data = json.loads(outs[u].read_text())
        errors += data["errors"]
        for uid, t in data["records"]:
            sent[uid] = t
    elapsed = max(sent.values()) - start_at if sent else 0.0
    obs = json.loads(outs["watcher"].read_text())
    if obs["problems"]:
        print("listener problems:", obs["problems"][:5])
    arrivals = obs["arrivals"]
    lat = [arrivals[u] - t for u, t in sent.items() if u in arrivals]
    import psycopg

    with psycopg.connect(admin_url) as conn:
        rows = conn.execute("SELECT count(*), count(DISTINCT key) FROM qualcode.rows WHERE project = 'live' "
                            "AND tbl = 'codings' AND owner LIKE 'coder%%'").fetchone()
        logged = conn.execute("SELECT count(*) FROM qualcode.changes WHERE project = 'live' AND tbl = 'codings' "
                              "AND kind = 'insert' AND coder LIKE 'coder%%'").fetchone()[0]
    with sqlite3.connect(paths["watcher"]) as conn:
        local = conn.execute("SELECT count(*) FROM codings WHERE coder LIKE 'coder%'").fetchone()[0]
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "coders": coders, "rate": rate, "seconds": seconds, "elapsed": elapsed,
        "sent": len(sent), "arrived": len(lat), "lost": len(sent) - len([u for u in sent if u in arrivals]),
        "doubled": (logged - len(sent)) + (rows[0] - rows[1]) + (local - len(sent) if local > len(sent) else 0),
        "server_rows": rows[0], "logged": logged, "watcher_rows": local, "integrity": ok,
        "p50": statistics.median(lat) if lat else float("nan"), "p95": pct(lat, 0.95) if lat else float("nan"),
        "max": max(lat) if lat else float("nan"), "sync_errors": errors, "watcher_syncs": obs["syncs"],
        "achieved_rate": len(sent) / elapsed if elapsed else 0,
    }


def clone_benchmark(cluster, work: Path, codings: int) -> dict:
    import psycopg

    from qualcode.server import admin
    from qualcode.server.sync import clone, sync
    from qualcode.store.codings import NewCoding
    from qualcode.store.project import Project

    db = "big"
    cluster.create_database(db)
    admin_url = cluster.url(db, "qcadmin")
    study = work / "big-study.qualcode"
    generate_project(study, docs=100, words=3000, codings=codings, coders=("anna", "bram", "chris"), codes=60)
    with Project.open(study) as p:
        n_codings = p.db.execute("SELECT count(*) FROM codings").fetchone()[0]
    admin.init(admin_url)
    t0 = time.perf_counter()
    admin.publish(str(study), admin_url, "big", coder="lead")
    publish_s = time.perf_counter() - t0
    with open(os.environ["PGPASSFILE"], "a") as fh:
        fh.write("*:*:*:anna:pw-anna\n*:*:*:bram:pw-bram\n")
    for u in ("anna", "bram"):
        cluster.add_login(u, f"pw-{u}")
        admin.grant(admin_url, "big", u, "coder")
    t0 = time.perf_counter()
    clone(cluster.url(db, "anna"), "big", str(work / "anna-big.qualcode"))
    clone_s = time.perf_counter() - t0
    # the floor: the same rows read with COPY (as the same user, through the same policies), and pg_dump
    with psycopg.connect(cluster.url(db, "anna")) as conn:
        t0 = time.perf_counter()
        with conn.cursor().copy("COPY (SELECT tbl, data FROM qualcode.rows WHERE project = 'big') TO STDOUT") as copy:
            n_copy = sum(1 for _ in copy.rows())
        copy_s = time.perf_counter() - t0
    pg_dump = cluster.bindir / "pg_dump"
    t0 = time.perf_counter()
    subprocess.run(cluster._wrap([str(pg_dump), "-h", str(cluster.root), "-p", str(cluster.port), "-U", "qcadmin",
                                  "-d", db, "-t", "qualcode.rows", "--data-only", "-f", "/dev/null"]), check=True)
    dump_s = time.perf_counter() - t0
    # a day offline: bram codes 2,000 and sends; anna codes 2,000 without the server; then anna syncs
    clone(cluster.url(db, "bram"), "big", str(work / "bram-big.qualcode"))
    changes = 2000

    def code_many(path, coder, n, salt):
        with Project.open(path, coder=coder) as p:
            docs = p.documents.list()
            codes = [c.uuid for c in p.codebook.tree()]
            items = []
            for i in range(n):
                d = docs[(i + salt) % len(docs)]
                start = (i * 13 + salt) % (d.length - 80)
                items.append(NewCoding(d.uuid, codes[(i + salt) % len(codes)], coder, start, start + 31 + salt % 7))
            p.codings.add_many(items, skip_duplicates=True, undoable=False)

    code_many(work / "bram-big.qualcode", "bram", changes, 3)
    with Project.open(work / "bram-big.qualcode") as p:
        sync(p)
    code_many(work / "anna-big.qualcode", "anna", changes, 5)
    with Project.open(work / "anna-big.qualcode") as p:
        t0 = time.perf_counter()
        report = sync(p)
        offline_s = time.perf_counter() - t0
    with psycopg.connect(admin_url) as conn:
        conn.execute("CREATE TEMP TABLE floor (tbl text, data jsonb)")
        rows = conn.execute("SELECT tbl, data::text FROM qualcode.rows WHERE project = 'big' AND tbl = 'codings' "
                            "LIMIT %s", [changes]).fetchall()
        t0 = time.perf_counter()
        with conn.cursor().copy("COPY floor (tbl, data) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        with conn.cursor().copy("COPY (SELECT tbl, data FROM qualcode.rows WHERE project = 'big' AND tbl = 'codings' "
                                f"LIMIT {changes}) TO STDOUT") as copy:
            sum(1 for _ in copy.rows())
        conn.commit()
        floor_s = time.perf_counter() - t0
    with sqlite3.connect(work / "anna-big.qualcode") as conn:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    return {"codings": n_codings, "rows": n_copy, "publish": publish_s, "clone": clone_s, "copy": copy_s,
            "pg_dump": dump_s, "offline_sync": offline_s, "offline_sent": report["sent"],
            "offline_received": report["received_total"], "offline_floor": floor_s, "integrity": ok}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--coders", type=int, default=20)
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--codings", type=int, default=50000)
    ap.add_argument("--quick", action="store_true", help="5 coders x 5/s for 10 s, 5,000 codings")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.coders, args.rate, args.seconds, args.codings = 5, 5.0, 10.0, 5000
    from qualcode.server.local import LocalCluster, pg_bindir

    if pg_bindir() is None:
        sys.exit("no PostgreSQL server programs found (apt-get install postgresql-15)")
    root = Path(tempfile.mkdtemp(prefix="qcbench-pg-"))
    os.chmod(root, 0o755)  # the server may run as another user (postgres, when we are root)
    work = Path(tempfile.mkdtemp(prefix="qcbench-"))
    cluster = LocalCluster(root / "pg", port=5488)

    def wrap(cmd):
        return ["runuser", "-u", cluster.run_as, "--", *cmd] if cluster.run_as else cmd

    cluster._wrap = wrap
    cluster.init()
    with open(cluster.data / "postgresql.conf", "a") as fh:
        fh.write("max_connections = 200\nshared_buffers = 128MB\n")
    cluster.start()
    try:
        live = live_benchmark(cluster, work, args.coders, args.rate, args.seconds)
        print(json.dumps(live, indent=1))
        big = clone_benchmark(cluster, work, args.codings)
        print(json.dumps(big, indent=1))
    finally:
        cluster.stop(mode="immediate")
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    md = f"""## Team server on PostgreSQL (`benchmarks/bench_server.py`)

PostgreSQL {cluster.bindir.parent.name} on this machine (a throwaway cluster, Unix socket, default durability
settings: fsync and synchronous commit on), sharing the 2 cores with the coders' processes (and with
whatever else ran: load average {os.getloadavg()[0]:.1f} at the end of the run).

**Live coding.** {live['coders']} simulated coders (one process each, each its own replica file and server
login) store {live['rate']:g} codings a second each for {live['seconds']:g} s; each coder's background sync (the TUI's:
LISTEN/NOTIFY, local changes checked every 0.25 s, bursts taken together within 0.25 s) sends and
receives. One more replica listens the same way and notes when each coding arrives. Latency is
from the moment a coding is stored on its coder's replica to its arrival in the listener's file.

| measure | value |
|---|---:|
| codings stored and sent | {live['sent']:,} ({live['achieved_rate']:.0f} / s achieved of {live['coders'] * live['rate']:.0f} / s asked) |
| arrived on the listening replica | {live['arrived']:,} |
| lost | {live['lost']} |
| doubled (server log, server rows, listening replica) | {live['doubled']} |
| arrival latency p50 | {live['p50'] * 1000:.0f} ms |
| arrival latency p95 | {live['p95'] * 1000:.0f} ms |
| arrival latency max | {live['max'] * 1000:.0f} ms |
| syncs by the listening replica | {live['watcher_syncs']:,} |
| offline moments on the coders' side (retried) | {live['sync_errors']} |
| integrity_check of the listening replica | {live['integrity']} |

**First clone and a day offline.** A project of {big['codings']:,} codings in 100 transcripts of 3,000 words
({big['rows']:,} rows in all with documents, turns and codes).

| step | seconds | relative to the floor |
|---|---:|---:|
| publish (COPY into the server) | {big['publish']:.2f} | |
| first clone (read in one snapshot, write the project file) | {big['clone']:.2f} | {big['clone'] / big['copy']:.1f}× COPY |
| floor: COPY of the same rows to the client, as the same user | {big['copy']:.2f} | 1.0× |
| reference: pg_dump of the rows table (data only) | {big['pg_dump']:.2f} | |
| sync after a day offline: {big['offline_sent']:,} sent, {big['offline_received']:,} received | {big['offline_sync']:.2f} | {big['offline_sync'] / big['offline_floor']:.1f}× COPY |
| floor: COPY of {2 * 2000:,} such rows in and out | {big['offline_floor']:.2f} | 1.0× |

Integrity check of the clone after the offline sync: {big['integrity']}.
"""
    print(md)
    if not args.no_write:
        write_section("team-server", md)


if __name__ == "__main__":
    main()
