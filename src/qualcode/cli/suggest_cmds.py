"""qualcode suggest: code suggestions per respondent turn, training, and measured quality."""

from __future__ import annotations

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, err_console, print_json, table


def register(sub) -> None:
    p = sub.add_parser(
        "suggest",
        help="suggest codes for respondent turns; --train to learn from your codings, --evaluate to measure",
        description="Suggest codes for each respondent turn (interviewer turns are skipped; codes already on a "
        "span are not suggested for it). Suggestions combine codebook keywords matched on lemmas, a classifier "
        "trained on the project's human codings, and similarity to coded passages and example quotes.",
    )
    p.add_argument("project")
    p.add_argument("--doc", help="only this document (default: every document)")
    p.add_argument("--model", help="an installed spaCy model to use, e.g. nl_core_news_md (default: the project's "
                   "'model' setting, else a blank pipeline with a lookup lemmatizer)")
    p.add_argument("--top", type=int, default=3, help="suggestions per passage (default 3)")
    p.add_argument("--min-score", type=float, default=0.15,
                   help="leave out suggestions scoring below this (0-1; default 0.15, as in the TUI)")
    p.add_argument("--unit", choices=["turn", "sentence"], default="turn", help="passage unit (default turn)")
    p.add_argument("--no-train", action="store_true", help="do not retrain a stale model before suggesting")
    p.add_argument("--train", action="store_true", help="train on the human codings now and report what was learned")
    p.add_argument("--evaluate", action="store_true",
                   help="cross-validate by document on human codings: precision@1, precision@3, recall@3, "
                   "next to a keyword-only baseline, plus acceptance rates from the suggestions log")
    p.add_argument("--folds", type=int, default=5, help="folds for --evaluate (default 5)")
    p.add_argument("--coder", help="with --evaluate: only this coder's codings")
    add_json(p)
    p.set_defaults(func=cmd_suggest)


def cmd_suggest(args) -> int:
    if args.evaluate:
        return _evaluate(args)
    if args.train:
        return _train(args)
    return _suggest(args)


def _load(project, args):
    from qualcode.nlp import Suggester

    with err_console.status("loading the language pipeline and the suggestion model…"):
        return Suggester.load(project, model=args.model)


def _suggest(args) -> int:
    with opened(args.project) as project:
        suggester = _load(project, args)
        if not args.no_train and suggester.is_stale(project):
            with err_console.status("training on the human codings (the stored model is out of date)…"):
                report = suggester.train(project, recalibrate=False)
            err_console.print(f"trained on {report['passages']} coded passages: {len(report['labels'])} "
                              f"codes learned ({report['seconds']} s)", highlight=False)
        docs = [project.documents.get(args.doc)] if args.doc else [project.documents.get(d.uuid) for d in project.documents.list()]
        rows = []
        for doc in docs:
            for s in suggester.suggest_document(project, doc.uuid, args.unit, args.top, args.min_score):
                rows.append({"document": doc.name, "document_uuid": doc.uuid, "start": s.start, "end": s.end,
                             "code": s.path, "code_uuid": s.code, "score": round(s.score, 4), "reason": s.reason,
                             "text": doc.text[s.start:s.end]})
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        console.print("no suggestions (no keywords matched and nothing learned yet; code a few passages first, "
                      "or lower --min-score).")
        return 0
    table(f"{len(rows)} suggestions", ["document", "start", "end", "code", "score", "reason", "text"],
          [[r["document"], r["start"], r["end"], r["code"], f"{r['score']:.2f}", r["reason"], _snippet(r["text"])]
           for r in rows], justify={"start": "right", "end": "right", "score": "right"})
    return 0


def _snippet(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _train(args) -> int:
    with opened(args.project) as project:
        suggester = _load(project, args)
        with err_console.status("training on the human codings…"):
            report = suggester.train(project)
        tree = project.codebook.tree()
        counts = {tree.path(c): n for c, n in sorted(report["counts"].items(), key=lambda kv: (-kv[1], tree.path(kv[0])))}
        learned = [tree.path(c) for c in report["labels"]]
    if args.json:
        print_json(dict(report, labels=learned, counts=counts))
        return 0
    console.print(
        f"trained on {report['codings']} human codings ({report['passages']} distinct passages in "
        f"{report['documents']} documents) in {report['seconds']} s; stored in the project.", highlight=False)
    if not learned:
        console.print("no code has 5 coded passages yet: suggestions use keywords and similarity only.")
    else:
        console.print(f"the classifier learned {len(learned)} codes (those with at least 5 coded passages):")
        table(None, ["code", "passages"], [[k, v] for k, v in counts.items() if k in set(learned)],
              justify={"passages": "right"})
    w = report["weights"]
    how = "learned from held-out groups of your documents" if report["calibrated"] else "defaults (too few codings to learn them)"
    console.print(f"score weights ({how}): keyword {w['keyword']:.2f}, classifier {w['classifier']:.2f}, "
                  f"similarity {w['similarity_best']:.2f}+{w['similarity_top']:.2f}, prior {w['prior']:.2f}",
                  highlight=False)
    return 0


def _evaluate(args) -> int:
    from rich.progress import Progress

    from qualcode.nlp.evaluate import evaluate

    with opened(args.project) as project:
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("cross-validating by document", total=args.folds)
            result = evaluate(project, folds=args.folds, coder=args.coder, model=args.model,
                              progress=lambda done, total: bar.update(task, completed=done, total=total))
    if args.json:
        print_json(result)
        return 0
    if result.get("note"):
        console.print(f"cannot evaluate: {result['note']} (found {result['passages']} coded passages).")
        return 0
    console.print(f"{result['passages']} human-coded passages in {result['documents']} documents "
                  f"({result['coder']}), {result['folds']}-fold cross-validation by document:", highlight=False)
    keys = ["precision_at_1", "precision_at_3", "recall_at_3"]
    table(None, ["", "precision@1", "precision@3", "recall@3"],
          [["suggester"] + [f"{result['suggester'][k]:.3f}" for k in keys],
           ["keyword baseline"] + [f"{result['keyword_baseline'][k]:.3f}" for k in keys]]
          + [[f"  {name} only"] + [f"{m[k]:.3f}" for k in keys] for name, m in result.get("signals", {}).items()])
    rows = []
    for path, m in result["per_code"].items():
        s, b = m["suggester"] or {}, m["keyword_baseline"] or {}
        rows.append([path, s.get("passages", b.get("passages", 0)), _f(s.get("precision_at_1")),
                     _f(s.get("recall_at_3")), _f(b.get("precision_at_1")), _f(b.get("recall_at_3"))])
    table("per code", ["code", "passages", "P@1", "R@3", "keyword P@1", "keyword R@3"], rows)
    acc = result["acceptance"]["overall"]
    if acc["shown"]:
        console.print(f"suggestions log: {acc['shown']} shown, {acc['accepted']} accepted, {acc['changed']} changed, "
                      f"{acc['rejected']} rejected (acceptance {_f(acc['acceptance_rate'])}).", highlight=False)
    else:
        console.print("suggestions log: no suggestions shown in the TUI yet.")
    return 0


def _f(value) -> str:
    return "–" if value is None else f"{value:.2f}"
