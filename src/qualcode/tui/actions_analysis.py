"""Analysis actions: study search with coding of hits (ctrl+f), a memo on the open document (M)
or on the highlighted code (m in the codebook), and sets (S)."""

from __future__ import annotations

from qualcode.errors import QualcodeError
from qualcode.tui.screens.prompts import MemoPrompt


class AnalysisActions:
    # -- study search with coding -------------------------------------------------------------------
    def action_study_search(self) -> None:
        if self.ws is None:
            return
        from qualcode.tui.screens.study_search import StudySearchScreen

        screen = StudySearchScreen(self.ws.project, self.codes, self.ws.coder)

        def back(target) -> None:
            if screen.changed:
                self.after_outside_change()
            if target:
                self.jump_to(*target)

        self.push_screen(screen, back)

    # -- memos on the document and on codes -------------------------------------------------------------
    def _object_memo(self, target_type: str, target: str, label: str) -> None:
        book = self.ws.project.memos
        old = book.find(target_type, target, self.ws.coder)

        def save(text: str | None) -> None:
            if text is None or text == (old.text if old else ""):
                return
            try:
                self.ws.project.coder = self.ws.coder
                book.write(target_type, target, text, self.ws.coder)
            except QualcodeError as exc:
                self.notify(str(exc), severity="error")
                return
            self.flash("✓ memo saved" if text else "✓ memo removed")

        self.push_screen(MemoPrompt(f"{self.ws.coder}'s memo on {label}", old.text if old else ""), save)

    def action_memo_document(self) -> None:
        if self._doc_ready():
            self._object_memo("document", self.ws.doc.uuid, f"document '{self.ws.doc.name}'")

    def memo_code(self, uuid: str) -> None:
        if self.ws is not None:
            self._object_memo("code", uuid, f"code '{self.ws.tree.path(uuid)}'")

    # -- sets --------------------------------------------------------------------------------------------
    def action_sets(self) -> None:
        if self.ws is None:
            return
        from qualcode.tui.screens.sets_screen import SetsScreen

        doc = self.ws.doc.uuid if self.ws.doc is not None else None
        self.push_screen(SetsScreen(self.ws.project, doc))
