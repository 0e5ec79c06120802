"""The spaCy pipeline behind suggestions, and the normalised word keys every signal works on.

By default: ``spacy.blank(lang)`` + the lookup lemmatizer of ``spacy-lookups-data`` + a
sentencizer, all offline. When the user names an installed model (``--model nl_core_news_md`` or
the project setting ``model``), that model is loaded instead; a model that is not installed is a
clear error. Nothing is ever downloaded.

spaCy is imported inside the functions, so importing this module is cheap.

Every signal compares *keys*: the token's lemma, lower-cased, then lightly stemmed (:func:`stem`),
because the lookup lemmatizer leaves many Dutch plurals alone ("lasten", "leraren"). The key is also
written to ``token.norm_`` so a ``PhraseMatcher(attr="NORM")`` matches on it.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from qualcode.errors import ProjectError

LANGUAGES = ("nl", "en")
_LOCK = threading.Lock()
_VOWELS = set("aeiouyè")
_FILLERS = {"eh", "ehm", "uh", "uhm", "hm", "hmm", "mm", "um", "erm"}


def resolve_model(project=None, model: str | None = None) -> str | None:
    """The model the user asked for: explicit, else the project's setting ``model``, else None."""
    if model:
        return model
    if project is not None:
        return (project.settings() or {}).get("model") or None
    return None


def load_pipeline(language: str = "nl", model: str | None = None):
    """A ready spaCy pipeline (cached per process). Safe to call from a worker thread.

    ``model`` names an installed spaCy package or a path; ``None`` gives the blank pipeline.
    """
    if language not in LANGUAGES and not model:
        raise ProjectError(f"suggestions support the languages {', '.join(LANGUAGES)}, not '{language}'.")
    with _LOCK:
        return _load(language, model or None)


@lru_cache(maxsize=4)
def _load(language: str, model: str | None):
    import spacy

    if model:
        try:
            nlp = spacy.load(model)
        except OSError:
            raise ProjectError(
                f"the spaCy model '{model}' is not installed; install it with pip "
                f"(for example 'python -m pip install {model}') or leave out --model / the project's "
                "'model' setting to use the built-in pipeline. Nothing is downloaded automatically."
            ) from None
        if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
            nlp.add_pipe("sentencizer")
        return nlp
    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("sentencizer")
    try:
        nlp.initialize()
    except (OSError, ValueError) as exc:  # lookup tables missing: spacy-lookups-data not installed
        raise ProjectError(
            f"cannot set up the '{language}' lemmatizer ({exc}); install the package spacy-lookups-data."
        ) from None
    return nlp


def pipeline_name(nlp) -> str:
    meta = nlp.meta or {}
    if meta.get("name") and meta.get("name") != "pipeline":
        return f"{meta.get('lang')}_{meta['name']}"
    return f"blank:{nlp.lang}+lookup-lemmatizer"


# -- keys ----------------------------------------------------------------------------------------
def stem(word: str, lang: str = "nl") -> str:
    """A light, deterministic stemmer applied after the lemmatizer (Dutch rules after Snowball's).

    nl: lasten→last, leraren/leraar→lerar, administratieve/administratief→administratief,
    vrijstellingen→vrijstelling, invallers→invaller, huizen→huis, toetsen/toets→toets. en: plural -s only.
    """
    w = word.lower()
    if lang == "en":
        if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        return w
    if lang != "nl" or len(w) < 4 or not w.isalpha():
        return w
    if w.endswith("heden"):
        return w[:-5] + "heid"
    changed = False
    if w.endswith("en") and len(w) >= 5 and w[-3] not in _VOWELS and not w.endswith("gemen"):
        w, changed = w[:-2], True
    elif w.endswith("s") and len(w) >= 5 and w[-3:-1] in ("er", "el", "em", "en", "je", "ie"):
        w = w[:-1]  # the -s plural follows an unstressed ending: invallers, tafels, meisjes
    elif w.endswith("e") and len(w) >= 5 and w[-2] not in _VOWELS:
        w, changed = w[:-1], True
    if changed:
        if len(w) >= 2 and w[-1] == w[-2] and w[-1] in "kdtpbfgmnlrs":
            w = w[:-1]
        if w.endswith("v"):
            w = w[:-1] + "f"
        elif w.endswith("z"):
            w = w[:-1] + "s"
    # undouble a vowel before a final consonant: leraar → lerar, taak → tak (so taken → tak too)
    if len(w) >= 4 and w[-1] not in _VOWELS and w[-1] != "i" and w[-2] == w[-3] and w[-2] in "aeou" \
            and w[-4] not in _VOWELS:
        w = w[:-2] + w[-1]
    return w


