"""Coding actions: apply a code (picker, recent codes, codebook tree), remove a
coding, write a memo, adjust a span, undo and redo."""

from __future__ import annotations

from functools import partial

from rich.text import Text

from qualcode.errors import QualcodeError
from qualcode.tui.code_picker import CodePicker
from qualcode.tui.screens.pick import ListPicker
from qualcode.tui.screens.prompts import MemoPrompt
from qualcode.tui.transcript_view import TranscriptView
from qualcode.tui.wording import plural


class CodingActions:
    # -- applying codes ------------------------------------------------------------------------------
    def action_code(self) -> None:
        if not self._doc_ready():
            return
        passage = self.view.passage()
        words = len(self.ws.doc.text[passage[0]:passage[1]].split()) if passage else 0
        picker = CodePicker(self.ws.tree, self.codes, title=f"Code the passage ({plural(words, 'word')})",
                            recent=self.ws.recent)
        self.push_screen(picker, lambda uuid: uuid and self.apply_code(uuid, passage))

    def action_apply_recent(self, n: int) -> None:
        if not self._doc_ready():
            return
        if n > len(self.ws.recent):
            self.notify(f"no recent code {n} yet: code with c first", severity="warning")
            return
        self.apply_code(self.ws.recent[n - 1])

    def apply_code(self, code_uuid: str, passage=None, origin: str = "human") -> None:
        """Code the passage (the selection, or the turn under the cursor). Saved at once."""
        if not self._doc_ready():
            return
        passage = passage or self.view.passage()
        if passage is None:
            self.notify("nothing to code here", severity="warning")
            return
        try:
            coding = self.ws.apply(code_uuid, *passage, origin=origin)
        except QualcodeError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.view.sel_anchor, self.view.selecting = None, False
        self.view.cursor = max(self.view.cursor, 0)
        self.refresh_all()
        self.view._changed()
        self.flash(f"✓ coded {plural(len(coding.text.split()), 'word')} as {self.ws.tree.by_uuid[code_uuid].name}")
        self.suggestions_after_change(1 if origin == "human" else 0)

    def on_transcript_view_confirmed(self, message: TranscriptView.Confirmed) -> None:
        if message.adjusting and message.span:
            try:
                self.ws.update(message.adjusting, start=message.span[0], end=message.span[1])
            except QualcodeError as exc:
                self.notify(str(exc), severity="warning")
                return
            self.view.stop_adjusting()
            self.refresh_all()
            self.flash("✓ span adjusted")
            self.suggestions_after_change(1)
        else:
            self.action_code()

    def on_transcript_view_adjust_cancelled(self, message) -> None:
        self.update_status()
        self.notify("adjusting cancelled", timeout=2)

    # -- codings under the cursor ------------------------------------------------------------------------
    def _codings_here(self) -> list:
        sel = self.view.selection()
        if sel:
            return self.ws.coverage.overlapping(*sel)
        cursor = self.view.cursor
        return self.ws.coverage.at(cursor) or (self.ws.coverage.at(cursor - 1) if cursor else [])

    def _choose_coding(self, title: str, then, mine_first: bool = True) -> None:
        codings = self._codings_here()
        if not codings:
            self.notify("no coding under the cursor", severity="warning")
            return
        if len(codings) == 1:
            then(codings[0])
            return
        items = []
        for c in codings:
            name, colour = self.codes.get(c.code, ("?", "#7f7f7f"))
            label = Text()
            label.append("■ ", style=colour)
            label.append(self.ws.tree.path(c.code), style="bold")
            snippet = " ".join(c.text.split())
            label.append(f"  {c.coder} · “{snippet[:50]}{'…' if len(snippet) > 50 else ''}”", style="dim")
            items.append((c.uuid, label, f"{name} {c.coder}"))
        by_id = {c.uuid: c for c in codings}
        self.push_screen(ListPicker(title, items), lambda uuid: uuid and then(by_id[uuid]))

    def action_uncode(self) -> None:
        if self._doc_ready():
            self._choose_coding("Remove which coding?", self._remove)

    def _remove(self, coding) -> None:
        try:
            self.ws.remove([coding.uuid])
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_all()
        self.flash(f"✓ removed a {self.ws.tree.by_uuid[coding.code].name} coding (u undoes)")
        self.suggestions_after_change(1)

    def action_memo(self) -> None:
        if self._doc_ready():
            self._choose_coding("Memo on which coding?", self._memo)

    def _memo(self, coding) -> None:
        def save(text: str | None) -> None:
            if text is None or text == coding.memo:
                return
            self.ws.update(coding.uuid, memo=text)
            self.refresh_all()
            self.flash("✓ memo saved" if text else "✓ memo removed")

        self.push_screen(MemoPrompt(f"Memo on '{self.ws.tree.path(coding.code)}'", coding.memo), save)

    def action_adjust(self) -> None:
        if self._doc_ready():
            self._choose_coding("Adjust which coding?", self._adjust)

    def _adjust(self, coding) -> None:
        self.view.focus()
        self.view.start_adjusting(coding)
        self.update_status()

    # -- undo / redo --------------------------------------------------------------------------------------
    def action_undo(self) -> None:
        self._history(partial(self.ws.undo, counts=False) if self.ws else None, "undone", "nothing to undo")

    def action_redo(self) -> None:
        self._history(partial(self.ws.redo, counts=False) if self.ws else None, "redone", "nothing to redo")

    def _history(self, step, verb: str, empty: str) -> None:
        if step is None:
            return
        try:
            entry = step()
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        if entry is None:
            self.notify(empty, timeout=2)
            return
        if self.view.adjusting:
            self.view.stop_adjusting()
        codebook = entry.action in ("add_code", "update_code", "move_code", "merge_codes", "delete_code",
                                    "codebook_import")
        self.refresh_all(reload_overview=True, tree=codebook)
        self.view._changed()
        self.flash(f"{verb}: {entry.description}")
        self.suggestions_after_change(1)

    def _doc_ready(self) -> bool:
        if self.ws is None or self.ws.doc is None:
            self.notify("open a document first", severity="warning")
            return False
        return True
