"""One score per (passage, code) from the three signals: a small logistic model, calibrated on the
project's own codings.

Features (all in [0, 1]): the keyword score, the classifier's probability (0 when the code has
too few examples to be a label) and whether the code is a label, the best TF-IDF cosine and the
mean of the three best, and the code's share of the coded passages (log-scaled). (Adding each
signal's reciprocal rank within the passage as features was tried on a development subset and
gained nothing, so it was left out.)

The weights are learned when there is enough data (``MIN_PASSAGES`` coded passages in at least
three documents): the training documents are split into three groups, the classifier and the
similarity index are trained on two and scored on the third, and a logistic regression (L2,
damped Newton's method) is fitted on those out-of-group scores. So the weights only ever see training
documents, and the final score is a calibrated estimate of "a coder would put this code here".
With less data the a-priori ``DEFAULT_WEIGHTS`` apply.
"""

from __future__ import annotations

import math

FEATURES = ("keyword", "classifier", "has_classifier", "similarity_best", "similarity_top", "prior",
            "semantic", "semantic_coded", "has_semantic")
DEFAULT_WEIGHTS = {"bias": -3.0, "keyword": 3.5, "classifier": 4.0, "has_classifier": 0.0,
                   "similarity_best": 2.0, "similarity_top": 2.0, "prior": 0.5,
                   "semantic": 3.0, "semantic_coded": 1.5, "has_semantic": 0.0}
MIN_PASSAGES = 40
L2 = 1.0


def features(kw: float, clf: float | None, sim_best: float, sim_top: float, prior: float,
             semantic: float | None = None, semantic_coded: float = 0.0) -> list[float]:
    return [kw, clf or 0.0, 1.0 if clf is not None else 0.0, sim_best, sim_top, prior,
            semantic or 0.0, semantic_coded or 0.0, 1.0 if semantic is not None else 0.0]


def prior_of(count: int, max_count: int) -> float:
    return math.log1p(count) / math.log1p(max_count) if max_count else 0.0


class Combiner:
    def __init__(self, weights: dict | None = None, learned: bool = False, rows: int = 0):
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self._bias = self.weights.get("bias", 0.0)
        self._w = [self.weights.get(name, 0.0) for name in FEATURES]
        self.learned = learned
        self.rows = rows

    def logit(self, x: list[float]) -> float:
        z = self._bias
        for w, v in zip(self._w, x):
            z += w * v
        return z

    def score(self, x: list[float]) -> float:
        z = self.logit(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def score_many(self, rows: list[list[float]], factors=None) -> list[float]:
        """:meth:`score` of many feature rows at once (times each row's factor)."""
        import numpy as np

        z = np.asarray(rows, dtype=float) @ np.asarray(self._w) + self._bias
        out = np.where(z > -30, 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30))), 0.0)
        if factors is not None:
            out = out * np.asarray(factors, dtype=float)
        return out.tolist()

    def contributions(self, x: list[float]) -> dict[str, float]:
        return {name: self.weights.get(name, 0.0) * v for name, v in zip(FEATURES, x)}

    def to_info(self) -> dict:
        return {"weights": self.weights, "learned": self.learned, "rows": self.rows}

    @classmethod
    def from_info(cls, info: dict | None) -> "Combiner":
        if not info:
            return cls()
        return cls(info.get("weights"), bool(info.get("learned")), int(info.get("rows", 0)))

    @classmethod
    def fit(cls, X: list[list[float]], y: list[int], l2: float = L2, iterations: int = 25) -> "Combiner":
        """Logistic regression by Newton's method (IRLS) with an L2 penalty (not on the bias)."""
        import numpy as np

        A = np.hstack([np.ones((len(X), 1)), np.asarray(X, dtype=float)])
        t = np.asarray(y, dtype=float)
        reg = np.full(A.shape[1], l2)
        reg[0] = 1e-4

        def loss(w):
            z = A @ w
            return float(np.sum(np.logaddexp(0.0, z) - t * z) + 0.5 * np.sum(reg * w * w))

        w = np.zeros(A.shape[1])
        w[0] = math.log((t.mean() + 1e-6) / (1 - t.mean() + 1e-6))
        current = loss(w)
        for _ in range(iterations):
            p = 1.0 / (1.0 + np.exp(-np.clip(A @ w, -30, 30)))
            grad = A.T @ (p - t) + reg * w
            hess = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg)
            step = np.linalg.solve(hess + 1e-6 * np.eye(A.shape[1]), grad)
            scale = 1.0
            while scale > 1e-4 and loss(w - scale * step) > current:
                scale /= 2  # damped Newton: never increase the penalised loss
            if scale <= 1e-4:
                break
            w = w - scale * step
            previous, current = current, loss(w)
            if previous - current < 1e-8 * max(1.0, abs(previous)):
                break
        weights = {"bias": float(w[0])}
        weights.update({name: float(v) for name, v in zip(FEATURES, w[1:])})
        return cls(weights, learned=True, rows=len(X))
