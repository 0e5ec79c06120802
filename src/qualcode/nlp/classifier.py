"""Signal 2: a multi-label linear classifier trained on the project's own human codings.

The model is one logistic regression per code over TF-IDF features of the passage's *keys* (lemma,
lower-cased, lightly stemmed; see ``pipeline.doc_keys``) and of adjacent key pairs, so "lasten",
"last" and "Lasten" are one feature however the pipeline was set up. All codes are fitted at once:
one weight matrix, the summed L2-penalised log loss minimised with L-BFGS (scipy) over a sparse
feature matrix — a second or so for 2,000 codings on two cores.

Why not spaCy's ``textcat_multilabel`` (TextCatBOW), which this replaced: it trained by minibatches
of 16 with dense Adam updates over a hashed table, 7-8x slower than a TF-IDF logistic regression
and no better on held-out documents (BENCHMARKS.md, "Suggestions"). spaCy still tokenises and
lemmatises; only the learning moved.

Only codes with at least ``min_examples`` coded passages become labels. Each training example is
one distinct coded span with every label set: 1 for the codes it carries, 0 for the rest.
The vocabulary, IDF weights and weight matrix are stored in the project (``Project.save_model``)
as one compressed numpy archive, with the labels and training figures.
"""

from __future__ import annotations

import io
import math
import time
from collections import Counter
from dataclasses import dataclass, field

MIN_EXAMPLES = 5
L2 = 1.0  # the penalty per label, as in a logistic regression with C = 1
MAX_ITER = 200
MIN_DF_ABOVE = 1000  # with more training passages, features seen once are left out


def features(keys: list[str]) -> list[str]:
    """Keys and adjacent key pairs."""
    return list(keys) + [f"{a} {b}" for a, b in zip(keys, keys[1:])]


def _matrix(feature_lists, vocab: dict, idf):
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for feats in feature_lists:
        tf = Counter(f for f in feats if f in vocab)
        cols = [vocab[f] for f in tf]
        vals = (np.log(np.fromiter(tf.values(), dtype=np.float64, count=len(tf))) + 1.0) * idf[cols] \
            if cols else np.zeros(0)
        norm = math.sqrt(float(vals @ vals)) or 1.0
        indices.extend(cols)
        data.append(vals / norm)
        indptr.append(len(indices))
    values = np.concatenate(data) if data else np.zeros(0)
    return csr_matrix((values, np.array(indices, dtype=np.int64), np.array(indptr)),
                      shape=(len(feature_lists), len(vocab)))


def fit_logistic(X, Y, l2: float = L2, max_iter: int = MAX_ITER):
    """Weights (features × labels) and biases of independent logistic regressions, fitted jointly."""
    import numpy as np
    from scipy.optimize import minimize

    n, d = X.shape
    k = Y.shape[1]
    prior = np.clip(Y.mean(axis=0), 1e-4, 1 - 1e-4)
    w0 = np.zeros((d + 1) * k)
    w0[d * k:] = np.log(prior / (1 - prior))
    Xt = X.T.tocsr()

    def loss(w):
        W, b = w[: d * k].reshape(d, k), w[d * k:]
        Z = X @ W + b
        value = float(np.sum(np.logaddexp(0.0, Z) - Y * Z)) + 0.5 * l2 * float(np.sum(W * W))
        G = 1.0 / (1.0 + np.exp(-np.clip(Z, -35, 35))) - Y
        grad = np.concatenate([(Xt @ G + l2 * W).ravel(), G.sum(axis=0)])
        return value, grad

    res = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    return res.x[: d * k].reshape(d, k), res.x[d * k:]


@dataclass
class Classifier:
    vocab: dict
    idf: object  # numpy array
    weights: object  # numpy array, features × labels
    bias: object  # numpy array, labels
    labels: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    # -- training ------------------------------------------------------------------------------
    @classmethod
    def train(cls, lang: str, examples: list[tuple[list[str], set[str]]], min_examples: int = MIN_EXAMPLES,
              epochs: int | None = None, seed: int = 0) -> "Classifier | None":
        """Train on (keys, codes) pairs; None when no code has ``min_examples`` examples.

        ``lang``, ``epochs`` and ``seed`` are kept for callers of the former spaCy classifier; the fit
        is deterministic and runs to convergence."""
        import numpy as np

        t0 = time.perf_counter()
        counts = Counter(code for _, codes in examples for code in set(codes))
        labels = sorted(code for code, n in counts.items() if n >= min_examples)
        examples = [(keys, codes) for keys, codes in examples if keys]
        if not labels or not examples:
            return None
        feats = [features(keys) for keys, _ in examples]
        df = Counter(f for fs in feats for f in set(fs))
        min_df = 2 if len(examples) > MIN_DF_ABOVE else 1
        terms = sorted(t for t, c in df.items() if c >= min_df)
        vocab = {t: i for i, t in enumerate(terms)}
        n = len(examples)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])
        X = _matrix(feats, vocab, idf)
        index = {lab: j for j, lab in enumerate(labels)}
        Y = np.zeros((n, len(labels)))
        for i, (_, codes) in enumerate(examples):
            for c in codes:
                if c in index:
                    Y[i, index[c]] = 1.0
        W, b = fit_logistic(X, Y)
        return cls(vocab, idf, W.astype(np.float32), b, labels, {lab: counts[lab] for lab in labels},
                   time.perf_counter() - t0)

    # -- use -------------------------------------------------------------------------------------
    def predict_matrix(self, keys_list: list[list[str]]):
        import numpy as np

        if not keys_list:
            return np.zeros((0, len(self.labels)))
        Z = _matrix([features(k) for k in keys_list], self.vocab, self.idf) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(Z, -35, 35)))

    def predict(self, keys_list: list[list[str]]) -> list[dict[str, float]]:
        P = self.predict_matrix(keys_list)
        return [dict(zip(self.labels, row.tolist())) for row in P]

    # -- storage -----------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        import numpy as np

        buf = io.BytesIO()
        terms = sorted(self.vocab, key=self.vocab.get)
        np.savez_compressed(buf, terms=np.array("\n".join(terms)), idf=self.idf, weights=self.weights,
                            bias=self.bias)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, lang: str, data: bytes, info: dict) -> "Classifier":
        import numpy as np

        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            terms = str(z["terms"]).split("\n") if z["terms"].size and str(z["terms"]) else []
            return cls({t: i for i, t in enumerate(terms)}, z["idf"], z["weights"], z["bias"],
                       list(info["labels"]), dict(info.get("counts", {})), float(info.get("train_seconds", 0.0)))