_WORDLIKE = re.compile(r"\w", re.U)


def token_key(token, lang: str) -> str | None:
    """The key of one token, or None for punctuation, white space and filler sounds."""
    if token.is_punct or token.is_space or not _WORDLIKE.search(token.text):
        return None
    lower = token.lower_
    if lower in _FILLERS:
        return None
    lemma = (token.lemma_ or lower).lower()
    return stem(lemma, lang)


_KEY_CACHE: dict[tuple, str | None] = {}


def _key_of(strings, lower: int, lemma: int, punct: int, space: int, lang: str) -> str | None:
    """:func:`token_key` from a token's attribute hashes, cached (a text has few distinct words)."""
    k = (lang, lower, lemma, punct, space)
    if k in _KEY_CACHE:
        return _KEY_CACHE[k]
    text = strings[lower]
    key = None
    if not punct and not space and _WORDLIKE.search(text) and text not in _FILLERS:
        key = stem((strings[lemma] if lemma else text).lower() or text, lang)
    if len(_KEY_CACHE) > 500_000:
        _KEY_CACHE.clear()
    _KEY_CACHE[k] = key
    return key


def analyse(nlp, texts, batch_size: int = 64, sentences: bool = True):
    """Docs for the texts, with each token's key written to ``token.norm_`` and kept with the doc
    (``doc.user_data["qc_keys"]``: token character offsets and keys) for :func:`doc_keys`.
    Works on attribute arrays rather than Token objects: most of the time is spaCy's own.
    ``sentences=False`` skips the sentence splitter (keys and keyword matches do not need it)."""
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LOWER, NORM

    lang = nlp.lang
    with _LOCK:
        skip = [] if sentences else [n for n in ("sentencizer", "senter", "parser") if nlp.has_pipe(n)]
        if skip:
            with nlp.select_pipes(disable=skip):
                docs = list(nlp.pipe(texts, batch_size=batch_size))
        else:
            docs = list(nlp.pipe(texts, batch_size=batch_size))
    strings = nlp.vocab.strings
    for doc in docs:
        if not len(doc):
            doc.user_data["qc_keys"] = ([], [])
            continue
        arr = doc.to_array([LOWER, LEMMA, IS_PUNCT, IS_SPACE, IDX, NORM])
        keys = [_key_of(strings, lo, le, p, sp, lang) for lo, le, p, sp in arr[:, :4].tolist()]
        norms = arr[:, 5].copy()
        for i, key in enumerate(keys):
            if key:
                norms[i] = strings.add(key)
        doc.from_array([NORM], norms.reshape(-1, 1).astype(np.uint64))
        doc.user_data["qc_keys"] = (arr[:, 4].tolist(), keys)
    return docs


def doc_keys(doc, start_char: int = 0, end_char: int | None = None) -> list[str]:
    """The keys of the tokens inside ``[start_char, end_char)`` of an analysed doc."""
    from bisect import bisect_left

    end_char = (1 << 62) if end_char is None else end_char  # doc.text would rebuild the text
    cached = doc.user_data.get("qc_keys")
    if cached is not None:
        idx, keys = cached
        lo, hi = bisect_left(idx, start_char), bisect_left(idx, end_char)
        return [k for k in keys[lo:hi] if k]
    lang = doc.lang_
    out = []
    for token in doc:
        if token.idx < start_char:
            continue
        if token.idx >= end_char:
            break
        key = token_key(token, lang)
        if key:
            out.append(key)
    return out


def text_keys(nlp, texts) -> list[list[str]]:
    return [doc_keys(d) for d in analyse(nlp, texts)]
