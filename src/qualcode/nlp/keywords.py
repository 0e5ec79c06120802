"""Signal 1: codebook keywords and phrases, matched on lemmas, and inclusion/exclusion criteria.

Each code's *terms* are its keywords plus any term quoted in its inclusion criterion
("…", “…”, '…', ‘…’, «…») or listed after ``terms:`` / ``termen:`` at its end.
A term matches a passage when its tokens match on any of three attributes (``PhraseMatcher``):

- ``LEMMA`` — the lookup lemmatizer's lemma ("werkdrukken" ~ "werkdruk");
- ``LOWER`` — the lower-cased word, a fallback where the lemmatizer has no entry;
- ``NORM``  — our key, the lemma lightly stemmed (see ``pipeline.stem``), so Dutch plurals the
  lookup tables miss still match: "administratieve lasten" ~ keyword "administratieve last".

Score: every distinct matched term adds a weight — 1 for a word, +0.5 per extra word of a phrase —
divided by the number of codes that share the term; the keyword score is ``1 - exp(-sum)``
(one word ≈ 0.63, two words or a two-word phrase ≈ 0.78–0.86).

Exclusion criteria lower a code, they never remove it:

- a term quoted in (or listed after ``terms:`` in) the exclusion criterion that occurs in the
  passage multiplies the code's final score by ``EXCLUDED_TERM_FACTOR`` (0.5);
- an exclusion criterion that names other codes ("… use Leraren ontlasten") multiplies the final
  score by ``REDIRECT_FACTOR`` (0.75) when one of those codes (or its sub-codes) also has a keyword
  in the passage: the codebook itself says that code is the better fit there.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from qualcode.domain.codebook import normalise_name
from qualcode.nlp.pipeline import analyse

EXCLUDED_TERM_FACTOR = 0.5
REDIRECT_FACTOR = 0.75
_QUOTED = re.compile(r"[\"“”«]([^\"“”«»\n]{2,60})[\"“”»]|(?<!\w)['‘]([^'‘’\n]{2,60})['’](?!\w)")
_TERMS = re.compile(r"(?:terms|termen|woorden|words|keywords|trefwoorden)\s*:\s*(.+)$", re.I | re.S)


def criterion_terms(text: str) -> list[str]:
    """Terms written into a criterion: quoted ones, and a trailing ``terms: a, b; c`` list."""
    if not text:
        return []
    terms = [a or b for a, b in _QUOTED.findall(text)]
    m = _TERMS.search(text)
    if m:
        terms.extend(t for t in re.split(r"[,;\n]", m.group(1)))
    out, seen = [], set()
    for t in terms:
        t = t.strip().strip(".").strip()
        if t and t.casefold() not in seen:
            seen.add(t.casefold())
            out.append(t)
    return out


def referenced_codes(tree, code) -> list[str]:
    """Codes named in a code's exclusion criterion (longest names first, no overlaps)."""
    text = normalise_name(code.exclusion or "")
    if not text:
        return []
    names = sorted(((normalise_name(c.name), c.uuid) for c in tree if c.uuid != code.uuid),
                   key=lambda x: -len(x[0]))
    found = []
    for name, uuid in names:
        if len(name) < 3:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        if pattern.search(text):
            found.append(uuid)
            text = pattern.sub(" ", text)
    return found


def clean_redirects(tree, redirects: dict[str, list[str]]) -> dict[str, list[str]]:
    """Drop redirects that cannot be meant: to a code's own ancestors or sub-codes (a theme's name is
    often in its codes' criteria), and in circles (two codes whose exclusions name each other)."""
    out = {}
    for code, targets in redirects.items():
        family = {a.uuid for a in tree.ancestors(code)} | {d.uuid for d in tree.descendants(code)}
        keep = [t for t in targets if t not in family and code not in redirects.get(t, ())]
        if keep:
            out[code] = keep
    return out


