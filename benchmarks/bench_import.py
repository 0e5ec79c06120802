"""Import throughput: transcripts read, turn-split and stored, in words per second.

The reference is spaCy's own tokenizer (spacy.blank) over the same texts in the same run, so
the ratio says how import compares to the cheapest pass any NLP step would need.

    python benchmarks/bench_import.py            # 200 transcripts x 5,000 words (1M words)
    python benchmarks/bench_import.py --large    # 1,000 transcripts x 10,000 words (10M words)
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, peak_rss_mb, write_section  # noqa: E402
from generate import transcript_text, vocabulary  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))


def make_files(folder: Path, docs: int, words: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    vocab = vocabulary()
    paths = []
    for i in range(docs):
        speakers = ["Interviewer", f"Respondent{i}"]
        path = folder / f"interview_{i:04d}.txt"
        path.write_text(transcript_text(rng, words, vocab, speakers), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--large", action="store_true", help="1,000 transcripts of 10,000 words")
    a = ap.parse_args()
    if a.large:
        a.docs, a.words = 1000, 10000
    import spacy

    from qualcode.ingest.importer import import_files
    from qualcode.store.project import Project

    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-import-"))
    try:
        files = make_files(tmp, a.docs, a.words)
        texts = [p.read_text(encoding="utf-8") for p in files]
        total_words = sum(len(t.split()) for t in texts)

        project = Project.create(tmp / "bench.qualcode")
        t0 = time.perf_counter()
        results = import_files(project, files)
        import_s = time.perf_counter() - t0
        assert all(r.status == "imported" for r in results)
        turns = project.status()["turns"]
        project.close()

        nlp = spacy.blank("nl")
        t0 = time.perf_counter()
        tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts, batch_size=50))
        spacy_s = time.perf_counter() - t0

        md = f"""## Import throughput

{a.docs} generated `.txt` transcripts of about {a.words:,} words ({total_words:,} words, {turns:,} turns),
imported with `import_files` (read, detect encoding, canonicalise, detect speaker turns, store; one
transaction per file) into a new project.

| step | seconds | words / second | time relative to the tokenizer |
|---|---:|---:|---:|
| qualcode import | {import_s:.2f} | {total_words / import_s:,.0f} | {import_s / spacy_s:.1f}× |
| spaCy `blank("nl")` tokenizer only ({tokens:,} tokens) | {spacy_s:.2f} | {total_words / spacy_s:,.0f} | 1.0× |

Peak memory of the benchmark process: {peak_rss_mb():.0f} MB."""
        write_section(f"import-{a.docs}x{a.words}", md)
        print(md)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
