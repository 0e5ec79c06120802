"""What a coder is shown: the one display rule shared by the TUI panel, ``qualcode suggest`` and
``qualcode suggest --evaluate`` (so what is measured is what is seen).

- **Back-channel turns get nothing**: "Ja.", "Graag gedaan.", "Okay, thank you." — a passage whose
  words are all back-channel words and fillers (a short list, nl and en), or a single word.
- **Evidence, not frequency**: a code is only shown with evidence in the passage itself (a keyword,
  a classifier probability of at least ``MIN_CLASSIFIER``, a resemblance of at least
  ``MIN_SIMILARITY``, a closeness in meaning of at least ``MIN_SEMANTIC``); a code that is merely often used is never shown on that alone.
- **Top ``TOP`` by score at or above ``MIN_SCORE``**, and a floor: when nothing reaches it, the best
  candidate is still shown when it scores at least ``FLOOR`` — a substantive turn is rarely left
  empty, and a weak suggestion says so by its score.
"""

from __future__ import annotations

import re

TOP = 3
MIN_SCORE = 0.05
FLOOR = 0.02
MIN_WORDS = 2
MIN_CLASSIFIER = 0.1
MIN_SIMILARITY = 0.1
MIN_SEMANTIC = 0.5  # relative closeness in meaning (1 = the closest code; see semantic.py)

BACK_CHANNEL = {
    # nl
    "ja", "jaja", "jawel", "nee", "neen", "oké", "ok", "okay", "oke", "goed", "prima", "precies", "klopt",
    "zeker", "inderdaad", "dank", "bedankt", "graag", "gedaan", "je", "u", "wel", "hoor", "nou", "ach", "tja",
    "o", "oh", "ah", "natuurlijk", "echt", "waar", "dus", "even", "dat", "is", "het", "en", "de", "een",
    "mooi", "fijn", "super", "top", "leuk", "alsjeblieft", "alstublieft", "ik", "snap", "begrijp",
    # en
    "yes", "yeah", "yep", "no", "nope", "sure", "right", "alright", "all", "thanks", "thank", "you", "great",
    "good", "fine", "exactly", "indeed", "of", "course", "so", "well", "i", "see", "it", "that", "true",
    "very", "much", "cool", "nice", "please", "mhm", "uhu", "uh-huh", "mm-hm", "and", "the", "a", "okay.",
    # fillers
    "eh", "ehm", "uh", "uhm", "hm", "hmm", "mm", "um", "erm",
}
_WORD = re.compile(r"[\w'’-]+", re.U)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def is_back_channel(text: str) -> bool:
    """True for turns with nothing to code: very short, or only back-channel words and fillers."""
    found = words(text)
    return len(found) < MIN_WORDS or all(w in BACK_CHANNEL for w in found)


def has_evidence(scored) -> bool:
    """Evidence in the passage itself (see the module docstring); ``scored`` is a signals.Scored."""
    if scored.kw is not None and scored.kw.score > 0:
        return True
    if scored.clf is not None and scored.clf >= MIN_CLASSIFIER:
        return True
    if scored.sim is not None and scored.sim.best >= MIN_SIMILARITY:
        return True
    semantic = getattr(scored, "semantic", None) or 0.0
    return max(semantic, getattr(scored, "semantic_coded", 0.0) or 0.0) >= MIN_SEMANTIC


def shown(scored: list, text: str, exclude=(), top: int = TOP, min_score: float = MIN_SCORE,
          floor: float | None = FLOOR) -> list:
    """The ranked candidates a coder sees for a passage (``scored`` best first)."""
    if is_back_channel(text):
        return []
    exclude = set(exclude or ())
    pool = [s for s in scored if s.code not in exclude and s.score > 0 and has_evidence(s)]
    picks = [s for s in pool if s.score >= min_score][:top]
    if not picks and floor is not None and pool and pool[0].score >= min(floor, min_score):
        picks = pool[:1]
    return picks
