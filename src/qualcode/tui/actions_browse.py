"""Finding things: search, next uncoded respondent turn, passages of a code, switching
documents, moving between panels, the coder filter and help."""

from __future__ import annotations

from rich.text import Text

from qualcode.tui.code_picker import CodePicker
from qualcode.tui.codebook_tree import CodebookTree
from qualcode.tui.document_list import DocumentList
from qualcode.tui.screens.help import HelpScreen
from qualcode.tui.screens.passages import PassagesScreen
from qualcode.tui.screens.pick import ListPicker
from qualcode.tui.screens.search import SearchScreen


class BrowseActions:
    # -- search ---------------------------------------------------------------------------------------
    def action_search(self) -> None:
        if self.ws is None:
            return
        doc = self.ws.doc
        last = self.search_state or {}
        screen = SearchScreen(self.project_path, doc.uuid if doc else None, doc.name if doc else "",
                              last.get("query", ""), last.get("study", False))
        self.push_screen(screen, self._searched)

    def _searched(self, result: dict | None) -> None:
        if result and result["hits"]:
            self.search_state = result
            self._goto_hit()

    def _goto_hit(self) -> None:
        st = self.search_state
        hit = st["hits"][st["index"]]
        if self.ws.doc is None or hit["document"] != self.ws.doc.uuid:
            self.open_document(hit["document"], hit["start"], hit["end"])
        else:
            self.view.goto(hit["start"], hit["end"])
        self.view.focus()
        self.flash(f"match {st['index'] + 1} of {len(st['hits'])} (n / N)")

    def action_search_next(self, step: int) -> None:
        st = self.search_state
        if not st or not st["hits"]:
            self.notify("no search yet: press /", severity="warning", timeout=2)
            return
        st["index"] = (st["index"] + step) % len(st["hits"])
        self._goto_hit()

    # -- uncoded respondent turns --------------------------------------------------------------------------
    def action_uncoded(self, direction: int) -> None:
        if self.ws is None or self.ws.doc is None:
            return
        doc, view = self.ws.doc, self.view
        here = doc.block_at(view.cursor)
        todo = self.ws.uncoded_turns()
        if direction > 0:
            later = [b for b in todo if here is None or b.start > here.start]
        else:
            later = [b for b in reversed(todo) if here is None or b.start < here.start]
        if later:
            view.goto(later[0].start)
            return
        coder = self.ws.coder if self.ws.mine_only else None
        others = self.ws.documents_after(doc.uuid)
        if direction < 0:
            others = list(reversed(others[:-1])) + others[-1:]
        for uuid in others:
            turns = self.ws.project.documents.uncoded_respondent_turns(uuid, coder)
            if turns:
                idx, start, _ = turns[0] if direction > 0 else turns[-1]
                self.open_document(uuid, start)
                name = self.ws.doc.name if self.ws.doc else ""
                self.notify(f"next uncoded respondent turn: {name}, turn {idx + 1}", timeout=3)
                return
        self.notify("every respondent turn in the study is coded", timeout=3)

    # -- passages of a code ------------------------------------------------------------------------------
    def action_passages(self) -> None:
        if self.ws is None:
            return
        focused = self.focused
        if isinstance(focused, CodebookTree) and focused.highlighted_code():
            self.show_passages(focused.highlighted_code())
            return
        here = self.ws.coverage.at(self.view.cursor) if self.ws.doc else []
        recent = [c.code for c in here] + [c for c in self.ws.recent if c not in {x.code for x in here}]
        self.push_screen(CodePicker(self.ws.tree, self.codes, title="Passages of which code?", recent=recent,
                                    hint="enter shows every passage of the code across the study"),
                         lambda uuid: uuid and self.show_passages(uuid))

    def show_passages(self, uuid: str) -> None:
        screen = PassagesScreen(self.project_path, uuid, self.ws.tree, self.codes.get(uuid, ("", "#7f7f7f"))[1],
                                self.ws.coder, self.ws.mine_only)

        def jump(target) -> None:
            if target:
                doc_uuid, start, end = target
                if self.ws.doc is None or self.ws.doc.uuid != doc_uuid:
                    self.open_document(doc_uuid, start, end)
                else:
                    self.view.goto(start, end)
                self.view.focus()

        self.push_screen(screen, jump)

    # -- documents -----------------------------------------------------------------------------------------
    def action_switch_document(self) -> None:
        if self.ws is None:
            return
        docs = self.ws.documents or [type("D", (), {"uuid": u, "name": n, "kind": "", "respondents": (), "length": 0})()
                                     for u, n in self.ws.project.documents.names().items()]
        items = []
        for d in docs:
            share = self.ws.coded_share(d.uuid, d.length)
            label = Text()
            label.append(d.name, style="bold")
            who = ", ".join(d.respondents[:4])
            label.append(f"  {d.kind.replace('_', ' ')} · {who} · {share:.0%} coded", style="dim")
            items.append((d.uuid, label, f"{d.name} {' '.join(d.respondents)}"))
        self.push_screen(ListPicker("Open a document", items, "type a name or a respondent · enter opens"),
                         lambda uuid: uuid and (self.open_document(uuid), self.view.focus()))

    def action_focus_documents(self) -> None:
        if self.screen.has_class("narrow"):
            self.action_switch_document()
        else:
            self.query_one(DocumentList).focus()

    def action_focus_codebook(self) -> None:
        if self.screen.has_class("tiny"):
            self.screen.add_class("show-right")
        self.tree_widget.focus()

    def action_focus_transcript(self) -> None:
        self.screen.remove_class("show-right")
        self.view.focus()

    def on_input_changed(self, event) -> None:
        if event.input.id == "code-filter" and self.ws is not None:
            self.rebuild_tree()

    def on_input_submitted(self, event) -> None:
        if event.input.id == "code-filter":
            self.tree_widget.focus()

    # -- who and what is shown ---------------------------------------------------------------------------------
    def action_toggle_coders(self) -> None:
        if self.ws is None:
            return
        mine = self.ws.toggle_mine_only()
        self.update_header()
        self.ws.refresh_counts()
        self.refresh_all(reload_overview=True)
        self.notify("showing only my codings" if mine else "showing all coders' codings", timeout=2)

    def action_change_coder(self) -> None:
        self.ask_coder()

    def action_help(self) -> None:
        self.push_screen(HelpScreen(dict(self._keymap_for_help())))

    def _keymap_for_help(self) -> dict[str, str]:
        from qualcode.tui.bindings import user_keymap

        return user_keymap(self.settings)
