"""Code suggestions in the workspace (issue 4): load the suggester, show ranked codes for the
passage under the cursor, mark suggested turns in the transcript, accept or reject, learn.

The suggester (``make_app(nlp_factory=...)``; by default
:func:`qualcode.tui.suggest_book.default_nlp_factory`, i.e.
``qualcode.nlp``'s ``load_pipeline`` + ``Suggester.load``) is built in a thread worker on a
connection of its own, and every call to it runs in a worker too: ``suggest`` for the passage
(the selection, else the turn; debounced while the cursor moves), ``suggest_document`` for the
gutter marks, ``refresh`` after each coding, ``retrain_if_stale`` after every
:data:`RETRAIN_EVERY` human codings (and on ``T`` / the palette).

Honest bookkeeping: every suggestion that reaches the panel is logged once (``log_shown``; a
selection inside a turn reuses the turn's log row for the same code), and every decision is
logged: ``a`` accepts (``accept``: origin "suggestion"; "changed" when the coder selected another
span first), ``x`` rejects. Nothing is coded without a key press.
"""

from __future__ import annotations

import threading

from textual import work

from qualcode.errors import QualcodeError
from qualcode.tui.suggest_book import Shown, SuggestionBook
from qualcode.tui.suggestions_panel import SuggestionsPanel
from qualcode.tui.wording import plural
from qualcode.tui.workspace import close_reader, open_project, retry_locked

TOP = 3  # suggestions in the panel (= qualcode.nlp.display.TOP; not imported here: it would load the nlp package
# at start-up). Suggester.suggest applies the display rule shared with `qualcode suggest` and --evaluate.
PANEL_MIN = 0.0  # that rule already applies the threshold and the floor
MARK_MIN = 0.3  # gutter marks: turns with a suggestion at least this likely
RETRAIN_EVERY = 10  # human codings (added or removed) in this session before retrain_if_stale runs
DEBOUNCE = 0.15  # seconds the cursor rests before suggestions are asked for


