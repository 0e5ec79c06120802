"""Fuzzy matching of codes (names, English labels, keywords, definitions) with rapidfuzz."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils


@dataclass(frozen=True)
class CodeMatch:
    uuid: str
    score: float
    field: str  # which field matched best: name, label, keyword, definition, path


def _fields(tree, code) -> list[tuple[str, str, float]]:
    """(field, text, weight): names count most, definitions least."""
    out = [("name", code.name, 1.0), ("path", tree.path(code.uuid), 0.9)]
    if code.label:
        out.append(("label", code.label, 0.95))
    out.extend(("keyword", k, 0.85) for k in code.keywords)
    if code.definition:
        out.append(("definition", code.definition, 0.6))
    return out


class CodeMatcher:
    """Ranks the codes of a codebook tree against what the user types; best match first."""

    def __init__(self, tree):
        self.tree = tree
        self.entries: list[tuple[str, str, str, float]] = []  # (uuid, field, processed text, weight)
        for code in tree:
            for field, text, weight in _fields(tree, code):
                self.entries.append((code.uuid, field, utils.default_process(text), weight))
        self._choices = [e[2] for e in self.entries]

    def match(self, query: str, limit: int = 50) -> list[CodeMatch]:
        q = utils.default_process(query or "")
        if not q:
            return [CodeMatch(c.uuid, 0.0, "name") for c in self.tree][:limit]
        best: dict[str, CodeMatch] = {}
        hits = process.extract(q, self._choices, scorer=_score, processor=None, limit=None, score_cutoff=45)
        for _, score, idx in hits:
            uuid, field, text, weight = self.entries[idx]
            if text.startswith(q):
                score = min(100.0, score + 10)
            s = score * weight
            if uuid not in best or s > best[uuid].score:
                best[uuid] = CodeMatch(uuid, s, field)
        ranked = sorted(best.values(), key=lambda m: (-m.score, self.tree.path(m.uuid).casefold()))
        return ranked[:limit]


def _score(query: str, choice: str, *, score_cutoff: float | None = None, **_) -> float:
    """Whole-word and prefix matches rank above scattered letters; long texts are not favoured."""
    if not choice:
        return 0.0
    if len(choice) > 3 * len(query) + 20:  # definitions: look for the words, not the whole text
        return fuzz.partial_ratio(query, choice) * 0.9 if len(query) >= 4 else 0.0
    return max(fuzz.WRatio(query, choice), fuzz.partial_ratio(query, choice) * 0.95 if len(query) >= 3 else 0)


def filter_codes(tree, query: str) -> list[str]:
    """The codes the codebook filter keeps, best first: those whose name, English label or a
    keyword contains what was typed (accents and case ignored); if none does, the fuzzy
    matches close to the best one (a typo), never a scattered-letter match far below it."""
    q = utils.default_process(query or "")
    if not q:
        return [c.uuid for c in tree]
    words = q.split()
    exact = []
    for code in tree:
        texts = [utils.default_process(t) for t in (code.name, code.label, *code.keywords) if t]
        if any(all(w in t for w in words) for t in texts):
            exact.append(code.uuid)
    if exact:
        return exact
    ranked = CodeMatcher(tree).match(query, limit=len(tree) or 1)
    if not ranked:
        return []
    floor = max(65.0, ranked[0].score - 10)
    return [m.uuid for m in ranked if m.score >= floor]
