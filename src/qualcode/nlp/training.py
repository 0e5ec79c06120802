"""Learning from coded passages: the classifier, the similarity index and the score combination."""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import Counter

from qualcode.nlp.data import codebook_text  # noqa: F401 - used here and by the semantic signal
from qualcode.nlp.classifier import MIN_EXAMPLES, Classifier, cross_predict
from qualcode.nlp.combine import MIN_PASSAGES, Combiner
from qualcode.nlp.pipeline import text_keys
from qualcode.nlp.signals import Models, score_passages
from qualcode.nlp.similarity import SimilarityIndex

CALIBRATION_GROUPS = 3
HELD_PER_GROUP = 400  # held-out coded spans scored per calibration group (spread evenly): nine weights need
# a few thousand (passage, code) rows, not all of them; the classifier still trains on every passage


def _spread(items: list, limit: int) -> list:
    """At most ``limit`` of the items, evenly spread (deterministic)."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def example_refs(nlp, tree) -> list[tuple[list[str], set[str], str]]:
    """Reference passages from the codebook itself, for the similarity signal before (and beside)
    any coding: each code's example quotes ("example") and its description ("codebook")."""
    pairs = [(code.uuid, q, "example") for code in tree for q in code.examples if q and q.strip()]
    pairs += [(code.uuid, codebook_text(code), "codebook") for code in tree]
    keys = text_keys(nlp, [q for _, q, _ in pairs]) if pairs else []
    return [(k, {code}, kind) for (code, _, kind), k in zip(pairs, keys) if k]


def build_index(passages, examples) -> SimilarityIndex | None:
    refs = [(p.keys, set(p.codes), "coded", set(p.coders)) for p in passages if p.keys] + list(examples)
    return SimilarityIndex(refs) if refs else None


def build_semantic(passages, described):
    """The semantic index (code descriptions + the coded passages' vectors), or None when that signal is off."""
    if not described:
        return None
    from qualcode.nlp.semantic import SemanticIndex

    return SemanticIndex(described, [(p.vec, set(p.codes)) for p in passages if p.vec is not None])


def code_counts(passages) -> dict[str, int]:
    return dict(Counter(code for p in passages for code in p.codes))


def train_classifier(lang: str, passages, min_examples: int = MIN_EXAMPLES, seed: int = 0):
    return Classifier.train(lang, [(p.keys, p.codes) for p in passages if p.keys], min_examples, seed=seed)


def fit_models(lang: str, passages, examples, min_examples: int = MIN_EXAMPLES, calibrate: bool = True,
               seed: int = 0, combiner: Combiner | None = None, turns=None,
               described: dict | None = None) -> tuple[Models, dict]:
    """Train everything on ``passages`` (prepared: keys and keyword hits filled). Returns (models, report).

    ``combiner``: keep these score weights instead of calibrating again (the classifier is retrained).
    ``turns``: respondent turns of the training documents (prepared; ``codes`` = the codes on any part
    of the turn): the score weights are calibrated on them too, so a score means the same for a coded
    span of 20 words and a turn of 200. ``described``: code -> description vectors, when the semantic
    signal is on (the passages' ``vec`` filled where computed).
    """
    t0 = time.perf_counter()
    classifier = None
    if combiner is None:
        combiner, classifier = calibrate_combiner(lang, passages, examples, min_examples, seed, turns,
                                                  with_classifier=True, described=described) \
            if calibrate else (Combiner(), None)
    t1 = time.perf_counter()
    if classifier is None:
        classifier = train_classifier(lang, passages, min_examples, seed)
    models = Models(classifier, build_index(passages, examples), code_counts(passages), combiner,
                    build_semantic(passages, described))
    report = {
        "passages": len(passages),
        "documents": len({p.document for p in passages}),
        "labels": len(classifier.labels) if classifier else 0,
        "calibrated": combiner.learned,
        "calibration_seconds": round(t1 - t0, 2),
        "classifier_seconds": round(time.perf_counter() - t1, 2),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    return models, report


def calibration_groups(passages, turns=()) -> tuple[list[int], list[int]] | None:
    """Group of each passage and each turn: by document (dealt round-robin) when there are at least
    three, else contiguous thirds of the text in order (a study of one long document)."""
    docs = sorted({p.document for p in passages})
    if len(passages) < MIN_PASSAGES:
        return None
    if len(docs) >= CALIBRATION_GROUPS:
        group = {d: i % CALIBRATION_GROUPS for i, d in enumerate(docs)}
        return [group[p.document] for p in passages], [group.get(t.document, -1) for t in turns]
    order = sorted(range(len(passages)), key=lambda i: (passages[i].document, passages[i].start))
    g = [0] * len(passages)
    for rank, i in enumerate(order):
        g[i] = rank * CALIBRATION_GROUPS // len(passages)
    bounds = [(passages[i].document, passages[i].start) for i in order]
    tg = []
    for t in turns:
        j = bisect_right(bounds, (t.document, t.start)) - 1
        tg.append(g[order[max(j, 0)]])
    return g, tg


def calibrate_combiner(lang: str, passages, examples_refs, min_examples: int = MIN_EXAMPLES, seed: int = 0,
                       turns=None, with_classifier: bool = False, described: dict | None = None):
    """Fit the combination weights on out-of-group scores (groups of training documents or text).

    With ``with_classifier``, returns (combiner, the classifier trained on every passage, or None when
    no calibration was possible): both come from one Gram matrix."""
    combiner, classifier = _calibrate(passages, examples_refs, min_examples, turns, described)
    return (combiner, classifier) if with_classifier else combiner


def _calibrate(passages, examples_refs, min_examples, turns, described=None):
    from qualcode.nlp.display import is_back_channel

    turns = [t for t in (turns or []) if t.codes and not is_back_channel(t.text)]
    groups = calibration_groups(passages, turns)
    if groups is None:
        return Combiner(), None
    pg, tg = groups
    X: list[list[float]] = []
    y: list[int] = []
    examples = [(p.keys, p.codes) for p in passages]
    probs, turn_probs, classifier = cross_predict(examples, pg, [t.keys for t in turns], tg, min_examples,
                                                  full=True)
    for g in range(CALIBRATION_GROUPS):
        train = [p for p, pgi in zip(passages, pg) if pgi != g]
        held_ix = _spread([i for i, pgi in enumerate(pg) if pgi == g], HELD_PER_GROUP)
        turn_ix = [i for i, tgi in enumerate(tg) if tgi == g]
        held = [passages[i] for i in held_ix] + [turns[i] for i in turn_ix]
        held_probs = [probs[i] for i in held_ix] + [turn_probs[i] for i in turn_ix]
        models = Models(None, build_index(train, examples_refs), code_counts(train), None,
                        build_semantic(train, described))
        for p, scored in zip(held, score_passages(models, held, probs=held_probs)):
            for s in scored:
                X.append(s.x)
                y.append(int(s.code in p.codes))
    if not X or sum(y) < 5 or sum(y) == len(y):
        return Combiner(), classifier
    return Combiner.fit(X, y), classifier
