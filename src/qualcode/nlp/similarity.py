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
        codes = list(self.by_code)
        if not n or not codes:
            return [{} for _ in keys_list]
        best = np.zeros((n, len(codes)))
        best_ref = np.zeros((n, len(codes)), dtype=np.int64)
        top_mean = np.zeros((n, len(codes)))
        counts = np.zeros((n, len(codes)), dtype=np.int64)
        rows = np.arange(n)
        for j, code in enumerate(codes):
            cols = self.by_code[code]
            sub = cos[:, cols]
            at = sub.argmax(axis=1)
            best[:, j] = sub[rows, at]
            best_ref[:, j] = cols[at]
            k = min(TOP_K, sub.shape[1])
            top = -np.partition(-sub, k - 1, axis=1)[:, :k] if k < sub.shape[1] else sub
            top_mean[:, j] = top.sum(axis=1) / TOP_K
            counts[:, j] = ((sub >= RESEMBLES) & self.coded[cols]).sum(axis=1)
        out: list[dict[str, SimilarityHit]] = []
        for r in range(n):
            picks = np.nonzero(best[r] >= MIN_HIT)[0]
            if limit is not None and len(picks) > limit:
                picks = picks[np.argpartition(-best[r, picks], limit - 1)[:limit]]
            hits = {}
            for j in picks.tolist():
                code, ref = codes[j], int(best_ref[r, j])
                who: tuple = ()
                if counts[r, j]:
                    cols = self.by_code[code]
                    near = cols[(cos[r, cols] >= RESEMBLES) & self.coded[cols]]
                    who = tuple(sorted({c for i in near.tolist() for c in self.coders[i]}))
                hits[code] = SimilarityHit(code=code, best=min(1.0, float(best[r, j])),
                                           top_mean=min(1.0, float(top_mean[r, j])), resembling=int(counts[r, j]),
                                           example=self.kinds[ref] == "example", kind=self.kinds[ref], coders=who)
            out.append(hits)
        return out
