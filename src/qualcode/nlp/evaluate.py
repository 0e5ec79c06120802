"""Suggestion quality, measured on held-out human codings (``qualcode suggest --evaluate``).

Cross-validation by document: documents are sorted by name and dealt round-robin into ``folds``
groups; for each group, everything (classifier, similarity index, score combination) is trained on
the other documents' human codings only and evaluated on the held-out documents' passages. A
*passage* is a distinct coded span (document, start, end); its gold set is every code the
(selected) coder(s) put on exactly that span.

For each passage the suggester ranks codes; the keyword-only baseline ranks the codes whose
keywords occur in it (signal 1 alone, exclusion criteria applied). Metrics, averaged over passages:

- ``precision_at_1``: the top code is in the gold set (1 or 0; no suggestion counts as 0);
- ``precision_at_3``: gold codes among the top three, divided by 3;
- ``recall_at_3``: gold codes among the top three, divided by the size of the gold set.

Per code: ``precision_at_1`` = of the passages where it was ranked first, the share that carry it;
``precision_at_3`` = the same for being in the top three; ``recall_at_3`` = of the passages that
carry it, the share where it is in the top three; ``passages`` = how many carry it.
``signals`` gives the same overall figures for the classifier alone and the similarity alone.
"""

from __future__ import annotations

import time
from collections import Counter

from qualcode.nlp.data import coded_passages
from qualcode.nlp.keywords import KeywordMatcher
from qualcode.nlp.pipeline import load_pipeline, pipeline_name, resolve_model
from qualcode.nlp.signals import keyword_ranking, prepare, score_passages
from qualcode.nlp.training import example_refs, fit_models

K = 3


def metrics(rankings: list[list[str]], golds: list[set[str]], k: int = K) -> dict:
    """Overall precision@1, precision@k and recall@k (k = 3 in the reported keys)."""
    n = len(golds)
    if not n:
        return {"precision_at_1": 0.0, "precision_at_3": 0.0, "recall_at_3": 0.0}
    p1 = sum(1 for r, g in zip(rankings, golds) if r and r[0] in g) / n
    pk = sum(len(set(r[:k]) & g) / k for r, g in zip(rankings, golds)) / n
    rk = sum(len(set(r[:k]) & g) / len(g) for r, g in zip(rankings, golds) if g) / n
    return {"precision_at_1": round(p1, 4), "precision_at_3": round(pk, 4), "recall_at_3": round(rk, 4)}


def per_code_metrics(rankings: list[list[str]], golds: list[set[str]], k: int = K) -> dict[str, dict]:
    first, topk, carried, found, hit1, hitk = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    for r, g in zip(rankings, golds):
        if r:
            first[r[0]] += 1
            hit1[r[0]] += r[0] in g
        for code in r[:k]:
            topk[code] += 1
            hitk[code] += code in g
        for code in g:
            carried[code] += 1
            found[code] += code in r[:k]
    out = {}
    for code in set(first) | set(topk) | set(carried):
        out[code] = {
            "passages": carried[code],
            "precision_at_1": round(hit1[code] / first[code], 4) if first[code] else None,
            "precision_at_3": round(hitk[code] / topk[code], 4) if topk[code] else None,
            "recall_at_3": round(found[code] / carried[code], 4) if carried[code] else None,
        }
    return out


def acceptance(project) -> dict:
    """Decisions on logged suggestions: overall and per code path."""
    tree = project.codebook.tree()
    rows = project.suggestions.decisions()
    per: dict[str, Counter] = {}
    for code, decision in rows:
        name = tree.path(code) if code in tree else code
        per.setdefault(name, Counter())[decision or "undecided"] += 1

    def rate(c: Counter) -> dict:
        decided = c["accepted"] + c["changed"] + c["rejected"]
        return {"shown": sum(c.values()), "accepted": c["accepted"], "changed": c["changed"],
                "rejected": c["rejected"], "acceptance_rate": round(c["accepted"] / decided, 4) if decided else None}

    total = sum(per.values(), Counter())
    return {"overall": rate(total), "per_code": {k: rate(v) for k, v in sorted(per.items())}}


def fold_of(documents: list[str], folds: int) -> dict[str, int]:
    return {d: i % folds for i, d in enumerate(sorted(documents))}


def evaluate(project, folds: int = 5, coder: str | None = None, model: str | None = None,
             progress=lambda done, total: None, seed: int = 0) -> dict:
    """Cross-validated quality of the suggester next to the keyword-only baseline."""
    t0 = time.perf_counter()
    nlp = load_pipeline(project.language, resolve_model(project, model))
    tree = project.codebook.tree()
    names = project.documents.names()
    passages = coded_passages(project, coder)
    docs = sorted({p.document for p in passages}, key=lambda d: names.get(d, d))
    result = {"passages": len(passages), "documents": len(docs), "coder": coder or "all human coders",
              "pipeline": pipeline_name(nlp)}
    if len(docs) < 2:
        result.update(suggester=metrics([], []), keyword_baseline=metrics([], []), per_code={},
                      acceptance=acceptance(project), folds=0,
                      note="needs human codings in at least two documents to hold one out")
        return result
    folds = max(2, min(folds, len(docs)))
    matcher = KeywordMatcher(nlp, tree)
    examples = example_refs(nlp, tree)
    prepare(nlp, matcher, passages)
    order = {c.uuid: i for i, c in enumerate(tree)}
    fold = fold_of([names.get(d, d) for d in docs], folds)
    doc_fold = {d: fold[names.get(d, d)] for d in docs}
    rankings: dict[int, list[str]] = {}
    baseline: dict[int, list[str]] = {}
    alone: dict[str, dict[int, list[str]]] = {"classifier": {}, "similarity": {}}
    for f in range(folds):
        train = [p for p in passages if doc_fold[p.document] != f]
        held = [(i, p) for i, p in enumerate(passages) if doc_fold[p.document] == f]
        models, _ = fit_models(nlp.lang, train, examples, seed=seed)
        for (i, p), scored in zip(held, score_passages(models, [p for _, p in held])):
            rankings[i] = [s.code for s in scored]
            baseline[i] = keyword_ranking(p, order)
            alone["classifier"][i] = [s.code for s in sorted(scored, key=lambda s: -s.x[1]) if s.clf]
            alone["similarity"][i] = [s.code for s in sorted(scored, key=lambda s: -s.x[3]) if s.sim]
        progress(f + 1, folds)
    golds = [p.codes for p in passages]
    ranks = [rankings[i] for i in range(len(passages))]
    base = [baseline[i] for i in range(len(passages))]
    sugg_codes = per_code_metrics(ranks, golds)
    base_codes = per_code_metrics(base, golds)
    result.update(
        suggester=metrics(ranks, golds),
        keyword_baseline=metrics(base, golds),
        signals={name: metrics([r[i] for i in range(len(passages))], golds) for name, r in alone.items()},
        per_code={tree.path(c) if c in tree else c: {"suggester": sugg_codes.get(c),
                                                     "keyword_baseline": base_codes.get(c)}
                  for c in sorted(set(sugg_codes) | set(base_codes), key=lambda c: order.get(c, 0))},
        acceptance=acceptance(project),
        folds=folds,
        seconds=round(time.perf_counter() - t0, 1),
    )
    return result
