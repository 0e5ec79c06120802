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
TOP_K = 3


@dataclass
class SimilarityHit:
    code: str
    best: float
    top_mean: float
    resembling: int  # coded passages with cosine >= RESEMBLES
    example: bool  # the best match is one of the code's example quotes


class SimilarityIndex:
    """TF-IDF vectors of reference passages, each labelled with one or more codes."""

    def __init__(self, refs: list[tuple[list[str], set[str], str]]):
        """``refs``: (keys, codes, kind) with kind "coded" or "example"."""
        self.codes = [set(codes) for _, codes, _ in refs]
        self.kinds = [kind for _, _, kind in refs]
        n = len(refs)
        df: Counter = Counter()
        for keys, _, _ in refs:
            df.update(set(keys))
        self.idf = {term: math.log((1 + n) / (1 + d)) + 1.0 for term, d in df.items()}
        self.default_idf = math.log(1 + n) + 1.0
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, (keys, _, _) in enumerate(refs):
            for term, w in self._vector(keys).items():
                self.postings[term].append((i, w))

    def __len__(self) -> int:
        return len(self.codes)

    def _vector(self, keys: list[str]) -> dict[str, float]:
        tf = Counter(keys)
        vec = {t: (1.0 + math.log(c)) * self.idf.get(t, self.default_idf) for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def cosines(self, keys: list[str]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for term, w in self._vector(keys).items():
            for i, rw in self.postings.get(term, ()):
                scores[i] += w * rw
        return scores

    def match(self, keys: list[str]) -> dict[str, SimilarityHit]:
        per_code: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for i, cos in self.cosines(keys).items():
            for code in self.codes[i]:
                per_code[code].append((cos, i))
        hits = {}
        for code, pairs in per_code.items():
            pairs.sort(reverse=True)
            top = [c for c, _ in pairs[:TOP_K]]
            hits[code] = SimilarityHit(
                code=code,
                best=min(1.0, pairs[0][0]),
                top_mean=min(1.0, sum(top) / TOP_K),
                resembling=sum(1 for c, i in pairs if c >= RESEMBLES and self.kinds[i] == "coded"),
                example=self.kinds[pairs[0][1]] == "example",
            )
        return hits
