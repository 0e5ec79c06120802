"""Signal 3: similarity to each code's example quotes and to the passages already coded with it.

A blank pipeline has no word vectors, so similarity is TF-IDF cosine over the passages' keys
(lemma, lower-cased, lightly stemmed). We chose this over rapidfuzz's token-set ratio because
token-set ratio is a character-level score dominated by the short, frequent words of spoken
language ("eh", "ja", "dat", "is") and by length differences, and it treats "lasten" and "last"
as different words; TF-IDF gives the rare, topical words their weight (inverse document frequency
over the reference passages), works on lemmas, and scores thousands of references per passage
in milliseconds through an inverted index.

For each code the index reports the best cosine, the mean of its three best cosines (so a code
that resembles several coded passages beats one lucky match) and how many coded passages
resemble the passage (cosine ≥ ``RESEMBLES``), which feeds the reason
"resembles 14 passages you coded".
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass

RESEMBLES = 0.2
MIN_HIT = 0.05  # a best cosine below this is no evidence (and not worth a candidate)
TOP_K = 3


@dataclass
class SimilarityHit:
    code: str
    best: float
    top_mean: float
    resembling: int  # coded passages with cosine >= RESEMBLES
    example: bool  # the best match is one of the code's example quotes
    kind: str = "coded"  # what the best match is: "coded", "example" or "codebook" (the description)
    coders: tuple = ()  # who coded the resembling passages


def _tf_idf_rows(keys_list, vocab: dict, idf):
    """A CSR matrix of l2-normalised, sublinear TF-IDF rows over ``vocab`` (unknown terms dropped)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    indptr, indices, data = [0], [], []
    for keys in keys_list:
        tf = Counter(k for k in keys if k in vocab)
        cols = [vocab[t] for t in tf]
        vals = np.array([1.0 + math.log(c) for c in tf.values()]) * idf[cols] if cols else np.zeros(0)
        norm = math.sqrt(float(vals @ vals)) or 1.0
        indices.extend(cols)
        data.extend((vals / norm).tolist())
        indptr.append(len(indices))
    return csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64), np.array(indptr)),
                      shape=(len(keys_list), len(vocab)))


class SimilarityIndex:
    """TF-IDF vectors of reference passages, each labelled with one or more codes (a sparse matrix:
    one product scores a whole batch of passages against every reference)."""

    def __init__(self, refs: list[tuple]):
        """``refs``: (keys, codes, kind[, coders]) with kind "coded", "example" or "codebook"."""
        import numpy as np

        self.codes = [set(r[1]) for r in refs]
        self.kinds = [r[2] for r in refs]
        self.coders = [tuple(sorted(r[3])) if len(r) > 3 and r[3] else () for r in refs]
        n = len(refs)
        df: Counter = Counter()
        for r in refs:
            df.update(set(r[0]))
        self.vocab = {t: i for i, t in enumerate(df)}
        self.idf = np.array([math.log((1 + n) / (1 + d)) + 1.0 for d in df.values()])
        self.matrix_t = _tf_idf_rows([r[0] for r in refs], self.vocab, self.idf).T.tocsr()
        by_code: dict[str, list[int]] = defaultdict(list)
        for i, codes in enumerate(self.codes):
            for c in codes:
                by_code[c].append(i)
        self.by_code = {c: np.array(ix) for c, ix in by_code.items()}
        self.coded = np.array([k == "coded" for k in self.kinds], dtype=bool)
        self.code_list = sorted(self.by_code)
        self.pair_ref = np.concatenate([self.by_code[c] for c in self.code_list]) if self.code_list \
            else np.zeros(0, dtype=np.int64)
        self.sizes = np.array([len(self.by_code[c]) for c in self.code_list], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)[:-1]]).astype(np.int64) if self.code_list \
            else np.zeros(0, dtype=np.int64)
        self.pair_code = np.repeat(np.arange(len(self.code_list)), self.sizes).astype(np.float64)
        self.pair_coded = self.coded[self.pair_ref] if len(self.pair_ref) else np.zeros(0, dtype=bool)

    def __len__(self) -> int:
        return len(self.codes)

    def cosines_many(self, keys_list):
        """A dense (passages × references) array of cosines."""
        import numpy as np

        if not keys_list or not len(self.codes):
            return np.zeros((len(keys_list), len(self.codes)))
        return (_tf_idf_rows(keys_list, self.vocab, self.idf) @ self.matrix_t).toarray()

    def cosines(self, keys: list[str]) -> dict[int, float]:
        row = self.cosines_many([keys])[0]
        return {int(i): float(row[i]) for i in row.nonzero()[0]}

    def match(self, keys: list[str]) -> dict[str, SimilarityHit]:
        return self.match_many([keys])[0]

    def match_many(self, keys_list, limit: int | None = None) -> list[dict[str, SimilarityHit]]:
        """Per passage, the codes whose references it resembles (best cosine at least ``MIN_HIT``);
        with ``limit``, only the ``limit`` codes it resembles most."""
        import numpy as np

        cos = self.cosines_many(keys_list)
        n = len(keys_list)
        codes = self.code_list
        if not n or not codes:
            return [{} for _ in keys_list]
        # every (reference, code) pair as a column, grouped by code: one sort per batch gives each code's
        # best, second and third cosine (the key sorts by code, then by cosine, descending)
        pairs = cos[:, self.pair_ref]
        order = np.argsort(self.pair_code * 4.0 - pairs, axis=1, kind="stable")
        ranked = np.take_along_axis(pairs, order, axis=1)
        starts, sizes = self.starts, self.sizes
        best = ranked[:, starts]
        best_ref = self.pair_ref[order[:, starts]]
        top_sum = best.copy()
        for k in range(1, TOP_K):
            has = sizes > k
            top_sum[:, has] += ranked[:, starts[has] + k]
        top_mean = top_sum / TOP_K
        counts = np.add.reduceat(((pairs >= RESEMBLES) & self.pair_coded).astype(np.int64), starts, axis=1)
        out: list[dict[str, SimilarityHit]] = []
        near_all = (pairs >= RESEMBLES) & self.pair_coded
        kinds, coders, pair_ref = self.kinds, self.coders, self.pair_ref
        starts_l, sizes_l = starts.tolist(), sizes.tolist()
        for r in range(n):
            row = best[r]
            picks = np.nonzero(row >= MIN_HIT)[0]
            if limit is not None and len(picks) > limit:
                picks = picks[np.argpartition(-row[picks], limit - 1)[:limit]]
            picks = picks.tolist()
            b, t, c, refs = row.tolist(), top_mean[r].tolist(), counts[r].tolist(), best_ref[r].tolist()
            near = np.nonzero(near_all[r])[0].tolist() if any(c[j] for j in picks) else []
            hits = {}
            for j in picks:
                code, ref = codes[j], refs[j]
                who: tuple = ()
                if c[j]:
                    lo, hi = bisect_left(near, starts_l[j]), bisect_left(near, starts_l[j] + sizes_l[j])
                    who = tuple(sorted({name for q in near[lo:hi] for name in coders[int(pair_ref[q])]}))
                hits[code] = SimilarityHit(code, min(1.0, b[j]), min(1.0, t[j]), c[j], kinds[ref] == "example",
                                           kinds[ref], who)
            out.append(hits)
        return out
