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

from qualcode.nlp import display
from qualcode.nlp.classifier import MIN_EXAMPLES, Classifier
from qualcode.nlp.combine import Combiner
from qualcode.nlp.data import Passage, coded_passages, fingerprint, human_codings, respondent_turns
from qualcode.nlp.keywords import KeywordMatcher
from qualcode.nlp.pipeline import analyse, load_pipeline, pipeline_name, resolve_model
from qualcode.nlp.signals import Models, Scored, prepare, score_passages
from qualcode.nlp.training import build_index, build_semantic, code_counts, example_refs, fit_models

MODEL_NAME = "suggester"
FORMAT = 2  # 2: the linear classifier (numpy archive) replaced spaCy textcat
CALIBRATION_TURNS = 400  # coded respondent turns the score weights are calibrated on, besides coded spans
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
        self.embedder = None  # semantic.Embedder when the semantic signal is on
        self.described: dict | None = None  # code -> description vectors
        self._vecs: dict[str, object] = {}  # text -> sentence embedding (from the project or computed)

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, project, model: str | None = None, nlp=None, semantic: bool = True) -> "Suggester":
        """Pipeline, keyword matcher, stored classifier (when current), similarity index and, when its
        package is installed (and ``semantic``), the embedding model with the codes' description vectors
        (computed here the first time: a few seconds; then read from the project)."""
        nlp = nlp or load_pipeline(project.language, resolve_model(project, model))
        tree = project.codebook.tree()
        matcher = KeywordMatcher(nlp, tree)
        examples = example_refs(nlp, tree)
        suggester = cls(nlp, tree, matcher, Models(None, None, {}, Combiner()), examples)
        if semantic:
            from qualcode.nlp import semantic as sem

            suggester.embedder = sem.embedder()
            if suggester.embedder is not None:
                suggester.described = sem.description_vectors(project, tree, suggester.embedder) or None
        stored = project.models.load(MODEL_NAME)
        if stored:
            data, info = stored
            if info.get("format") == FORMAT and info.get("language") == nlp.lang \
                    and info.get("pipeline") == pipeline_name(nlp):
                labels = [lab for lab in info.get("labels", []) if lab in tree]
                classifier = Classifier.from_bytes(nlp.lang, data, info) if data and labels == info["labels"] else None
                suggester.models = Models(classifier, None, {}, Combiner.from_info(info.get("combiner")))
                if info.get("semantic") != (suggester.embedder.name if suggester.embedder else None):
                    info = dict(info, fingerprint=None)  # weights learned with(out) meaning: retrain when asked
                suggester.info = info
        suggester.refresh(project)
        return suggester

    def refresh(self, project) -> None:
        """Re-read the human codings into the similarity index and code counts (no retraining)."""
        passages = self._passages(project)
        self._attach(project, passages)
        models = self.models
        self.models = Models(models.classifier, build_index(passages, self.examples), code_counts(passages),
                             models.combiner, build_semantic(passages, self.described))

    # -- the semantic signal -------------------------------------------------------------------------
    @property
    def semantic_status(self) -> str:
        from qualcode.nlp import semantic as sem

        return sem.status()

    def _attach(self, project, passages, compute: bool = False, progress=None) -> None:
        """Fill each passage's ``vec`` from memory, else from the project (``compute``: embed the rest)."""
        if self.embedder is None:
            return
        todo = [p.text for p in passages if p.text not in self._vecs]
        if todo and project is not None:
            from qualcode.nlp import semantic as sem

            self._vecs.update(sem.vectors(project, todo, self.embedder, compute, progress))
        for p in passages:
            p.vec = self._vecs.get(p.text)

    def embed_pending(self, project, doc_uuids=None, progress=None, refresh: bool = True) -> int:
        """Compute and store the embeddings still missing: respondent turns (of ``doc_uuids``, default
        every document) and coded passages; then refresh. Slow (tens of seconds per 10,000 words on two
        cores): run it in the background. Returns how many texts have a vector."""
        if self.embedder is None:
            return 0
        from qualcode.nlp.data import interviewer_cases

        interviewers = interviewer_cases(project)
        docs = doc_uuids if doc_uuids is not None else [d.uuid for d in project.documents.list()]
        items = []
        for d in docs:
            doc = project.documents.get(d)
            items += [Passage(d, t.start, t.end, doc.text[t.start:t.end])
                      for t in respondent_turns(project, d, interviewers)
                      if not display.is_back_channel(doc.text[t.start:t.end])]
        items += coded_passages(project)
        self._attach(project, items, compute=True, progress=progress)
        if refresh:
            self.refresh(project)
        return sum(1 for p in items if p.vec is not None)

    def _passages(self, project, codings=None) -> list[Passage]:
        passages = coded_passages(project, codings=codings)
        return self._prepared(passages)

    def _prepared(self, passages: list[Passage]) -> list[Passage]:
        """Give each passage its analysis keys, from the cache or analysed once (then cached)."""
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

    def train(self, project, recalibrate: bool = True, progress=None, embed: bool = False) -> dict:
        """Train on the current human codings and store the model in the project.

        With ``recalibrate=False`` the learned score weights are kept (only the classifier and the
        index are renewed) unless the coded passages grew by a quarter since they were learned:
        the weights are stable, and calibrating costs three extra classifier trainings.
        ``progress(step, done, total)`` is called as the steps go by (for a progress bar).
        ``embed``: compute missing embeddings of the coded passages first (else those stored are used).
        """
        step = progress or (lambda what, done, total: None)
        with self._lock:
            step("reading and analysing the coded passages", 0, 4)
            codings = human_codings(project)
            tree = project.codebook.tree()
            passages = self._passages(project, codings)
            keep = self.models.combiner
            calibrated_on = int(self.info.get("calibrated_passages", 0))
            reuse = not recalibrate and keep.learned and len(passages) <= 1.25 * calibrated_on
            step("analysing coded turns for calibration", 1, 4)
            turns = [] if reuse else self._calibration_turns(project, codings)
            self._attach(project, passages + turns, compute=embed)
            step("training the classifier and calibrating the score weights", 2, 4)
            models, report = fit_models(self.nlp.lang, passages, self.examples, combiner=keep if reuse else None,
                                        turns=turns, described=self.described)
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
                "semantic": self.embedder.name if self.embedder is not None else None,
            }
            step("storing the model in the project", 3, 4)
            project.models.save(MODEL_NAME, models.classifier.to_bytes() if models.classifier else b"", info)
            self.models, self.info = models, info
            step("done", 4, 4)
            return dict(report, labels=info["labels"], counts=code_counts(passages), codings=len(codings),
                        weights=models.combiner.weights, trained_at=info["trained_at"])

    def _calibration_turns(self, project, codings) -> list[Passage]:
        """Coded respondent turns (at most ``CALIBRATION_TURNS``, spread evenly), each with the codes on
        any part of it: the score weights are calibrated on whole turns as well as on coded spans."""
        from qualcode.nlp.data import interviewer_cases

        by_doc: dict[str, list] = {}
        for c in codings:
            by_doc.setdefault(c.document, []).append(c)
        interviewers = interviewer_cases(project)
        turns = []
        for doc_uuid in sorted(by_doc):
            doc = project.documents.get(doc_uuid)
            for t in respondent_turns(project, doc_uuid, interviewers):
                gold = {c.code for c in by_doc[doc_uuid] if c.start < t.end and c.end > t.start and c.code in self.tree}
                if gold and not display.is_back_channel(doc.text[t.start:t.end]):
                    turns.append(Passage(doc_uuid, t.start, t.end, doc.text[t.start:t.end], gold))
        step = max(1, -(-len(turns) // CALIBRATION_TURNS))
        turns = turns[::step]
        return self._prepared(turns)

    # -- suggesting ----------------------------------------------------------------------------------
    def suggest(self, text: str, start: int = 0, end: int | None = None, doc_uuid: str | None = None,
                exclude_codes=(), top: int = display.TOP, min_score: float | None = None,
                floor: float | None = None) -> list[Suggestion]:
        """Suggestions for ``text[start:end]`` (``text`` is the whole document's text), as shown to a
        coder: the display rule of :mod:`qualcode.nlp.display` (nothing for back-channel turns, only
        codes with evidence in the passage, the best one even below ``min_score`` down to ``floor``).
        ``min_score`` None: the default threshold with the default floor; a number: that threshold and
        no floor unless ``floor`` is given too."""
        end = len(text) if end is None else end
        return self.suggest_many([(text, start, end, doc_uuid, exclude_codes)], top, min_score, floor)[0]

    def suggest_many(self, items, top: int = display.TOP, min_score: float | None = None,
                     floor: float | None = None) -> list[list[Suggestion]]:
        if min_score is None:
            min_score, floor = display.MIN_SCORE, display.FLOOR if floor is None else floor
        passages = [Passage(doc, s, e, text[s:e]) for text, s, e, doc, _ in items]
        todo = [p for p in passages if not display.is_back_channel(p.text)]  # they get nothing: not analysed
        prepare(self.nlp, self.matcher, todo)
        self._attach(None, todo)  # only vectors already at hand: suggesting never waits for the model
        ranked = dict(zip(map(id, todo), self.rank(todo)))
        out = []
        for (_, _, _, _, exclude), p in zip(items, passages):
            picks = display.shown(ranked[id(p)], p.text, exclude, top, min_score, floor) if id(p) in ranked else []
            out.append([self._suggestion(p, s) for s in picks])
        return out

    def rank(self, passages) -> list[list[Scored]]:
        """Every code with evidence, best first, for prepared passages (see signals.prepare)."""
        return score_passages(self.models, passages)

    def suggest_document(self, project, doc_ref: str, unit: str = "turn", top: int = display.TOP,
                         min_score: float | None = None, floor: float | None = None) -> list[Suggestion]:
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
        self._attach(project, [Passage(doc.uuid, s, e, doc.text[s:e]) for s, e in spans])  # stored vectors
        return [sug for group in self.suggest_many(items, top, min_score, floor) for sug in group]

    def _suggestion(self, p: Passage, s: Scored) -> Suggestion:
        signals = {"keyword": round(s.kw.score, 4) if s.kw else 0.0,
                   "classifier": None if s.clf is None else round(s.clf, 4),
                   "similarity": round(s.sim.best, 4) if s.sim else 0.0}
        return Suggestion(p.document, p.start, p.end, s.code, self.tree.path(s.code), float(s.score),
                          self.reason(s), signals)

    def reason(self, s: Scored) -> str:
        """Why a code is suggested, strongest evidence first: keywords, the classifier, whose coded
        passages it resembles, the codebook's own text; what lowered it. Never frequency alone."""
        contrib = self.models.combiner.contributions(s.x)
        parts: list[tuple[float, str]] = []
        if s.kw and s.kw.terms:
            label = "keyword" if len(s.kw.terms) == 1 else "keywords"
            parts.append((contrib["keyword"], f"{label}: {', '.join(s.kw.terms[:3])}"))
        if s.clf is not None and s.clf >= display.MIN_CLASSIFIER:
            n = self.models.counts.get(s.code, 0)
            parts.append((contrib["classifier"], f"classifier {s.clf:.2f} (learned from {n} codings)"))
        if s.sim and s.sim.resembling:
            n = s.sim.resembling
            parts.append((contrib["similarity_best"] + contrib["similarity_top"],
                          f"resembles {n} passage{'s' if n != 1 else ''} {_coded_by(s.sim.coders)}"))
        elif s.sim and s.sim.kind == "example" and s.sim.best >= display.MIN_SIMILARITY:
            parts.append((contrib["similarity_best"], "resembles the code's example quote"))
        elif s.sim and s.sim.kind == "codebook" and s.sim.best >= display.MIN_SIMILARITY and not (s.kw and s.kw.terms):
            parts.append((contrib["similarity_best"], "matches the code's description in the codebook"))
        elif s.sim and s.sim.kind == "coded" and s.sim.best >= display.MIN_SIMILARITY:
            parts.append((contrib["similarity_best"], f"some resemblance to coded passages ({s.sim.best:.2f})"))
        semantic = getattr(s, "semantic", None)
        if semantic is not None and semantic >= display.MIN_SIMILARITY:
            parts.append((contrib.get("semantic", 0.0), "close in meaning to the code's description"))
        parts.sort(key=lambda t: -t[0])
        text = [t for _, t in parts] or ["weak evidence"]
        if s.kw and s.kw.excluded_terms:
            text.append(f"lowered: exclusion term {', '.join(s.kw.excluded_terms[:2])}")
        if s.kw and s.kw.redirected_to:
            names = ", ".join(self.tree.by_uuid[c].name for c in s.kw.redirected_to[:2])
            text.append(f"lowered: exclusion criterion points to {names}")
        return "; ".join(text)


def _coded_by(coders) -> str:
    coders = list(coders or ())
    if not coders:
        return "coded before"
    if len(coders) == 1:
        return f"{coders[0]} coded"
    if len(coders) <= 3:
        return f"{', '.join(coders[:-1])} and {coders[-1]} coded"
    return f"{len(coders)} coders coded"


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
