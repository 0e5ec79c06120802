"""The three signals for a batch of passages, combined into one ranked list per passage."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from qualcode.nlp.combine import Combiner, features, prior_of
from qualcode.nlp.keywords import KeywordHit, KeywordMatcher
from qualcode.nlp.pipeline import analyse, doc_keys
from qualcode.nlp.similarity import SimilarityHit, SimilarityIndex


MIN_CLASSIFIER_HIT = 0.05  # a classifier score below this makes no candidate on its own
PER_SIGNAL = 12  # candidates per passage from each of similarity and the classifier (all keyword hits)


@dataclass
class Scored:
    code: str
    score: float
    x: list[float]
    kw: KeywordHit | None = None
    sim: SimilarityHit | None = None
    clf: float | None = None
    semantic: float | None = None  # closeness in meaning to the code's description (None: signal off)
    semantic_coded: float = 0.0  # ... and to the passages coded with it

    @property
    def keyword_score(self) -> float:
        """Signal 1 alone, exclusion criteria applied: the keyword-only baseline's score."""
        return self.kw.score * self.kw.factor if self.kw else 0.0


def prepare(nlp, matcher: KeywordMatcher, passages) -> None:
    """Fill each passage's keys and keyword hits (analysing the texts in one batch)."""
    todo = [p for p in passages if not p.keys and not p.kw]
    for p, doc in zip(todo, analyse(nlp, [p.text for p in todo], sentences=False)):
        p.keys = doc_keys(doc)
        p.kw = matcher.match(doc)


@dataclass
class Models:
    """What was learned from a set of coded passages."""

    classifier: object | None  # classifier.Classifier
    index: SimilarityIndex | None
    counts: dict[str, int]
    combiner: Combiner | None  # None: features only, no scores (while calibrating)
    semantic: object | None = None  # semantic.SemanticIndex, when that signal is on

    @property
    def max_count(self) -> int:
        return max(self.counts.values(), default=0)


def score_passages(models: Models, passages, probs=None) -> list[list[Scored]]:
    """For each prepared passage, every code with some evidence, best first. ``probs``: classifier
    scores per passage given by the caller (out-of-group scores while calibrating)."""
    if probs is None:
        probs = models.classifier.predict([p.keys for p in passages]) if models.classifier \
            else [{} for _ in passages]
    sim_all = models.index.match_many([p.keys for p in passages], PER_SIGNAL) if models.index is not None \
        else [{} for _ in passages]
    sem_all = models.semantic.match_many([p.vec for p in passages], PER_SIGNAL) if models.semantic is not None \
        else [{} for _ in passages]
    max_count = models.max_count
    priors = {code: prior_of(n, max_count) for code, n in models.counts.items()}
    rows: list[list[float]] = []
    factors: list[float] = []
    pending: list[list[Scored]] = []
    for p, prob, sims, sem in zip(passages, probs, sim_all, sem_all):
        on = p.vec is not None and models.semantic is not None
        scored = []
        likely = [c for c, v in prob.items() if v >= MIN_CLASSIFIER_HIT]
        if len(likely) > PER_SIGNAL:
            likely = heapq.nlargest(PER_SIGNAL, likely, key=prob.get)
        for code in set(p.kw) | set(sims) | set(likely) | set(sem):
            kw, sim, clf = p.kw.get(code), sims.get(code), prob.get(code)
            if kw is not None and not kw.score and not sim and clf is None and code not in sem:
                continue  # only an exclusion term matched
            s_desc, s_coded = sem.get(code, (0.0, 0.0)) if on else (None, 0.0)
            x = features(kw.score if kw else 0.0, clf, sim.best if sim else 0.0, sim.top_mean if sim else 0.0,
                         priors.get(code, 0.0), s_desc, s_coded)
            rows.append(x)
            factors.append(kw.factor if kw else 1.0)
            scored.append(Scored(code, 0.0, x, kw, sim, clf, s_desc, s_coded))
        pending.append(scored)
    if models.combiner is not None and rows:
        for s, value in zip((s for group in pending for s in group), models.combiner.score_many(rows, factors)):
            s.score = value
    for scored in pending:
        scored.sort(key=lambda s: (-s.score, s.code))
    return pending


def keyword_ranking(passage, order: dict[str, int]) -> list[str]:
    """The keyword-only baseline: codes with a keyword hit, by keyword score (codebook order on ties)."""
    hits = [(h.score * h.factor, code) for code, h in passage.kw.items() if h.score > 0]
    hits.sort(key=lambda t: (-t[0], order.get(t[1], 0)))
    return [code for _, code in hits]
