"""The coding session behind the TUI: the open document, its codings, counts and recent codes.

No Textual here. Every change goes through a Project method (which commits at once); after a
change only the open document's codings are reloaded, never the whole study's.
"""

from __future__ import annotations

import sqlite3
import time

from qualcode.domain.spans import covered_length, trim_whitespace
from qualcode.errors import ProjectError
from qualcode.store.project import Project
from qualcode.tui.coverage import Coverage
from qualcode.tui.doc_model import DocModel

RECENT = 9


def open_project(path, coder: str | None = None):
    return Project.open(path, coder=coder)


def close_reader(project) -> None:
    """Close a worker's connection (Project.close forces no checkpoint, so the main connection's
    writes are not locked out); errors on close are of no interest to a reader."""
    try:
        project.close()
    except sqlite3.Error:
        pass


def retry_locked(fn, *args, **kwargs):
    """Run a write; if another process holds the lock for a moment, try again briefly."""
    for attempt in range(5):
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


class Workspace:
    def __init__(self, project, coder: str):
        self.project = project
        self.coder = coder
        project.coder = coder
        self.mine_only = False
        self.doc: DocModel | None = None
        self.codings: list = []  # all coders' codings of the open document
        self.coverage = Coverage([])
        self.counts: dict[str, int] = {}
        self.coded_chars: dict[str, int] = {}
        self.documents: list = []
        self.respondents = project.cases.respondent_ids()
        self.recent: list[str] = [c for c in project.codings.recent_codes(coder, RECENT) if c in project.codebook.tree()]

    # -- study-wide figures (slow on huge projects: the app calls these from a worker) ---------------
    def load_overview(self, project=None) -> tuple[list, dict, dict]:
        p = project or self.project
        coder = self.coder if self.mine_only else None
        docs = p.documents.list()  # its coded share counts every coder's codings
        coded = p.codings.coded_chars_by_document(coder) if coder else {d.uuid: d.coded_chars for d in docs}
        return docs, p.codings.counts_by_code(coder), coded

    def set_overview(self, documents, counts, coded_chars) -> None:
        self.documents, self.counts, self.coded_chars = documents, counts, coded_chars

    def refresh_counts(self) -> None:
        self.counts = self.project.codings.counts_by_code(self.coder if self.mine_only else None)

    @property
    def tree(self):
        return self.project.codebook.tree()

    # -- the open document ---------------------------------------------------------------------------
    def open_document(self, ref: str) -> DocModel:
        doc = self.project.documents.get(ref)
        self.doc = DocModel(doc.uuid, doc.name, doc.text, self.project.documents.turns(doc.uuid), self.respondents)
        self.reload_codings()
        return self.doc

    def reload_codings(self) -> None:
        if self.doc is None:
            return
        self.codings = self.project.codings.list(document=self.doc.uuid)
        self._rebuild()

    def _rebuild(self) -> None:
        self.coverage = Coverage(self.visible_codings())
        if self.doc is not None:
            self.coded_chars[self.doc.uuid] = covered_length((c.start, c.end) for c in self.coverage.codings)

    def visible_codings(self) -> list:
        tree = self.tree
        return [c for c in self.codings if c.code in tree and (not self.mine_only or c.coder == self.coder)]

    def toggle_mine_only(self) -> bool:
        self.mine_only = not self.mine_only
        self._rebuild()
        return self.mine_only

    def coded_share(self, doc_uuid: str, length: int) -> float:
        return self.coded_chars.get(doc_uuid, 0) / length if length else 0.0

    # -- coding --------------------------------------------------------------------------------------
    def apply(self, code_uuid: str, start: int, end: int, memo: str = "", origin: str = "human"):
        """Code ``[start, end)`` of the open document (white space trimmed). Saved at once."""
        if self.doc is None:
            raise ProjectError("open a document first.")
        start, end = trim_whitespace(self.doc.text, start, end)
        if end <= start:
            raise ProjectError("the passage is empty; select some text or move to a turn.")
        coding = retry_locked(self.project.codings.add, self.doc.uuid, code_uuid, self.coder, start, end, memo, origin)
        self.codings.append(coding)
        self.counts[code_uuid] = self.counts.get(code_uuid, 0) + 1
        self.use(code_uuid)
        self._rebuild()
        return coding

    def accept_suggestion(self, suggestion, log_id: int | None, span: tuple[int, int]):
        """Code ``span`` with the suggested code (origin "suggestion") and log the decision:
        "accepted" when ``span`` is the suggested span, "changed" when the coder moved it.
        Returns (coding, decision)."""
        from dataclasses import replace

        from qualcode.nlp import accept, log_decision

        text = self.doc.text
        start, end = trim_whitespace(text, *span)
        if end <= start:
            raise ProjectError("the passage is empty; select some text or move to a turn.")
        if (start, end) == trim_whitespace(text, suggestion.start, suggestion.end):
            sug = replace(suggestion, document=self.doc.uuid, start=start, end=end)
            coding = retry_locked(accept, self.project, sug, log_id, self.coder)
            decision = "accepted"
        else:
            coding = retry_locked(self.project.codings.add, self.doc.uuid, suggestion.code, self.coder, start, end,
                                  "", "suggestion")
            if log_id is not None:
                retry_locked(log_decision, self.project, log_id, "changed", coding.uuid)
            decision = "changed"
        self.codings.append(coding)
        self.counts[coding.code] = self.counts.get(coding.code, 0) + 1
        self.use(coding.code)
        self._rebuild()
        return coding, decision

    def use(self, code_uuid: str) -> None:
        if code_uuid in self.recent:
            self.recent.remove(code_uuid)
        self.recent.insert(0, code_uuid)
        del self.recent[RECENT:]

    def remove(self, coding_uuids: list[str]) -> int:
        gone = {u for u in coding_uuids}
        n = retry_locked(self.project.codings.remove, list(gone))
        for c in self.codings:
            if c.uuid in gone:
                if not self.mine_only or c.coder == self.coder:
                    self.counts[c.code] = max(0, self.counts.get(c.code, 0) - 1)
        self.codings = [c for c in self.codings if c.uuid not in gone]
        self._rebuild()
        return n

    def update(self, coding_uuid: str, start: int | None = None, end: int | None = None,
               memo: str | None = None):
        if start is not None and end is not None and self.doc is not None:
            start, end = trim_whitespace(self.doc.text, start, end)
        updated = retry_locked(self.project.codings.update, coding_uuid, start=start, end=end, memo=memo)
        self.codings = [updated if c.uuid == coding_uuid else c for c in self.codings]
        self._rebuild()
        return updated

    def undo(self, counts: bool = True):
        """Undo the latest change. ``counts=False`` leaves the code counts to the caller (the app
        reloads them in a worker: on a huge project they take tens of milliseconds)."""
        entry = retry_locked(self.project.history.undo)
        self.after_any_change(counts)
        return entry

    def redo(self, counts: bool = True):
        entry = retry_locked(self.project.history.redo)
        self.after_any_change(counts)
        return entry

    def after_any_change(self, counts: bool = True) -> None:
        """After undo, redo or a codebook edit: the open document (and the counts)."""
        tree = self.tree
        self.recent = [c for c in self.recent if c in tree]
        self.reload_codings()
        if counts:
            self.refresh_counts()

    # -- passages -----------------------------------------------------------------------------------------
    def uncoded_turns(self) -> list:
        """Respondent blocks of the open document that no visible coding touches."""
        if self.doc is None:
            return []
        return [b for b in self.doc.blocks
                if b.respondent and b.end > b.start and not self.coverage.covered(b.start, b.end)]

    def documents_after(self, doc_uuid: str) -> list:
        """Documents in list order, starting after ``doc_uuid`` and wrapping round."""
        docs = self.documents or [type("D", (), {"uuid": u})() for u in self.project.documents.names()]
        ids = [d.uuid for d in docs]
        i = ids.index(doc_uuid) if doc_uuid in ids else -1
        return ids[i + 1:] + ids[:i + 1]
