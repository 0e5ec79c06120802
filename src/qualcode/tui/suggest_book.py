"""The session's record of suggestions: what the coder was shown (logged once with ``log_shown``),
which are still undecided, and which were rejected here. No Textual.

A suggestion shown for a selection inside a turn reuses the turn's log row for the same code, so
that accepting it on the selection is logged as "changed" (coded, on another span) rather than
as a second suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


def default_nlp_factory(model: str | None = None):
    """``project -> Suggester``: the spaCy pipeline (``model``, else the project's setting, else a
    blank pipeline with lookup lemmas) and the stored suggestion model (qualcode.nlp)."""

    def factory(project):
        from qualcode.nlp import Suggester, load_pipeline, resolve_model

        nlp = load_pipeline(project.language, resolve_model(project, model))
        return Suggester.load(project, model=model, nlp=nlp)

    return factory


@dataclass(frozen=True)
class Shown:
    """A suggestion in the panel: as logged (its span is where it was suggested), its log row,
    and the score and reason for the passage it is shown for."""

    suggestion: object  # qualcode.nlp.Suggestion
    log_id: int | None
    score: float
    reason: str

    @property
    def code(self) -> str:
        return self.suggestion.code

    @property
    def start(self) -> int:
        return self.suggestion.start

    @property
    def end(self) -> int:
        return self.suggestion.end


class SuggestionBook:
    def __init__(self) -> None:
        self.undecided: dict[tuple[str, str], list[tuple[int, int, int]]] = {}  # (doc, code) -> (s, e, log id)
        self.rejected: set[tuple[str, str, int, int]] = set()  # (doc, code, start, end)

    def show(self, project, coder: str, tree, key: tuple, items: list) -> list[Shown]:
        """Log the suggestions about to be shown for passage ``key`` = (doc, start, end) — each
        once — and return them as :class:`Shown`."""
        from qualcode.nlp import Suggestion, log_shown

        doc, s, e = key
        out: list = []
        fresh: list[tuple[int, Suggestion]] = []
        for it in items:
            sug = Suggestion(doc, s, e, it.code, tree.path(it.code) if it.code in tree else "",
                             float(it.score), it.reason or "")
            logged = self.find(doc, it.code, s, e)
            if logged is not None:
                a, b, log_id = logged
                out.append(Shown(replace(sug, start=a, end=b), log_id, sug.score, sug.reason))
            else:
                fresh.append((len(out), sug))
                out.append(None)
        if fresh:
            ids = log_shown(project, [sug for _, sug in fresh], coder)
            for (i, sug), log_id in zip(fresh, ids):
                out[i] = Shown(sug, log_id, sug.score, sug.reason)
                self.undecided.setdefault((doc, sug.code), []).append((s, e, log_id))
        return out

    def find(self, doc: str, code: str, s: int, e: int):
        """A logged, undecided suggestion of ``code`` for exactly this span, else for the
        smallest span that holds it (the turn around a selection)."""
        spans = self.undecided.get((doc, code), [])
        exact = [x for x in spans if x[0] == s and x[1] == e]
        inside = sorted((x for x in spans if x[0] <= s and e <= x[1]), key=lambda x: x[1] - x[0])
        return (exact or inside or [None])[0]

    def forget(self, item: Shown) -> None:
        """The item was decided: it is no longer open."""
        key = (item.suggestion.document, item.code)
        self.undecided[key] = [x for x in self.undecided.get(key, []) if x[2] != item.log_id]

    def reject(self, item: Shown, passage: tuple[int, int] | None = None) -> None:
        self.forget(item)
        doc = item.suggestion.document
        self.rejected.add((doc, item.code, item.start, item.end))
        if passage:
            self.rejected.add((doc, item.code, *passage))

    def rejected_codes(self, doc: str, s: int, e: int) -> set[str]:
        """Codes rejected for this passage or for a span around it."""
        return {code for d, code, a, b in self.rejected if d == doc and a <= s and e <= b}

    def is_rejected(self, doc: str, code: str, s: int, e: int) -> bool:
        return (doc, code, s, e) in self.rejected
