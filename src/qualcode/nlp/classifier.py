"""Signal 2: a multi-label linear classifier trained on the project's own human codings.

The model is a ridge regression per code (one-vs-rest, all codes solved at once) over TF-IDF
features of the passage's *keys* (lemma, lower-cased, lightly stemmed; see ``pipeline.doc_keys``) and
of adjacent key pairs, so "lasten", "last" and "Lasten" are one feature however the pipeline was
set up. It is solved in the dual: with n passages, one n × n Gram matrix and one positive-definite
solve give every code's weights, and the same Gram matrix gives the out-of-group scores that
calibrate the score weights (:func:`cross_predict`) at no extra training. Its output, clipped to
[0, 1], is a score, not a probability: the combiner (combine.py) calibrates it.

Why not spaCy's ``textcat_multilabel`` (TextCatBOW), which this replaced: it trained by minibatches
of 16 with dense Adam over a hashed table, 7-8x slower than scikit-learn's TF-IDF + one-vs-rest
logistic regression, and (measured on the demo, BENCHMARKS.md) worse than this model. A joint
logistic regression by L-BFGS was tried too and dropped on time alone: its optimiser spent seconds on
the millions of weights. spaCy still tokenises and lemmatises; only the learning moved.

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
L2 = 1.0  # the ridge penalty (rows are unit vectors, so the Gram matrix has ones on its diagonal)
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


def solve_dual(K, Y, l2: float = L2):
    """Dual ridge coefficients: (K + l2 I)^-1 (Y - mean), with K the Gram matrix of the rows."""
    import numpy as np
    from scipy.linalg import cho_factor, cho_solve

    mean = Y.mean(axis=0)
    with one_blas_thread():
        factor = cho_factor(K + l2 * np.eye(K.shape[0]), check_finite=False)
        return cho_solve(factor, Y - mean, check_finite=False), mean


def one_blas_thread():
    """BLAS on one thread: on a shared two-core machine a threaded Cholesky was 4x slower (measured),
    and the TUI's own thread needs the other core."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency; without it BLAS keeps its default
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(1, user_api="blas")


def _design(examples, min_df: int | None = None):
    """Vocabulary, IDF and the TF-IDF matrix of (keys, codes) examples."""
    import numpy as np

    feats = [features(keys) for keys, _ in examples]
    df = Counter(f for fs in feats for f in set(fs))
    min_df = min_df or (2 if len(examples) > MIN_DF_ABOVE else 1)
    terms = sorted(t for t, c in df.items() if c >= min_df)
    vocab = {t: i for i, t in enumerate(terms)}
    n = len(examples)
    idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])
    return vocab, idf, _matrix(feats, vocab, idf)


def _targets(examples, labels):
    import numpy as np

    index = {lab: j for j, lab in enumerate(labels)}
    Y = np.zeros((len(examples), len(labels)))
    for i, (_, codes) in enumerate(examples):
        for c in codes:
            if c in index:
                Y[i, index[c]] = 1.0
    return Y


def cross_predict(examples, groups: list[int], extra_keys=(), extra_groups=(), min_examples: int = MIN_EXAMPLES,
                  full: bool = False):
    """Out-of-group scores for calibration: for each group, a model trained on the other groups'
    examples scores that group's examples (and the extra passages of that group). One Gram matrix
    serves every group, so this costs about one training. Returns two lists of {code: score}
    (a code is left out where the training part had fewer than ``min_examples`` of it), and with
    ``full`` a third item: the :class:`Classifier` trained on every example (from the same matrix)."""
    import numpy as np

    keep = [i for i, (keys, _) in enumerate(examples) if keys]
    out = [{} for _ in examples]
    extra_out = [{} for _ in extra_keys]
    counts = Counter(code for i in keep for code in examples[i][1])
    labels = sorted(c for c, n in counts.items() if n >= min_examples)
    if not keep or not labels:
        return (out, extra_out, None) if full else (out, extra_out)
    t0 = time.perf_counter()
    ex = [examples[i] for i in keep]
    vocab, idf, X = _design(ex)
    Y = _targets(ex, labels)
    K = (X @ X.T).toarray()
    E = _matrix([features(k) for k in extra_keys], vocab, idf) if len(extra_keys) else None
    KE = (E @ X.T).toarray() if E is not None else None
    g = np.array([groups[i] for i in keep])
    eg = np.array(list(extra_groups))
    for grp in sorted(set(g.tolist())):
        tr, te = np.nonzero(g != grp)[0], np.nonzero(g == grp)[0]
        if not len(tr):
            continue
        present = Y[tr].sum(axis=0) >= min_examples
        if not present.any():
            continue
        A, mean = solve_dual(K[np.ix_(tr, tr)], Y[tr])
        names = [lab for lab, ok in zip(labels, present) if ok]
        P = np.clip(K[np.ix_(te, tr)] @ A + mean, 0.0, 1.0)[:, present]
        for row, i in zip(P, te):
            out[keep[i]] = dict(zip(names, row.tolist()))
        if KE is not None:
            ee = np.nonzero(eg == grp)[0]
            if len(ee):
                PE = np.clip(KE[np.ix_(ee, tr)] @ A + mean, 0.0, 1.0)[:, present]
                for row, i in zip(PE, ee):
                    extra_out[i] = dict(zip(names, row.tolist()))
    if not full:
        return out, extra_out
    A, mean = solve_dual(K, Y)
    W = np.asarray(X.T @ A)
    model = Classifier(vocab, idf, W.astype(np.float32), mean, labels, {lab: counts[lab] for lab in labels},
                       time.perf_counter() - t0)
    return out, extra_out, model


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
        vocab, idf, X = _design(examples)
        Y = _targets(examples, labels)
        A, mean = solve_dual((X @ X.T).toarray(), Y)
        W = np.asarray(X.T @ A)
        return cls(vocab, idf, W.astype(np.float32), mean, labels, {lab: counts[lab] for lab in labels},
                   time.perf_counter() - t0)

    # -- use -------------------------------------------------------------------------------------
    def predict_matrix(self, keys_list: list[list[str]]):
        import numpy as np

        if not keys_list:
            return np.zeros((0, len(self.labels)))
        Z = _matrix([features(k) for k in keys_list], self.vocab, self.idf) @ self.weights + self.bias
        return np.clip(Z, 0.0, 1.0)

    def predict(self, keys_list: list[list[str]]) -> list[dict[str, float]]:
        P = self.predict_matrix(keys_list)
        return [dict(zip(self.labels, row.tolist())) for row in P]

    # -- storage -----------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        import numpy as np

        buf = io.BytesIO()
        terms = sorted(self.vocab, key=self.vocab.get)
        np.savez(buf, terms=np.array("\n".join(terms)), idf=self.idf, weights=self.weights,
                            bias=self.bias)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, lang: str, data: bytes, info: dict) -> "Classifier":
        import numpy as np

        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            terms = str(z["terms"]).split("\n") if z["terms"].size and str(z["terms"]) else []
            return cls({t: i for i, t in enumerate(terms)}, z["idf"], z["weights"], z["bias"],
                       list(info["labels"]), dict(info.get("counts", {})), float(info.get("train_seconds", 0.0)))
