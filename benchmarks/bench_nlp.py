"""Suggestions (spaCy): pipeline load time, suggesting for a 10,000-word transcript, training on
2,000 codings, and the demo evaluation (suggester vs keyword-only baseline).

    python benchmarks/bench_nlp.py            # everything; writes the 'nlp' and 'nlp-eval' sections
    python benchmarks/bench_nlp.py --no-eval  # timings only
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, best_of, peak_rss_mb, write_section  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))

LOAD_SNIPPET = (
    "import time; t = time.perf_counter(); from qualcode.nlp import load_pipeline; "
    "load_pipeline('{lang}'); print(time.perf_counter() - t)"
)


def pipeline_load(lang: str, repeat: int = 3) -> float:
    """Cold start in a fresh interpreter: importing spaCy, blank pipeline, lookup tables, sentencizer."""
    times = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", LOAD_SNIPPET.format(lang=lang)], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        times.append(float(out.stdout.strip()))
    return min(times)


def demo_project(folder: Path) -> Path:
    from qualcode.demo import build_demo

    return build_demo(folder / "demo.qualcode", ROOT)


def long_transcript(words: int = 10_000) -> str:
    """About ``words`` words of real demo interview text (the plain-text transcripts, repeated)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "transcripts").glob("*.txt"))]
    parts, total, i = [], 0, 0
    while total < words:
        text = texts[i % len(texts)]
        body = text.split("\n\n", 1)[1] if "\n\n" in text else text  # drop the title block
        parts.append(body)
        total += len(body.split())
        i += 1
    return "Interview benchmark\n\n" + "\n\n".join(parts)


def bench_suggest(path: Path) -> dict:
    from qualcode.ingest.turns import detect_turns
    from qualcode.nlp import Suggester, load_pipeline
    from qualcode.store.project import Project

    text = long_transcript()
    with Project.open(path) as project:
        with project.transaction():
            doc, _ = project.documents.add("Benchmark 10k", text, detect_turns(text))
        nlp = load_pipeline(project.language)
        t0 = time.perf_counter()
        sug = Suggester.load(project, nlp=nlp)
        load_untrained = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = sug.train(project)
        train_demo = time.perf_counter() - t0
        t0 = time.perf_counter()
        sug = Suggester.load(project, nlp=nlp)
        load_trained = time.perf_counter() - t0
        turns = len([t for t in project.documents.turns(doc.uuid) if t.speaker and "interviewer" not in t.speaker.lower()])
        per_turn, found = best_of(lambda: sug.suggest_document(project, doc.uuid, "turn"), 3)
        per_sentence, found_s = best_of(lambda: sug.suggest_document(project, doc.uuid, "sentence"), 3)
        one, _ = best_of(lambda: sug.suggest(doc.text, 0, 600, doc.uuid), 5)
    return {"words": len(text.split()), "turns": turns, "per_turn": per_turn, "per_sentence": per_sentence,
            "suggestions_turn": len(found), "suggestions_sentence": len(found_s), "one_passage": one,
            "load_untrained": load_untrained, "load_trained": load_trained, "train_demo": train_demo,
            "demo_passages": report["passages"], "demo_labels": len(report["labels"])}


def bench_training(folder: Path, codings: int = 2000) -> dict:
    import generate

    from qualcode.nlp import Suggester, load_pipeline
    from qualcode.store.project import Project

    path = generate.generate_project(folder / "train.qualcode", docs=40, words=3000, codings=codings,
                                     coders=("anna",), codes=60, seed=3)
    with Project.open(path) as project:
        n = len(project.codings.list())
        sug = Suggester.load(project, nlp=load_pipeline("nl"))
        t0 = time.perf_counter()
        report = sug.train(project)
        seconds = time.perf_counter() - t0
        size = len(project.models.load("suggester")[0])
    return {"codings": n, "passages": report["passages"], "labels": len(report["labels"]), "seconds": seconds,
            "classifier_seconds": report["classifier_seconds"], "calibration_seconds": report["calibration_seconds"],
            "model_bytes": size}


def bench_eval(path: Path) -> list[tuple[str, dict]]:
    from qualcode.nlp.evaluate import evaluate
    from qualcode.store.project import Project

    out = []
    with Project.open(path) as project:
        coders = project.codings.coders()
        for coder in (["anna"] if "anna" in coders else []) + [None]:
            out.append((coder or "all human coders", evaluate(project, folds=5, coder=coder)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-eval", action="store_true", help="skip the demo evaluation (it takes a few minutes)")
    args = ap.parse_args()
    load_nl = pipeline_load("nl")
    load_en = pipeline_load("en")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = demo_project(folder)
        s = bench_suggest(demo)
        t = bench_training(folder)
        evals = [] if args.no_eval else bench_eval(demo)  # the added 10k document has no codings
    md = f"""## Suggestions (spaCy)

Blank pipeline with the lookup lemmatizer (no trained spaCy model); 2 CPU cores; best of several runs.

| what | figure |
| --- | --- |
| pipeline load, cold (import spaCy, `spacy.blank`, lookup tables, sentencizer), nl / en | {load_nl:.2f} s / {load_en:.2f} s |
| `Suggester.load` on the demo (keyword matcher, examples, {s['demo_passages']} coded passages), no stored model / stored model | {s['load_untrained']:.2f} s / {s['load_trained']:.2f} s |
| suggestions for a {s['words']:,}-word transcript, per respondent turn ({s['turns']} turns, {s['suggestions_turn']} suggestions) | {s['per_turn']:.2f} s |
| the same, per sentence ({s['suggestions_sentence']} suggestions) | {s['per_sentence']:.2f} s |
| one passage of 600 characters | {s['one_passage'] * 1000:.0f} ms |
| training on the demo's codings ({s['demo_passages']} passages, {s['demo_labels']} codes learned) | {s['train_demo']:.1f} s |
| training on {t['codings']:,} synthetic codings ({t['passages']:,} passages, {t['labels']} codes learned): total | {t['seconds']:.1f} s |
| — of which calibrating the score weights (3 held-out groups) / the final classifier | {t['calibration_seconds']:.1f} s / {t['classifier_seconds']:.1f} s |
| stored model size | {t['model_bytes'] / 1e6:.1f} MB |
| peak memory of the benchmark process | {peak_rss_mb():.0f} MB |
"""
    write_section("nlp", md)
    if evals:
        rows = []
        for who, r in evals:
            for name, m in [("suggester", r["suggester"]), ("keyword-only baseline", r["keyword_baseline"])] + \
                    [(f"{k} alone", v) for k, v in r.get("signals", {}).items()]:
                rows.append(f"| {who} | {r['passages']} | {name} | {m['precision_at_1']:.3f} | "
                            f"{m['precision_at_3']:.3f} | {m['recall_at_3']:.3f} |")
        eval_md = """## Suggestion quality on the demo study

`qualcode suggest demo.qualcode --evaluate [--coder anna]`: 5-fold cross-validation by document over
the demo's human codings (train on the other documents, rank codes for each held-out coded span).
Everything the suggester learns, including its score weights, comes from the training documents only.

| coder(s) | passages | ranker | precision@1 | precision@3 | recall@3 |
| --- | --- | --- | --- | --- | --- |
""" + "\n".join(rows)
        write_section("nlp-eval", eval_md)
    print(md)
    if evals:
        print(eval_md)


if __name__ == "__main__":
    main()
