"""Editing the codebook in place: add, rename, edit, move, merge, delete (each undoable)."""

from __future__ import annotations

from qualcode.errors import QualcodeError
from qualcode.tui.code_picker import TOP_LEVEL, CodePicker
from qualcode.tui.screens.code_editor import CodeEditor
from qualcode.tui.screens.prompts import Confirm, TextPrompt


class CodebookActions:
    def _codebook_changed(self, select: str | None = None, message: str = "") -> None:
        self.ws.after_any_change()
        self.refresh_codes()
        self.rebuild_tree(select)
        self.refresh_all()
        if message:
            self.notify(message + " (u undoes)", timeout=3)

    def _try(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return None

    def new_code(self, parent: str | None) -> None:
        if self.ws is None:
            return
        where = f"under '{self.ws.tree.path(parent)}'" if parent else "at the top level (a new theme)"

        def done(name: str | None) -> None:
            if name:
                code = self._try(self.ws.project.codebook.add, name, parent=parent)
                if code:
                    self._codebook_changed(code.uuid, f"added code '{code.name}'")

        self.push_screen(TextPrompt(f"New code {where}", placeholder="name of the new code"), done)

    def rename_code(self, uuid: str) -> None:
        code = self.ws.tree.by_uuid[uuid]

        def done(name: str | None) -> None:
            if name and name != code.name:
                if self._try(self.ws.project.codebook.update, uuid, name=name):
                    self._codebook_changed(uuid, f"renamed '{code.name}' to '{name}'")

        self.push_screen(TextPrompt(f"Rename '{code.name}'", code.name), done)

    def edit_code(self, uuid: str) -> None:
        code = self.ws.tree.by_uuid[uuid]

        def done(changes: dict | None) -> None:
            if changes:
                if self._try(self.ws.project.codebook.update, uuid, **changes):
                    self._codebook_changed(uuid, f"saved '{changes.get('name', code.name)}'")

        self.push_screen(CodeEditor(code), done)

    def move_code(self, uuid: str) -> None:
        tree = self.ws.tree
        code = tree.by_uuid[uuid]
        exclude = {uuid, *(d.uuid for d in tree.descendants(uuid))}
        if code.parent:
            exclude.add(code.parent)

        def done(target: str | None) -> None:
            if target:
                parent = None if target == TOP_LEVEL else target
                if self._try(self.ws.project.codebook.move, uuid, parent) is not None:
                    where = "the top level" if parent is None else f"'{self.ws.tree.path(parent)}'"
                    self._codebook_changed(uuid, f"moved '{code.name}' to {where}")

        self.push_screen(CodePicker(tree, self.codes, title=f"Move '{code.name}' under…", exclude=exclude,
                                    top_level=code.parent is not None,
                                    hint="choose the new parent · enter moves · esc cancels"), done)

    def merge_code(self, uuid: str) -> None:
        tree = self.ws.tree
        code = tree.by_uuid[uuid]
        exclude = {uuid, *(d.uuid for d in tree.descendants(uuid))}

        def chosen(target: str | None) -> None:
            if not target:
                return
            usage = self.ws.project.codebook.usage(uuid)
            msg = (f"Merge '{tree.path(uuid)}' into '{tree.path(target)}'? Its {usage['codings']} codings "
                   f"and its sub-codes move to '{tree.by_uuid[target].name}', then '{code.name}' is removed.")

            def confirmed(yes: bool) -> None:
                if yes:
                    result = self._try(self.ws.project.codebook.merge, uuid, target)
                    if result is not None:
                        dropped = result["duplicates_dropped"]
                        extra = f", {dropped} duplicates dropped" if dropped else ""
                        self._codebook_changed(target, f"merged: {result['moved']} codings moved{extra}")

            self.push_screen(Confirm("Merge codes", msg, yes="Merge"), confirmed)

        self.push_screen(CodePicker(tree, self.codes, title=f"Merge '{code.name}' into…", exclude=exclude,
                                    hint="choose the code that stays · enter · esc cancels"), chosen)

    def delete_code(self, uuid: str) -> None:
        tree = self.ws.tree
        usage = self.ws.project.codebook.usage(uuid)
        subs = usage["codes"] - 1
        what = f" and its {subs} sub-code{'s' if subs != 1 else ''}" if subs else ""
        msg = (f"Delete '{tree.path(uuid)}'{what}? This removes {usage['codings']} coding"
               f"{'s' if usage['codings'] != 1 else ''} (of all coders). You can undo it with u.")

        def confirmed(yes: bool) -> None:
            if yes:
                parent = tree.by_uuid[uuid].parent
                result = self._try(self.ws.project.codebook.delete, uuid)
                if result is not None:
                    self._codebook_changed(parent, f"deleted {result['codes']} code(s), {result['codings']} codings")
                    self.load_overview()

        self.push_screen(Confirm("Delete code", msg, yes="Delete", danger=True), confirmed)
