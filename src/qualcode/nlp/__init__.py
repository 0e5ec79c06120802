"""Code suggestions with spaCy that learn from the coder (DESIGN.md §5).

Importing this package is cheap: spaCy and numpy are imported inside the functions that use them.
The contract for the TUI is at the top of :mod:`qualcode.nlp.suggester`; in short::

    nlp = load_pipeline(project.language, model)        # in a worker
    sug = Suggester.load(project, model, nlp=nlp)         # in a worker
    sug.suggest(text, start, end, doc_uuid, exclude_codes=..., top=3) -> list[Suggestion]
    sug.retrain_if_stale(project)                         # in a worker, with its own Project
    ids = log_shown(project, suggestions, coder); log_decision(project, ids[0], "accepted", coding)

Modules: pipeline (spaCy set-up and word keys), keywords (signal 1), classifier (signal 2),
similarity (signal 3), combine (one calibrated score), signals/training (scoring and learning),
suggester (the API), evaluate (``qualcode suggest --evaluate``).
"""

from qualcode.nlp.pipeline import load_pipeline, resolve_model
from qualcode.nlp.suggester import Suggester, Suggestion, accept, log_decision, log_shown

__all__ = ["Suggester", "Suggestion", "accept", "load_pipeline", "log_decision", "log_shown", "resolve_model"]
