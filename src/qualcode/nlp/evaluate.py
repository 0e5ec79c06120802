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
from bisect import bisect_right
from collections import Counter

from qualcode.nlp.data import Passage, coded_passages
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


def blocks_of(turns, folds: int) -> list[int]:
    """Contiguous blocks of a document's turns, one per fold (turn i of n -> block i * folds // n)."""
    n = len(turns)
    return [min(folds - 1, i * folds // n) for i in range(n)] if n else []


def _turn_units(project, doc_uuid: str, text: str, codings, interviewers) -> list[Passage]:
    """The document's respondent turns, each with the codes put on any part of it."""
    from qualcode.nlp.data import respondent_turns

    units = []
    for t in respondent_turns(project, doc_uuid, interviewers):
        gold = {c.code for c in codings if c.start < t.end and c.end > t.start}
        units.append(Passage(doc_uuid, t.start, t.end, text[t.start:t.end], gold))
    return units


def evaluate(project, folds: int = 5, coder: str | None = None, model: str | None = None,
             progress=lambda done, total: None, seed: int = 0, fold_by: str = "auto",
             cold_start: bool = True, rankings: dict | None = None, semantic: bool = True,
             embed_progress=None) -> dict:
    """Cross-validated figures of what the coder is shown, beside two baselines (see measure.py).

    ``fold_by``: "document" (each document held out whole), "block" (each coded document's turns cut
    into ``folds`` contiguous blocks: for studies with fewer documents than folds) or "auto" (documents
    when there are at least ``folds`` coded documents, else blocks). ``rankings``: a dict to fill with
    each unit's full ranking, for studying the display rule: kind -> list of (text, gold, [(code, score,
    has evidence)]). ``semantic``: use sentence embeddings when their package is installed (vectors
    missing from the project are computed and kept: minutes the first time; ``embed_progress(done, total)``).
    """
    from qualcode.nlp import display
    from qualcode.nlp.data import human_codings, interviewer_cases
    from qualcode.nlp.measure import majority, per_code, shown_metrics, to_themes
    from qualcode.nlp.signals import Models
    from qualcode.nlp import semantic as sem
    from qualcode.nlp.training import build_index, build_semantic
    from qualcode.nlp.combine import Combiner

    t0 = time.perf_counter()
    nlp = load_pipeline(project.language, resolve_model(project, model))
    tree = project.codebook.tree()
    names = project.documents.names()
    codings = [c for c in human_codings(project, coder) if c.code in tree]
    passages = coded_passages(project, coder, codings=codings)
    docs = sorted({p.document for p in passages}, key=lambda d: names.get(d, d))
    defaults = {"top": display.TOP, "min_score": display.MIN_SCORE, "floor": display.FLOOR}
    result = {"version": 2, "passages": len(passages), "documents": len(docs), "coder": coder or "all human coders",
              "pipeline": pipeline_name(nlp), "defaults": defaults}
    if fold_by == "auto":
        fold_by = "document" if len(docs) >= folds else "block"
    if not docs or (fold_by == "document" and len(docs) < 2):
        result.update(folds=0, fold_by=fold_by, acceptance=acceptance(project),
                      note="needs human codings in at least two documents to hold one out"
                      if docs else "needs human codings to measure against")
        return result
    folds = max(2, min(folds, len(docs))) if fold_by == "document" else max(2, folds)
    matcher = KeywordMatcher(nlp, tree)
    examples = example_refs(nlp, tree)
    interviewers = interviewer_cases(project)
    turns: list[Passage] = []
    fold_of_turn: list[int] = []
    span_fold: dict[int, int] = {}
    doc_fold = {d: f for d, f in zip(docs, [fold_of([names.get(d, d) for d in docs], folds)[names.get(d, d)]
                                            for d in docs])} if fold_by == "document" else {}
    for d in docs:
        doc = project.documents.get(d)
        units = _turn_units(project, d, doc.text, [c for c in codings if c.document == d], interviewers)
        if fold_by == "document":
            fs = [doc_fold[d]] * len(units)
        else:
            all_turns = project.documents.turns(d)
            block = dict(zip(((t.start, t.end) for t in all_turns), blocks_of(all_turns, folds)))
            fs = [block[(u.start, u.end)] for u in units]
            starts = [t.start for t in all_turns]
            for i, p in enumerate(passages):
                if p.document == d:
                    j = max(0, bisect_right(starts, p.start) - 1)
                    span_fold[i] = blocks_of(all_turns, folds)[j] if all_turns else 0
        turns.extend(units)
        fold_of_turn.extend(fs)
    if fold_by == "document":
        span_fold = {i: doc_fold[p.document] for i, p in enumerate(passages)}
    prepare(nlp, matcher, passages + turns)
    emb = sem.embedder() if semantic else None
    described = None
    if emb is not None:
        described = sem.description_vectors(project, tree, emb) or None
        found = sem.vectors(project, [u.text for u in passages + turns if not display.is_back_channel(u.text)],
                            emb, progress=embed_progress)
        for u in passages + turns:
            u.vec = found.get(u.text)
    result["semantic"] = emb.name if emb is not None else None
    order = {c.uuid: i for i, c in enumerate(tree)}
    theme = {c.uuid: tree.theme(c.uuid).uuid for c in tree}
    kinds = {"spans": (passages, [span_fold[i] for i in range(len(passages))]), "turns": (turns, fold_of_turn)}
    rankers = ("suggester", "keyword_baseline", "majority_baseline")
    shown: dict = {k: {r: [None] * len(units) for r in rankers} for k, (units, _) in kinds.items()}
    shown_theme: dict = {k: {r: [None] * len(units) for r in rankers} for k, (units, _) in kinds.items()}
    cold: dict = {k: [None] * len(units) for k, (units, _) in kinds.items()}

    def show(scored, unit):
        return [s.code for s in display.shown(scored, unit.text)]

    if cold_start:  # nothing coded yet: the codebook's own text is all there is
        models = Models(None, build_index([], examples), {}, Combiner(), build_semantic([], described))
        for kind, (units, _) in kinds.items():
            for i, scored in enumerate(score_passages(models, units)):
                cold[kind][i] = show(scored, units[i])
    for f in range(folds):
        train = [p for i, p in enumerate(passages) if span_fold[i] != f]
        train_turns = [u for u, uf in zip(turns, fold_of_turn) if uf != f]
        models, _ = fit_models(nlp.lang, train, examples, seed=seed, turns=train_turns, described=described)
        common = majority([p.codes for p in train])
        common_themes = majority([set(to_themes(p.codes, theme)) for p in train])
        for kind, (units, unit_folds) in kinds.items():
            idx = [i for i, uf in enumerate(unit_folds) if uf == f]
            for i, scored in zip(idx, score_passages(models, [units[i] for i in idx])):
                u = units[i]
                back = display.is_back_channel(u.text)
                shown[kind]["suggester"][i] = show(scored, u)
                if rankings is not None:
                    rankings.setdefault(kind, {})[i] = (u.text, set(u.codes),
                                                        [(x.code, x.score, display.has_evidence(x)) for x in scored])
                shown[kind]["keyword_baseline"][i] = [] if back else keyword_ranking(u, order)[:display.TOP]
                shown[kind]["majority_baseline"][i] = [] if back else common
                shown_theme[kind]["majority_baseline"][i] = [] if back else common_themes
        progress(f + 1, folds)
    result.update(folds=folds, fold_by=fold_by)
    for kind, (units, _) in kinds.items():
        golds = [u.codes for u in units]
        gold_themes = [set(to_themes(g, theme)) for g in golds]
        subst = [not display.is_back_channel(u.text) for u in units]
        part = {"units": len(units), "substantive": sum(subst), "coded": sum(1 for g, s in zip(golds, subst) if g and s),
                "code": {}, "theme": {}}
        for r in rankers:
            part["code"][r] = shown_metrics(shown[kind][r], golds, subst)
            themes = shown_theme[kind][r] if r == "majority_baseline" else \
                [to_themes(s, theme) for s in shown[kind][r]]
            part["theme"][r] = shown_metrics(themes, gold_themes, subst)
        if cold_start:
            part["cold_start"] = {"code": shown_metrics(cold[kind], golds, subst),
                                  "theme": shown_metrics([to_themes(s, theme) for s in cold[kind]], gold_themes, subst)}
        sugg, base = per_code(shown[kind]["suggester"], golds, subst), per_code(shown[kind]["keyword_baseline"], golds, subst)
        part["per_code"] = {tree.path(c): {"suggester": sugg.get(c), "keyword_baseline": base.get(c)}
                            for c in sorted(set(sugg) | set(base), key=lambda c: order.get(c, 0))}
        result[kind] = part
    result.update(acceptance=acceptance(project), seconds=round(time.perf_counter() - t0, 1))
    return result
