"""Learning from coded passages: the classifier, the similarity index and the score combination."""

from __future__ import annotations

import time
from collections import Counter

from qualcode.nlp.classifier import MIN_EXAMPLES, Classifier
from qualcode.nlp.combine import MIN_PASSAGES, Combiner
from qualcode.nlp.pipeline import text_keys
from qualcode.nlp.signals import Models, score_passages
from qualcode.nlp.similarity import SimilarityIndex

CALIBRATION_GROUPS = 3


def example_refs(nlp, tree) -> list[tuple[list[str], set[str], str]]:
    """Each code's example quotes as reference passages for the similarity signal."""
    pairs = [(code.uuid, q) for code in tree for q in code.examples if q and q.strip()]
    keys = text_keys(nlp, [q for _, q in pairs]) if pairs else []
    return [(k, {code}, "example") for (code, _), k in zip(pairs, keys) if k]


def build_index(passages, examples) -> SimilarityIndex | None:
    refs = [(p.keys, set(p.codes), "coded") for p in passages if p.keys] + list(examples)
    return SimilarityIndex(refs) if refs else None


def code_counts(passages) -> dict[str, int]:
    return dict(Counter(code for p in passages for code in p.codes))


def train_classifier(lang: str, passages, min_examples: int = MIN_EXAMPLES, seed: int = 0):
    return Classifier.train(lang, [(p.keys, p.codes) for p in passages if p.keys], min_examples, seed=seed)


def fit_models(lang: str, passages, examples, min_examples: int = MIN_EXAMPLES, calibrate: bool = True,
               seed: int = 0, combiner: Combiner | None = None) -> tuple[Models, dict]:
    """Train everything on ``passages`` (prepared: keys and keyword hits filled). Returns (models, report).

    ``combiner``: keep these score weights instead of calibrating again (the classifier is retrained).
    """
    t0 = time.perf_counter()
    if combiner is None:
        combiner = calibrate_combiner(lang, passages, examples, min_examples, seed) if calibrate else Combiner()
    t1 = time.perf_counter()
    classifier = train_classifier(lang, passages, min_examples, seed)
    models = Models(classifier, build_index(passages, examples), code_counts(passages), combiner)
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


def calibrate_combiner(lang: str, passages, examples, min_examples: int = MIN_EXAMPLES, seed: int = 0) -> Combiner:
    """Fit the combination weights on out-of-group scores (groups of training documents)."""
    docs = sorted({p.document for p in passages})
    if len(docs) < CALIBRATION_GROUPS or len(passages) < MIN_PASSAGES:
        return Combiner()
    group = {d: i % CALIBRATION_GROUPS for i, d in enumerate(docs)}
    X: list[list[float]] = []
    y: list[int] = []
    for g in range(CALIBRATION_GROUPS):
        train = [p for p in passages if group[p.document] != g]
        held = [p for p in passages if group[p.document] == g]
        models = Models(train_classifier(lang, train, min_examples, seed), build_index(train, examples),
                        code_counts(train), Combiner())
        for p, scored in zip(held, score_passages(models, held)):
            for s in scored:
                X.append(s.x)
                y.append(int(s.code in p.codes))
    if not X or sum(y) < 5 or sum(y) == len(y):
        return Combiner()
    return Combiner.fit(X, y)
