"""Views beyond coding: intercoder review of the open document (R), flagged codings (F), the
code matrix (X) and exports (E)."""

from __future__ import annotations

from qualcode.errors import QualcodeError


class ViewActions:
    # -- review agreement (issue 6) ---------------------------------------------------------------
    def action_review(self) -> None:
        if not self._doc_ready():
            return
        from qualcode.tui.review import ReviewScreen

        self.push_screen(ReviewScreen(self.ws.project, self.ws.doc.uuid), lambda _: self.after_outside_change())

    def after_outside_change(self) -> None:
        """After a screen changed codings (review, flagged): reload the open document's codings,
        the counts and the study figures."""
        if self.ws is None:
            return
        self.ws.reload_codings()
        self.ws.refresh_counts()
        self.refresh_all(reload_overview=True)
        self.view._changed()
        self.suggestions_after_change(0)

    # -- flagged codings (issue 4 of the team work) ----------------------------------------------------
    def action_flagged(self) -> None:
        if self.ws is None:
            return
        from qualcode.tui.screens.flagged import FlaggedScreen

        sel = self.view.selection() if self.ws.doc is not None else None
        selection = (self.ws.doc.uuid, *sel) if sel else None
        screen = FlaggedScreen(self.ws.project, selection)

        def back(target) -> None:
            if screen.changed:
                self.after_outside_change()
            if target:
                self.jump_to(*target)

        self.push_screen(screen, back)

    # -- the code matrix -----------------------------------------------------------------------------
    def action_matrix(self) -> None:
        if self.ws is None:
            return
        from qualcode.tui.screens.matrix import MatrixScreen

        screen = MatrixScreen(self.project_path, self.ws.coder, self.ws.mine_only, self.codes)
        self.push_screen(screen, lambda target: target and self.jump_to(*target))

    def jump_to(self, doc_uuid: str, start: int, end: int | None = None) -> None:
        if self.ws.doc is None or self.ws.doc.uuid != doc_uuid:
            self.open_document(doc_uuid, start, end)
        else:
            self.view.goto(start, end)
        self.view.focus()

    # -- exports (issue 7) -------------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.ws is None:
            return
        from qualcode.tui.export_jobs import exporters
        from qualcode.tui.screens.export import ExportScreen

        if not exporters():
            self.notify("no export actions are registered: open the workspace with 'qualcode tui'", severity="warning")
            return
        try:
            p = self.ws.project
            keys = p.reads.attribute_keys()
            attributes = list(dict.fromkeys([*keys.get("case", {}), *keys.get("document", {})]))
            screen = ExportScreen(self.project_path, p.codings.coders(), attributes)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.push_screen(screen)
