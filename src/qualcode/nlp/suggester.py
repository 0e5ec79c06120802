"""The suggester: ranked code suggestions for passages, learning from the coder.

Contract for the TUI (all of it safe to run in a Textual thread worker; nothing here imports
Textual, and a Suggester keeps no database connection — pass the worker's own Project):

    from qualcode.nlp import Suggester, load_pipeline

    nlp = load_pipeline(project.language, model)       # slow (~1 s blank, more for a model): worker
    sug = Suggester.load(project, model=model, nlp=nlp)  # reads codebook, codings, stored model
    sug.suggest(doc.text, turn.start, turn.end, doc.uuid, exclude_codes={...}, top=3, min_score=0.2)
        -> list[Suggestion]  (code, path, document, start, end, score in [0, 1], reason, signals)
    sug.suggest_many([(text, start, end, doc_uuid, exclude_codes), ...])  -> list[list[Suggestion]]
    sug.suggest_document(project, doc_uuid, unit="turn")  -> respondent turns, codes already on the
        span left out
    sug.refresh(project)              # cheap: re-read codings into the similarity index and counts
    sug.is_stale(project) / sug.retrain_if_stale(project)  # retrain (seconds) and store the model;
        returns a report dict, or None when the stored model is still current
    ids = log_shown(project, suggestions, coder)            # log what the coder saw
    log_decision(project, ids[i], "accepted" | "changed" | "rejected", coding_uuid)
    coding = accept(project, suggestion, suggestion_id, coder)  # add the coding (origin
        "suggestion") and log the acceptance in one call

Scores are calibrated estimates that a coder would put the code on the passage (see combine.py).
Only codings with origin "human" are learned from, so accepted suggestions never teach the model.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from qualcode.nlp.classifier import MIN_EXAMPLES, Classifier
from qualcode.nlp.combine import Combiner
from qualcode.nlp.data import Passage, coded_passages, fingerprint, human_codings, respondent_turns
from qualcode.nlp.keywords import KeywordMatcher
from qualcode.nlp.pipeline import analyse, load_pipeline, pipeline_name, resolve_model
from qualcode.nlp.signals import Models, Scored, prepare, score_passages
from qualcode.nlp.training import build_index, code_counts, example_refs, fit_models

MODEL_NAME = "suggester"
FORMAT = 1
RETRAIN_AFTER = 5  # new (or removed) human codings (or 5 %) before the stored model counts as stale


@dataclass(frozen=True)
class Suggestion:
    document: str | None
    start: int
    end: int
    code: str
    path: str
    score: float
    reason: str
    signals: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        return {"document": self.document, "start": self.start, "end": self.end, "code": self.code,
                "path": self.path, "score": round(self.score, 4), "reason": self.reason, "signals": self.signals}


class Suggester:
    def __init__(self, nlp, tree, matcher: KeywordMatcher, models: Models, examples, info: dict | None = None):
        self.nlp = nlp
        self.tree = tree
        self.matcher = matcher
        self.models = models
        self.examples = examples
        self.info = info or {}
        self._keys: dict[tuple, tuple] = {}  # passage -> (keys, keyword hits), analysed once
        self._lock = threading.Lock()

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, project, model: str | None = None, nlp=None) -> "Suggester":
        """Pipeline, keyword matcher, stored classifier (when current) and similarity index."""
        nlp = nlp or load_pipeline(project.language, resolve_model(project, model))
        tree = project.codebook.tree()
        matcher = KeywordMatcher(nlp, tree)
        examples = example_refs(nlp, tree)
        suggester = cls(nlp, tree, matcher, Models(None, None, {}, Combiner()), examples)
        stored = project.models.load(MODEL_NAME)
        if stored:
            data, info = stored
            if info.get("format") == FORMAT and info.get("language") == nlp.lang \
                    and info.get("pipeline") == pipeline_name(nlp):
                labels = [lab for lab in info.get("labels", []) if lab in tree]
                classifier = Classifier.from_bytes(nlp.lang, data, info) if data and labels == info["labels"] else None
                suggester.models = Models(classifier, None, {}, Combiner.from_info(info.get("combiner")))
                suggester.info = info
        suggester.refresh(project)
        return suggester

    def refresh(self, project) -> None:
        """Re-read the human codings into the similarity index and code counts (no retraining)."""
        passages = self._passages(project)
        models = self.models
        self.models = Models(models.classifier, build_index(passages, self.examples), code_counts(passages),
                             models.combiner)

    def _passages(self, project, codings=None) -> list[Passage]:
        passages = coded_passages(project, codings=codings)
        todo = []
        for p in passages:
            cached = self._keys.get((p.document, p.start, p.end, p.text))
            if cached is None:
                todo.append(p)
            else:
                p.keys, p.kw = cached
        prepare(self.nlp, self.matcher, todo)
        for p in todo:
            self._keys[(p.document, p.start, p.end, p.text)] = (p.keys, p.kw)
        return passages

    # -- training ----------------------------------------------------------------------------------
    def is_stale(self, project) -> bool:
        codings = human_codings(project)
        now = fingerprint(codings, project.codebook.tree())
        then = self.info.get("fingerprint")
        if not then:
            counts = code_counts(coded_passages(project, codings=codings))
            return any(n >= MIN_EXAMPLES for n in counts.values())
        enough = max(RETRAIN_AFTER, int(0.05 * then["codings"]))
        return abs(now["codings"] - then["codings"]) >= enough or now["codes"] != then["codes"]

    def retrain_if_stale(self, project, force: bool = False) -> dict | None:
        """Retrain on the current human codings when the stored model is stale; store it."""
        if not force and not self.is_stale(project):
            return None
        return self.train(project, recalibrate=False)

    def train(self, project, recalibrate: bool = True) -> dict:
        """Train on the current human codings and store the model in the project.

        With ``recalibrate=False`` the learned score weights are kept (only the classifier and the
        index are renewed) unless the coded passages grew by a quarter since they were learned:
        the weights are stable, and calibrating costs three extra classifier trainings.
        """
        with self._lock:
            codings = human_codings(project)
            tree = project.codebook.tree()
            passages = self._passages(project, codings)
            keep = self.models.combiner
            calibrated_on = int(self.info.get("calibrated_passages", 0))
            reuse = not recalibrate and keep.learned and len(passages) <= 1.25 * calibrated_on
            models, report = fit_models(self.nlp.lang, passages, self.examples, combiner=keep if reuse else None)
            if reuse:
                report["calibrated"] = "kept"
            info = {
                "format": FORMAT, "language": self.nlp.lang, "pipeline": pipeline_name(self.nlp),
                "labels": models.classifier.labels if models.classifier else [],
                "counts": models.classifier.counts if models.classifier else {},
                "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "codings": len(codings), "fingerprint": fingerprint(codings, tree),
                "combiner": models.combiner.to_info(), "train_seconds": report["seconds"], "report": report,
                "calibrated_passages": calibrated_on if reuse else (len(passages) if models.combiner.learned else 0),
            }
            project.models.save(MODEL_NAME, models.classifier.to_bytes() if models.classifier else b"", info)
            self.models, self.info = models, info
            return dict(report, labels=info["labels"], counts=code_counts(passages), codings=len(codings),
                        weights=models.combiner.weights, trained_at=info["trained_at"])

    # -- suggesting ----------------------------------------------------------------------------------
    def suggest(self, text: str, start: int = 0, end: int | None = None, doc_uuid: str | None = None,
                exclude_codes=(), top: int = 3, min_score: float = 0.0) -> list[Suggestion]:
        """Suggestions for ``text[start:end]`` (``text`` is the whole document's text)."""
        end = len(text) if end is None else end
        return self.suggest_many([(text, start, end, doc_uuid, exclude_codes)], top, min_score)[0]

    def suggest_many(self, items, top: int = 3, min_score: float = 0.0) -> list[list[Suggestion]]:
        passages = [Passage(doc, s, e, text[s:e]) for text, s, e, doc, _ in items]
        prepare(self.nlp, self.matcher, passages)
        ranked = self.rank(passages)
        out = []
        for (_, _, _, _, exclude), p, scored in zip(items, passages, ranked):
            exclude = set(exclude or ())
            picks = [s for s in scored if s.code not in exclude and s.score >= min_score and s.score > 0][:top]
            out.append([self._suggestion(p, s) for s in picks])
        return out

    def rank(self, passages) -> list[list[Scored]]:
        """Every code with evidence, best first, for prepared passages (see signals.prepare)."""
        return score_passages(self.models, passages)

    def suggest_document(self, project, doc_ref: str, unit: str = "turn", top: int = 3,
                         min_score: float = 0.0) -> list[Suggestion]:
        """Suggestions per respondent turn (or sentence) of a document, skipping codes already there."""
        doc = project.documents.get(doc_ref)
        items = []
        codings = project.codings.list(document=doc.uuid)
        turns = respondent_turns(project, doc.uuid)
        if unit == "turn":
            spans = [(t.start, t.end) for t in turns]
        else:
            parsed = analyse(self.nlp, [doc.text[t.start:t.end] for t in turns])
            spans = [(t.start + s.start_char, t.start + s.end_char)
                     for t, d in zip(turns, parsed) for s in d.sents if s.text.strip()]
        for s, e in spans:
            on_span = {c.code for c in codings if c.start < e and c.end > s}
            items.append((doc.text, s, e, doc.uuid, on_span))
        return [sug for group in self.suggest_many(items, top, min_score) for sug in group]

    def _suggestion(self, p: Passage, s: Scored) -> Suggestion:
        signals = {"keyword": round(s.kw.score, 4) if s.kw else 0.0,
                   "classifier": None if s.clf is None else round(s.clf, 4),
                   "similarity": round(s.sim.best, 4) if s.sim else 0.0}
        return Suggestion(p.document, p.start, p.end, s.code, self.tree.path(s.code), float(s.score),
                          self.reason(s), signals)

    def reason(self, s: Scored) -> str:
        contrib = self.models.combiner.contributions(s.x)
        parts: list[tuple[float, str]] = []
        if s.kw and s.kw.terms:
            label = "keyword" if len(s.kw.terms) == 1 else "keywords"
            parts.append((contrib["keyword"], f"{label}: {', '.join(s.kw.terms[:3])}"))
        if s.clf is not None and s.clf >= 0.15:
            n = self.models.counts.get(s.code, 0)
            parts.append((contrib["classifier"], f"classifier {s.clf:.2f} (learned from {n} codings)"))
        if s.sim and s.sim.resembling:
            n = s.sim.resembling
            parts.append((contrib["similarity_best"] + contrib["similarity_top"],
                          f"resembles {n} passage{'s' if n != 1 else ''} you coded"))
        elif s.sim and s.sim.example and s.sim.best >= 0.15:
            parts.append((contrib["similarity_best"], "resembles the code's example quote"))
        parts.sort(key=lambda t: -t[0])
        text = [t for _, t in parts] or [f"often coded ({self.models.counts.get(s.code, 0)} codings)"]
        if s.kw and s.kw.excluded_terms:
            text.append(f"lowered: exclusion term {', '.join(s.kw.excluded_terms[:2])}")
        if s.kw and s.kw.redirected_to:
            names = ", ".join(self.tree.by_uuid[c].name for c in s.kw.redirected_to[:2])
            text.append(f"lowered: exclusion criterion points to {names}")
        return "; ".join(text)


# -- the suggestions log -----------------------------------------------------------------------------
def log_shown(project, suggestions: list[Suggestion], coder: str | None = None) -> list[int]:
    """Record suggestions shown to a coder; returns their log ids (for :func:`log_decision`)."""
    return project.suggestions.log([
        {"document": s.document, "start": s.start, "end": s.end, "code": s.code, "score": s.score,
         "reason": s.reason, "coder": coder} for s in suggestions
    ])


def log_decision(project, suggestion_id: int, decision: str, coding: str | None = None) -> None:
    """``decision``: accepted, changed (coded, but another span or code) or rejected."""
    project.suggestions.decide(suggestion_id, decision, coding)


def accept(project, suggestion: Suggestion, suggestion_id: int | None, coder: str):
    """Add the suggested coding (origin "suggestion") and log it as accepted."""
    coding = project.codings.add(suggestion.document, suggestion.code, coder, suggestion.start, suggestion.end,
                                origin="suggestion")
    if suggestion_id is not None:
        log_decision(project, suggestion_id, "accepted", coding.uuid)
    return coding
