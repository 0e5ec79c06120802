"""Team work at scale: merging 10 coder files of 20,000 codings each; re-anchoring 5,000 codings
after a round of transcript corrections.

    python benchmarks/bench_team.py [--coders 10] [--codings 20000] [--reanchor 5000] [--quick]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, peak_rss_mb, write_section  # noqa: E402
from generate import generate_project  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))


def timed(fn):
    """(wall seconds, CPU seconds of this process, result): machines here are shared, CPU time is steadier."""
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w, time.process_time() - c, result


def add_codings(path: Path, coder: str, n: int, seed: int) -> None:
    from qualcode.store.project import Project
    from qualcode.merge.synthetic import random_codings

    with Project.open(path) as p:
        p.codings.add_many(random_codings(p, coder, n, seed, max_words=60), skip_duplicates=True, undoable=False)


def bench_merge(tmp: Path, coders: int, per_coder: int, docs: int) -> dict:
    from qualcode.store.project import Project
    from qualcode.merge.handout import handout
    from qualcode.merge.run import merge

    study = generate_project(tmp / "study.qualcode", docs=docs, words=3000, codings=0, coders=("lead",))
    files = []
    t0 = time.perf_counter()
    for i in range(coders):
        path = tmp / f"coder{i:02d}.qualcode"
        handout(study, path, f"coder{i:02d}")
        add_codings(path, f"coder{i:02d}", per_coder, seed=i)
        files.append(path)
    setup = time.perf_counter() - t0
    target = tmp / "merged.qualcode"
    t_dry, c_dry, dry = timed(lambda: merge(tmp / "dry.qualcode", [study, *files], dry_run=True))
    t_merge, c_merge, report = timed(lambda: merge(target, [study, *files]))
    t_again, c_again, again = timed(lambda: merge(target, [study, *files]))
    # one coder adds 1,000 codings in a second round: an incremental merge into the existing target
    add_codings(files[0], "coder00", 1000, seed=99)
    t_round2, c_round2, round2 = timed(lambda: merge(target, [study, *files]))
    with Project.open(target) as p:
        total = p.db.execute("SELECT count(*) FROM codings").fetchone()[0]
    return {"coders": coders, "per_coder": per_coder, "docs": docs, "setup": setup, "dry": t_dry, "merge": t_merge,
            "again": t_again, "round2": t_round2, "cpu_dry": c_dry, "cpu_merge": c_merge, "cpu_again": c_again,
            "cpu_round2": c_round2, "added": report["codings"]["added"], "total": total,
            "again_changed": again["changed"], "round2_added": round2["codings"]["added"],
            "dry_added": dry["codings"]["added"], "size_mb": target.stat().st_size / 1e6}


def edit(text: str, rng: random.Random, every: int) -> tuple[str, int]:
    """Corrections roughly every ``every`` words: typos fixed, words inserted or dropped, a sentence rewritten."""
    words = [m.span() for m in re.finditer(r"\w+", text)]
    out, last, n = [], 0, 0
    for s, e in words[::every][1:]:
        kind = rng.choice(["typo", "insert", "drop", "sentence"])
        out.append(text[last:s])
        if kind == "typo":
            out.append(text[s:e - 1] + ("e" if text[e - 1] != "e" else "a"))
        elif kind == "insert":
            out.append("eigenlijk " + text[s:e])
        elif kind == "drop":
            pass
        else:
            out.append("dat heb ik toen ook gezegd " + text[s:e])
        last, n = e, n + 1
    out.append(text[last:])
    return "".join(out), n


def bench_reanchor(tmp: Path, codings: int, docs: int, every: int) -> dict:
    from qualcode.ingest.turns import detect_turns
    from qualcode.store.project import Project
    from qualcode.merge.reanchor import Aligner
    from qualcode.merge.replace import apply_reanchor, plan_reanchor

    path = generate_project(tmp / "reanchor.qualcode", docs=docs, words=6000, codings=codings, coders=("anna",))
    rng = random.Random(5)
    with Project.open(path) as p:
        documents = [p.documents.get(u) for u in p.documents.names()]
        spans = {d.uuid: [(c.start, c.end) for c in p.codings.list(document=d.uuid)] for d in documents}
    new_texts, edits = {}, 0
    for d in documents:
        new_texts[d.uuid], n = edit(d.text, rng, every)
        edits += n
    n_codings = sum(len(v) for v in spans.values())
    t0 = time.perf_counter()
    t_align = 0.0
    counts = {"exact": 0, "fuzzy": 0, "flagged": 0}
    for d in documents:
        a0 = time.perf_counter()
        aligner = Aligner(d.text, new_texts[d.uuid])
        t_align += time.perf_counter() - a0
        for s, e in spans[d.uuid]:
            counts[aligner.place(s, e).method] += 1
    t_pure = time.perf_counter() - t0
    t0 = time.perf_counter()
    with Project.open(path) as p:
        for d in documents:
            plan = plan_reanchor(p, d, new_texts[d.uuid])
            with p.transaction():
                apply_reanchor(p, d, new_texts[d.uuid], detect_turns(new_texts[d.uuid]), plan)
    t_store = time.perf_counter() - t0
    chars = sum(len(d.text) for d in documents)
    return {"codings": n_codings, "docs": docs, "edits": edits, "chars": chars, "pure": t_pure, "align": t_align,
            "store": t_store, **counts}


def bench_long_text() -> dict:
    from qualcode.merge.reanchor import Aligner

    rng = random.Random(3)
    words = [f"w{rng.randint(0, 5000)}" for _ in range(60_000)]
    text = " ".join(words)
    new, _ = edit(text, rng, 300)
    t0 = time.perf_counter()
    aligner = Aligner(text, new)
    t = time.perf_counter() - t0
    return {"chars": len(text), "align": t, "blocks": len(aligner.blocks)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coders", type=int, default=10)
    ap.add_argument("--codings", type=int, default=20_000)
    ap.add_argument("--reanchor", type=int, default=5_000)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    a = ap.parse_args()
    if a.quick:
        a.coders, a.codings, a.reanchor = 3, 2000, 500
    with tempfile.TemporaryDirectory() as tmp:
        m = bench_merge(Path(tmp), a.coders, a.codings, docs=100)
        print(m)
        r = bench_reanchor(Path(tmp), a.reanchor, docs=25, every=150)
        print(r)
        long = bench_long_text()
        print(long)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    md = f"""## Team: merge and re-anchoring (`benchmarks/bench_team.py`)