class SuggestActions:
    def init_suggestions(self) -> None:
        self.suggester = None
        self._sug_lock = threading.Lock()  # one call into the suggester at a time (training aside)
        self.book = SuggestionBook()  # what was shown, logged and decided in this session
        self._since_train = 0
        self._sug_timer = None
        self._shown_key = None
        self._training = False
        self._train_again = False
        self._refresh_after_train = False
        self._sug_state = "off"

    @property
    def suggestions(self) -> SuggestionsPanel:
        return self._widgets["suggestions"]

    def start_suggestions(self) -> None:
        if self.nlp_factory is None:
            self._set_sug_state("off", "turned off (--no-suggestions)")
            return
        self._set_sug_state("loading", "loading suggestions…")
        self.set_timer(0.4, self.load_suggester)  # after the first paint: spaCy's import holds the GIL

    def _set_sug_state(self, state: str, message: str | None = None) -> None:
        self._sug_state = state
        if message is not None:
            self.suggestions.set_status(message)
        self.update_suggestions_title()

    def update_suggestions_title(self) -> None:
        title = {"off": "SUGGESTIONS  (off)", "loading": "SUGGESTIONS  · loading…"}.get(self._sug_state)
        if title is None:
            keys = "a/x" if self.screen.has_class("narrow") else "a accept  x reject"  # the footer says it too
            title = "SUGGESTIONS  · training…" if self._training else f"SUGGESTIONS  {keys}"
        self.query_one("#suggestions-title").update(title)

    # -- loading ------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="suggester")
    def load_suggester(self) -> None:
        try:
            project = open_project(self.project_path)
            try:
                suggester = self.nlp_factory(project)
            finally:
                close_reader(project)
        except Exception as exc:  # noqa: BLE001 - a broken suggester must not stop coding
            self.call_from_thread(self._set_sug_state, "off", f"no suggestions: {exc}")
            self.call_from_thread(self.notify, f"no suggestions: {exc}", severity="warning", timeout=8)
            return
        self.call_from_thread(self._suggester_ready, suggester)

    def _suggester_ready(self, suggester) -> None:
        self.suggester = suggester
        self._set_sug_state("ready")
        self.request_suggestions(now=True)
        self.load_marks()
        self.retrain()  # only does something when the stored model is out of date

    def embed_in_background(self) -> None:
        """Sentence embeddings of the open document's turns and of the coded passages, computed once
        (kept in the project) in a daemon thread: no key waits for them; the panel improves when done."""
        if getattr(self.suggester, "embedder", None) is None or self.ws is None or self.ws.doc is None:
            return
        done = self.__dict__.setdefault("_embedded_docs", set())
        if (id(self.suggester), self.ws.doc.uuid) in done:
            return
        done.add((id(self.suggester), self.ws.doc.uuid))
        threading.Thread(target=self._embed_job, args=(self.suggester, self.ws.doc.uuid), daemon=True,
                         name="qualcode-embed").start()

    def _embed_job(self, suggester, doc_uuid: str) -> None:
        try:
            project = open_project(self.project_path)
            try:
                suggester.embed_pending(project, [doc_uuid], refresh=False)
                with self._sug_lock:
                    suggester.refresh(project)
            finally:
                close_reader(project)
        except Exception:  # noqa: BLE001 - suggestions still work without meaning
            return
        try:
            self.call_from_thread(self._embedded, suggester)
        except RuntimeError:  # the app has closed meanwhile
            pass

    def _embedded(self, suggester) -> None:
        if suggester is self.suggester:
            self.load_marks()
            self.request_suggestions(now=True)

    def reload_suggester(self) -> None:
        """After a codebook edit: the suggester reads the codebook again (keeping its pipeline)."""
        if self.suggester is not None:
            self._reload_worker(self.suggester)

    @work(thread=True, exclusive=True, group="suggester")
    def _reload_worker(self, old) -> None:
        try:
            project = open_project(self.project_path)
            try:
                nlp = getattr(old, "nlp", None)
                new = type(old).load(project, nlp=nlp) if nlp is not None and hasattr(type(old), "load") \
                    else self.nlp_factory(project)
            finally:
                close_reader(project)
        except Exception:  # noqa: BLE001 - keep the old one
            return
        self.call_from_thread(self._suggester_reloaded, new)

    def _suggester_reloaded(self, suggester) -> None:
        self.suggester = suggester
        self.request_suggestions(now=True)
        self.load_marks()

    # -- asking for suggestions ------------------------------------------------------------------------
    def request_suggestions(self, now: bool = False) -> None:
        """Suggestions for the passage under the cursor, once the cursor rests."""
        if self.suggester is None:
            return
        if self._sug_timer is not None:
            self._sug_timer.stop()
            self._sug_timer = None
        if now:
            self._ask()
        else:
            self._sug_timer = self.set_timer(DEBOUNCE, self._ask)

    def _ask(self) -> None:
        self._sug_timer = None
        ws, view = self.ws, self.view
        if ws is None or ws.doc is None or self.suggester is None:
            return
        passage, block = view.passage(), ws.doc.block_at(view.cursor)
        if passage is None or passage[1] <= passage[0]:
            self._shown_key = None
            self.suggestions.set_status("nothing to suggest here")
            return
        if view.selection() is None and not (block and block.respondent):
            self._shown_key = None
            self.suggestions.set_status("interviewer: select text to ask")
            return
        s, e = passage
        exclude = {c.code for c in ws.coverage.overlapping(s, e)}
        exclude |= self.book.rejected_codes(ws.doc.uuid, s, e)
        self._suggest_worker(ws.doc.uuid, ws.doc.text, s, e, exclude)

    @work(thread=True, exclusive=True, group="suggest")
    def _suggest_worker(self, doc_uuid: str, text: str, s: int, e: int, exclude: set) -> None:
        try:
            with self._sug_lock:
                items = self.suggester.suggest(text, s, e, doc_uuid, exclude_codes=exclude, top=TOP)
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(self.suggestions.set_status, f"suggester failed: {exc}")
            return
        items = [i for i in items if i.score >= PANEL_MIN and i.code not in exclude]
        self.call_from_thread(self._show_suggestions, (doc_uuid, s, e), items)

    def _show_suggestions(self, key: tuple, items: list) -> None:
        ws = self.ws
        if ws.doc is None or (ws.doc.uuid, *(self.view.passage() or (None, None))) != key:
            return  # the cursor moved on: never shown, so not logged
        try:
            shown = retry_locked(self.book.show, self.ws.project, self.ws.coder, self.ws.tree, key, items)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self._shown_key = key
        self.suggestions.set_items(shown, self.codes)

    # -- deciding -------------------------------------------------------------------------------------
    def _current_suggestion(self, verb: str):
        if self.view.adjusting:
            self.notify("finish adjusting the span first (enter saves, esc cancels)", severity="warning", timeout=3)
            return None
        if self.nlp_factory is None:
            self.notify("suggestions are off (started with --no-suggestions)", severity="warning", timeout=3)
            return None
        if self.suggester is None:
            self.notify("the suggester is still loading", timeout=2)
            return None
        item = self.suggestions.current()
        passage = self.view.passage()
        if item is not None and passage and not (item.start < passage[1] and item.end > passage[0]):
            item = None  # the panel still shows the last passage's suggestions
        if item is None:
            other = "s adjusts a coding's span" if verb == "accept" else "delete removes a coding"
            self.notify(f"no suggestion to {verb} here ({other})", severity="warning", timeout=3)
        elif self.screen.has_class("tiny") and not self.screen.has_class("show-right"):
            # the panel is folded away: say what is suggested rather than decide unseen
            name = self.codes.get(item.code, ("?", ""))[0]
            self.notify(f"suggested here: {name} ({item.score:.2f}). C shows the panel; {verb} it there.",
                        timeout=5)
            return None
        return item

    def action_accept_suggestion(self, item: Shown | None = None) -> None:
        if not self._doc_ready():
            return
        item = item or self._current_suggestion("accept")
        if item is None:
            return
        span = self.view.selection() or (item.start, item.end)
        try:
            coding, decision = self.ws.accept_suggestion(item.suggestion, item.log_id, span)
        except QualcodeError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.book.forget(item)
        self.view.sel_anchor, self.view.selecting = None, False
        self.refresh_all()
        self.view._changed()
        self.view.focus()
        name = self.ws.tree.by_uuid[coding.code].name
        how = "" if decision == "accepted" else " on your span"
        self.flash(f"✓ suggestion accepted{how}: {name} ({plural(len(coding.text.split()), 'word')})")
        self.suggestions_after_change(0)  # accepted suggestions never teach the model

    def action_reject_suggestion(self) -> None:
        item = self._current_suggestion("reject") if self._doc_ready() else None
        if item is None:
            return
        from qualcode.nlp import log_decision

        try:
            if item.log_id is not None:
                retry_locked(log_decision, self.ws.project, item.log_id, "rejected")
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.book.reject(item, self.view.passage())
        self.view.set_suggested([m for m in self.view.suggested
                                 if not (m[2] == item.code and m[0] < item.end and m[1] > item.start)])
        self.flash(f"✗ rejected {self.ws.tree.by_uuid[item.code].name} here (logged)")
        self.request_suggestions(now=True)

    def on_suggestions_panel_accepted(self, message: SuggestionsPanel.Accepted) -> None:
        self.action_accept_suggestion(message.item)

    def action_cycle_suggestion(self, step: int) -> None:
        self.suggestions.cycle(step)

    # -- keeping up with the coding ----------------------------------------------------------------------
    def suggestions_after_change(self, human_changes: int = 1) -> None:
        """After a coding was added or removed: refresh the suggester, the marks and the panel;
        retrain (if stale) after every RETRAIN_EVERY human codings."""
        if self.suggester is None:
            return
        self._since_train += human_changes
        if self._training:  # refresh() would race the training's new model: refresh once it is done
            self._refresh_after_train = True
        else:
            self._refresh_worker()
        if self._since_train >= RETRAIN_EVERY:
            self._since_train = 0
            self.retrain()

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh_worker(self) -> None:
        project = open_project(self.project_path)
        try:
            with self._sug_lock:
                if hasattr(self.suggester, "refresh"):
                    self.suggester.refresh(project)
        except Exception:  # noqa: BLE001 - the next change tries again
            pass
        finally:
            close_reader(project)
        self.call_from_thread(self._refreshed)

    def _refreshed(self) -> None:
        # the marks of the whole document are computed again on opening it and after training
        # (seconds for a long focus group); here only those the new codings answered go
        coverage = self.ws.coverage
        self.view.set_suggested([m for m in self.view.suggested
                                 if m[2] not in {c.code for c in coverage.overlapping(m[0], m[1])}])
        self.request_suggestions(now=True)

    def load_marks(self) -> None:
        if self.suggester is not None and self.ws is not None and self.ws.doc is not None:
            self._marks_worker(self.ws.doc.uuid)
            self.embed_in_background()

    @work(thread=True, exclusive=True, group="marks")
    def _marks_worker(self, doc_uuid: str) -> None:
        project = open_project(self.project_path)
        try:
            marks = self._marks(project, doc_uuid)
        except Exception:  # noqa: BLE001
            marks = []
        finally:
            close_reader(project)
        self.call_from_thread(self._marks_loaded, doc_uuid, marks)

    def _marks(self, project, doc_uuid: str | None) -> list[tuple[int, int, str]]:
        if doc_uuid is None or not hasattr(self.suggester, "suggest_document"):
            return []
        # not under _sug_lock: on a long focus group this takes seconds, and the panel's
        # suggestions for the turn under the cursor must not wait for it
        found = self.suggester.suggest_document(project, doc_uuid, top=1, min_score=MARK_MIN)
        return [(s.start, s.end, s.code) for s in found]

    def _marks_loaded(self, doc_uuid: str, marks: list) -> None:
        if self.ws.doc is not None and self.ws.doc.uuid == doc_uuid:
            self.view.set_suggested([m for m in marks if not self.book.is_rejected(doc_uuid, m[2], m[0], m[1])])

    # -- learning -----------------------------------------------------------------------------------------
    def action_retrain(self) -> None:
        if self.suggester is None:
            self.notify("no suggester loaded" if self.nlp_factory is None else "the suggester is still loading",
                        timeout=2)
            return
        self.retrain(force=True)

    def retrain(self, force: bool = False) -> None:
        if not hasattr(self.suggester, "retrain_if_stale"):
            return
        if self._training:
            self._train_again = True
            return
        self._training = True
        self.update_suggestions_title()
        self._retrain_worker(self.suggester, force)

    def _retrain_worker(self, suggester, force: bool) -> None:
        # a daemon thread rather than a Textual worker: training takes seconds, and quitting must
        # not wait for it (an unfinished training leaves the stored model as it was)
        threading.Thread(target=self._retrain_job, args=(suggester, force), daemon=True,
                         name="qualcode-retrain").start()

    def _retrain_job(self, suggester, force: bool) -> None:
        try:
            project = open_project(self.project_path)
            try:
                report = suggester.retrain_if_stale(project, force=force)
            finally:
                close_reader(project)
        except Exception as exc:  # noqa: BLE001
            report = exc
        try:
            self.call_from_thread(self._retrained, suggester, report)
        except RuntimeError:  # the app has closed meanwhile
            pass

    def _retrained(self, trained, report) -> None:
        self._training = False
        self.update_suggestions_title()
        if isinstance(report, Exception):
            self.notify(f"training the suggester failed: {report}", severity="warning")
        elif report:
            n = report.get("codings")
            self.flash(f"suggester retrained on {plural(n, 'coding') if isinstance(n, int) else '? codings'}")
        if trained is not self.suggester:  # the codebook changed meanwhile: load the stored model
            self.reload_suggester()
        else:
            if self._refresh_after_train:
                self._refresh_worker()
            if report and not isinstance(report, Exception):
                self.load_marks()
                self.request_suggestions(now=True)
        self._refresh_after_train = False
        if self._train_again:
            self._train_again = False
            self.retrain()