@dataclass
class KeywordHit:
    code: str
    score: float = 0.0
    terms: list[str] = field(default_factory=list)
    excluded_terms: list[str] = field(default_factory=list)
    redirected_to: list[str] = field(default_factory=list)

    @property
    def factor(self) -> float:
        f = EXCLUDED_TERM_FACTOR if self.excluded_terms else 1.0
        return f * (REDIRECT_FACTOR if self.redirected_to else 1.0)


class KeywordMatcher:
    """Matches the codebook's terms in analysed docs (see :func:`pipeline.analyse`)."""

    def __init__(self, nlp, tree):
        from spacy.matcher import PhraseMatcher

        self.tree = tree
        self.nlp = nlp
        self.matchers = [PhraseMatcher(nlp.vocab, attr=a) for a in ("LEMMA", "LOWER", "NORM")]
        self._meaning: dict[int, tuple[str, str, str]] = {}  # match id -> (kind, code, term)
        self.weights: dict[tuple[str, str], float] = {}  # (code, term) -> weight
        entries: list[tuple[str, str, str]] = []
        for code in tree:
            for term in list(code.keywords) + criterion_terms(code.inclusion):
                entries.append(("include", code.uuid, term))
            for term in criterion_terms(code.exclusion):
                entries.append(("exclude", code.uuid, term))
        entries = [(k, c, t.strip()) for k, c, t in entries if t and t.strip()]
        docs = analyse(nlp, [t for _, _, t in entries]) if entries else []
        sharing: dict[str, set[str]] = {}
        sizes: dict[tuple[str, str], int] = {}
        for (kind, code, term), doc in zip(entries, docs):
            if not len(doc):
                continue
            key = f"{kind}|{code}|{term}"
            match_id = nlp.vocab.strings.add(key)
            self._meaning[match_id] = (kind, code, term)
            for matcher in self.matchers:
                matcher.add(key, [doc])
            if kind == "include":
                norm = " ".join(t.norm_ for t in doc)
                sharing.setdefault(norm, set()).add(code)
                sizes[(code, term)] = (len(doc), norm)
        for (code, term), (n_tokens, norm) in sizes.items():
            self.weights[(code, term)] = (1.0 + 0.5 * (n_tokens - 1)) / len(sharing[norm])
        self.redirects = clean_redirects(tree, {c.uuid: referenced_codes(tree, c) for c in tree if c.exclusion})

    def __len__(self) -> int:
        return len(self._meaning)

    def match(self, doc, start_char: int = 0, end_char: int | None = None) -> dict[str, KeywordHit]:
        """Keyword evidence per code for the part ``[start_char, end_char)`` of an analysed doc."""
        end_char = (1 << 62) if end_char is None else end_char  # doc.text would rebuild the text
        found: dict[str, set[str]] = {}
        excluded: dict[str, set[str]] = {}
        for matcher in self.matchers:
            for match_id, s, e in matcher(doc):
                span = doc[s:e]
                if span.start_char < start_char or span.end_char > end_char:
                    continue
                kind, code, term = self._meaning[match_id]
                (found if kind == "include" else excluded).setdefault(code, set()).add(term)
        hits: dict[str, KeywordHit] = {}
        for code, terms in found.items():
            total = sum(self.weights[(code, t)] for t in terms)
            ordered = sorted(terms, key=lambda t: (-self.weights[(code, t)], t))
            hits[code] = KeywordHit(code, 1.0 - math.exp(-total), ordered)
        for code, terms in excluded.items():
            hits.setdefault(code, KeywordHit(code)).excluded_terms = sorted(terms)
        for code, targets in self.redirects.items():
            if code not in hits or not hits[code].score:
                continue
            hit_codes = [t for t in targets if self._has_keyword(hits, t)]
            hits[code].redirected_to = hit_codes
        return hits

    def _has_keyword(self, hits: dict[str, KeywordHit], code: str) -> bool:
        if hits.get(code) and hits[code].score > 0:
            return True
        return any(hits.get(d.uuid) and hits[d.uuid].score > 0 for d in self.tree.descendants(code))