Merge: a study of {m['docs']} transcripts (3,000 words each), {m['coders']} handout copies, each with
{m['per_coder']:,} codings by its coder (whole words, 1–60 words long), merged into a new file.

| step | wall s | CPU s | notes |
|---|---:|---:|---|
| dry run (plan only) | {m['dry']:.1f} | {m['cpu_dry']:.1f} | {m['dry_added']:,} codings would be added |
| merge into a new target | {m['merge']:.1f} | {m['cpu_merge']:.1f} | {m['added']:,} codings added ({m['added'] / m['merge']:,.0f} codings/s wall); file {m['size_mb']:.0f} MB |
| the same merge again | {m['again']:.1f} | {m['cpu_again']:.1f} | changed: {m['again_changed']} (nothing written) |
| round two: one coder added 1,000 | {m['round2']:.1f} | {m['cpu_round2']:.1f} | {m['round2_added']:,} added, backup written first |

Re-anchoring: {r['codings']:,} codings on {r['docs']} transcripts ({r['chars']:,} characters) after
{r['edits']:,} corrections (a typo fixed, a word inserted or dropped, a phrase added — about one per 150 words).

| step | seconds | result |
|---|---:|---|
| pure: align + place every coding | {r['pure']:.2f} | {r['exact']:,} exact, {r['fuzzy']:,} fuzzy, {r['flagged']:,} flagged |
| of which aligning the texts | {r['align']:.2f} | {r['align'] / r['docs'] * 1000:.0f} ms per transcript |
| in the project (replace text, turns, move, flag) | {r['store']:.2f} | {r['codings'] / r['store']:,.0f} codings/s |
| aligning one {long['chars']:,}-character text | {long['align']:.2f} | {long['blocks']:,} blocks |

Peak memory {peak_rss_mb():.0f} MB. Wall times on a shared machine (load {load}); CPU time is the steadier figure.
"""
    print(md)
    if not a.quick:
        write_section("team", md)


if __name__ == "__main__":
    main()
