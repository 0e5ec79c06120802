"""Signal 2: a ``textcat_multilabel`` model trained on the project's own human codings.

The classifier is spaCy's bag-of-words architecture (``spacy.TextCatBOW.v3``: a sparse linear
model over hashed uni- and bigrams, no vectors, no ensemble), so it trains in seconds on two
CPU cores. Its input is not the raw text but a ``Doc`` of the passage's *keys* (lemma, lower-cased,
lightly stemmed; see ``pipeline.doc_keys``), so "lasten", "last" and "Lasten" are one feature
however the pipeline was set up.

Only codes with at least ``min_examples`` coded passages become labels. Each training example is
one distinct coded span with every label set: 1 for the codes it carries, 0 for the rest.
The trained pipeline is serialised with ``nlp.to_bytes()`` and stored in the project
(``Project.save_model``) with its labels and training figures.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field

MIN_EXAMPLES = 5
HASH_LENGTH = 2**14
NGRAM_SIZE = 2
BATCH_SIZE = 16
LEARN_RATE = 0.01


def _config() -> dict:
    return {
        "threshold": 0.5,
        "model": {
            "@architectures": "spacy.TextCatBOW.v3",
            "exclusive_classes": False,
            "ngram_size": NGRAM_SIZE,
            "no_output_layer": False,
            "length": HASH_LENGTH,
        },
    }


def _blank(lang: str):
    """A bare pipeline for the classifier. Its input is built from keys, never tokenised, so the base
    ``Language`` (no language-specific tokenizer exceptions: 0.05 s instead of ~1 s) is enough; hashed
    word features do not depend on the language class. ``lang`` is kept for the record."""
    from spacy.language import Language

    nlp = Language()
    nlp.add_pipe("textcat_multilabel", config=_config())
    return nlp


def epochs_for(n_examples: int) -> int:
    """Fewer passes over larger data sets: the update count, not the epoch count, matters."""
    if n_examples <= 200:
        return 20
    if n_examples <= 1000:
        return 12
    return 8


@dataclass
class Classifier:
    nlp: object
    labels: list[str]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    # -- training ------------------------------------------------------------------------------
    @classmethod
    def train(cls, lang: str, examples: list[tuple[list[str], set[str]]], min_examples: int = MIN_EXAMPLES,
              epochs: int | None = None, seed: int = 0) -> "Classifier | None":
        """Train on (keys, codes) pairs; None when no code has ``min_examples`` examples."""
        from spacy.tokens import Doc
        from spacy.training import Example
        from spacy.util import fix_random_seed, minibatch
        from thinc.api import Adam

        t0 = time.perf_counter()
        counts = Counter(code for _, codes in examples for code in set(codes))
        labels = sorted(code for code, n in counts.items() if n >= min_examples)
        if not labels:
            return None
        fix_random_seed(seed)
        nlp = _blank(lang)
        textcat = nlp.get_pipe("textcat_multilabel")
        for label in labels:
            textcat.add_label(label)
        train = []
        for keys, codes in examples:
            if not keys:
                continue
            doc = Doc(nlp.vocab, words=list(keys))
            train.append(Example.from_dict(doc, {"cats": {lab: float(lab in codes) for lab in labels}}))
        optimizer = nlp.initialize(lambda: train[:50], sgd=Adam(LEARN_RATE))
        rng = random.Random(seed)
        n_epochs = epochs or epochs_for(len(train))
        for _ in range(n_epochs):
            rng.shuffle(train)
            for batch in minibatch(train, size=BATCH_SIZE):
                nlp.update(batch, sgd=optimizer, drop=0.0)
        return cls(nlp, labels, {lab: counts[lab] for lab in labels}, time.perf_counter() - t0)

    # -- use -------------------------------------------------------------------------------------
    def predict(self, keys_list: list[list[str]]) -> list[dict[str, float]]:
        from spacy.tokens import Doc

        textcat = self.nlp.get_pipe("textcat_multilabel")
        docs = [Doc(self.nlp.vocab, words=list(keys) or ["_"]) for keys in keys_list]
        out = []
        for doc in textcat.pipe(docs, batch_size=64):
            out.append({lab: float(doc.cats.get(lab, 0.0)) for lab in self.labels})
        return out

    # -- storage -----------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        return self.nlp.to_bytes(exclude=["vocab"])

    @classmethod
    def from_bytes(cls, lang: str, data: bytes, info: dict) -> "Classifier":
        nlp = _blank(lang)
        textcat = nlp.get_pipe("textcat_multilabel")
        for label in info["labels"]:
            textcat.add_label(label)
        nlp.from_bytes(data, exclude=["vocab"])
        return cls(nlp, list(info["labels"]), dict(info.get("counts", {})), float(info.get("train_seconds", 0.0)))
