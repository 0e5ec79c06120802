"""The project store at realistic and large scale: generation, overview queries, coding, export.

    python benchmarks/bench_store.py            # 100 transcripts x 3,000 words, 20,000 codings
    python benchmarks/bench_store.py --large    # 1,000 transcripts x 10,000 words, 500,000 codings
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, median_of, peak_rss_mb, write_section  # noqa: E402
from generate import generate_project  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--large", action="store_true")
    a = ap.parse_args()
    docs, words, codings = (1000, 10000, 500_000) if a.large else (100, 3000, 20_000)

    from qualcode.ingest.codings_io import coding_records, format_codings
    from qualcode.store.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-store-"))
    try:
        path = tmp / "bench.qualcode"
        t0 = time.perf_counter()
        generate_project(path, docs=docs, words=words, codings=codings)
        gen_s = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6
        with Project.open(path) as p:
            n = p.status()["codings"]
            open_s = median_of(lambda: Project.open(path).close())
            status_s = median_of(p.status, 3)
            docs_s = median_of(p.documents, 3)
            doc = p.documents.list()[len(p.documents.list()) // 2]
            code = next(iter(p.codebook.tree()))
            i = [0]

            def add_one():
                i[0] += 1
                p.codings.add(doc.uuid, code.uuid, "bench", i[0], i[0] + 20)

            add_s = median_of(add_one, 21)
            undo_s = median_of(p.undo, 5)
            one_doc_s = median_of(lambda: p.codings.list(document=doc.uuid), 5)
            t0 = time.perf_counter()
            text = format_codings(coding_records(p, p.codings.list()), "jsonl")
            export_s = time.perf_counter() - t0
        md = f"""## Project store at {docs:,} transcripts × {words:,} words, {n:,} codings

Generated with `benchmarks/generate.py` (3 coders, 60 codes); project file {size_mb:,.0f} MB.

| operation | time |
|---|---:|
| generate the project (import of all texts + bulk codings) | {gen_s:.1f} s |
| open the project | {open_s * 1000:.0f} ms |
| `status` (all counts, coded share over every coding) | {status_s * 1000:.0f} ms |
| `documents` list (with coded share per document) | {docs_s * 1000:.0f} ms |
| add one coding (validated, undoable, committed) | {add_s * 1000:.1f} ms |
| undo it | {undo_s * 1000:.1f} ms |
| one document's codings | {one_doc_s * 1000:.1f} ms |
| every coding as JSONL (`qualcode codings --format jsonl`), {len(text) / 1e6:,.0f} MB | {export_s:.1f} s |

Adding a coding costs the same at any project size (indexed duplicate check, one row plus one
history row): compare the realistic and the large section. Peak memory {peak_rss_mb():.0f} MB."""
        write_section("store-large" if a.large else "store", md)
        print(md)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
