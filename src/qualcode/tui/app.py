"""The coding workspace: `qualcode tui study.qualcode`.

Documents on the left, the transcript in the middle, the codebook, the codings under the cursor
and the suggestions on the right. The app only calls Project methods (the same the CLI uses);
every change is saved the moment it is made.

Suggestions: ``make_app(..., nlp_factory=f)`` calls ``f(project)`` once in a thread worker (with
a Project opened in that worker); by default ``f`` loads qualcode.nlp's Suggester (see
:mod:`qualcode.tui.actions_suggest`; ``settings["suggestions"] = False`` turns them off,
``settings["model"]`` names a spaCy model). Review, flagged codings, the code matrix and exports
are in :mod:`qualcode.tui.actions_views`.
"""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, OptionList, Static

from qualcode.config import default_coder, remember_coder
from qualcode.errors import QualcodeError
from qualcode.tui.actions_analysis import AnalysisActions
from qualcode.tui.actions_browse import BrowseActions
from qualcode.tui.actions_codebook import CodebookActions
from qualcode.tui.actions_coding import CodingActions
from qualcode.tui.actions_suggest import SuggestActions
from qualcode.tui.suggest_book import default_nlp_factory
from qualcode.tui.actions_views import ViewActions
from qualcode.tui.bindings import SPECS, bindings, user_keymap
from qualcode.tui.codebook_tree import CodebookPanel, CodebookTree
from qualcode.tui.colours import code_colour
from qualcode.tui.commands import WorkspaceCommands
from qualcode.tui.details_panel import DetailsPanel
from qualcode.tui.document_list import DocumentList
from qualcode.tui.recent_strip import RecentStrip
from qualcode.tui.screens.prompts import Confirm, TextPrompt
from qualcode.tui.suggestions_panel import SuggestionsPanel
from qualcode.tui.transcript_view import TranscriptView
from qualcode.tui.live import LiveRefresh
from qualcode.tui.wording import plural
from qualcode.tui.workspace import Workspace, close_reader, open_project

CSS = """
#main { height: 1fr; }
#left { width: 26; border-right: vkey $panel; }
#center { width: 1fr; }
#right { width: 34; border-left: vkey $panel; }
.section { height: 1; padding: 0 1; background: $panel; color: $text-muted; text-style: bold; }
#status { height: 1; padding: 0 1; background: $boost; color: $text; }
#documents { height: 1fr; }
#details-box { height: 9; }
#details { height: 9; }
Screen.narrow #left { display: none; }
Screen.narrow #right { width: 30; }
Screen.tall #suggestions { height: 14; max-height: 14; }
Screen.short #details-box, Screen.short #details { height: 6; }
Screen.tiny #right { display: none; }
Screen.tiny.show-right #right { display: block; width: 100%; }
Screen.tiny.show-right #center { display: none; }
"""


# workspace actions stay off while another full screen (the review) is on top of the workspace
WORKSPACE_ACTIONS = {s.action.split("(")[0] for s in SPECS if s.scope == "app"} - {"quit"}
DEFAULT = object()  # make_app's nlp_factory: the real suggester unless settings say otherwise


class QualcodeApp(AnalysisActions, SuggestActions, ViewActions, CodingActions, CodebookActions, BrowseActions, App):
    CSS = CSS
    TITLE = "qualcode"
    BINDINGS = bindings("app")
    COMMANDS = App.COMMANDS | {WorkspaceCommands}

    def __init__(self, project_path, settings: dict | None = None, nlp_factory=DEFAULT) -> None:
        super().__init__()
        self.project_path = Path(project_path)
        self.settings = dict(settings or {})
        if nlp_factory is DEFAULT:
            off = self.settings.get("suggestions") is False
            nlp_factory = None if off else default_nlp_factory(self.settings.get("model"))
        self.nlp_factory = nlp_factory
        self.init_suggestions()
        self.ws: Workspace | None = None
        self.codes: dict = {}  # code uuid -> (name, colour)
        self.search_state: dict | None = None
        self.set_keymap(user_keymap(self.settings))
        theme = self.settings.get("theme")
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self._bad_theme = f"no theme '{theme}'; try one of {', '.join(sorted(self.available_themes)[:8])}…"

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in WORKSPACE_ACTIONS and len(self.screen_stack) > 1:
            return False
        return True

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield Static("DOCUMENTS  (d)", classes="section")
                yield DocumentList(id="documents")
            with Vertical(id="center"):
                yield Static("", id="status")
                yield RecentStrip(id="recent")
                yield TranscriptView(id="transcript")
            with Vertical(id="right"):
                yield Static("CODEBOOK  (C)", classes="section")
                yield CodebookPanel()
                yield Static("AT THE CURSOR", classes="section")
                with Vertical(id="details-box"):
                    yield DetailsPanel(id="details")
                yield Static("SUGGESTIONS", classes="section", id="suggestions-title")
                yield SuggestionsPanel(id="suggestions")
        yield Footer()

    @property
    def view(self) -> TranscriptView:
        return self._widgets["view"]

    @property
    def tree_widget(self) -> CodebookTree:
        return self._widgets["tree"]

    def on_mount(self) -> None:
        if getattr(self, "_bad_theme", None):
            self.notify(self._bad_theme, severity="warning")
        self._widgets = {
            "view": self.query_one(TranscriptView), "tree": self.query_one(CodebookTree),
            "status": self.query_one("#status", Static), "details": self.query_one(DetailsPanel),
            "documents": self.query_one(DocumentList), "suggestions": self.query_one(SuggestionsPanel),
        }
        self._responsive(self.size.width, self.size.height)
        coder = self.settings["coder"] if "coder" in self.settings else default_coder()
        if coder:
            self.start(coder)
        else:
            self.ask_coder(first=True)

    def on_resize(self, event) -> None:
        self._responsive(event.size.width, event.size.height)

    def _responsive(self, width: int, height: int = 40) -> None:
        self.screen.set_class(width < 110, "narrow")
        self.screen.set_class(height >= 40, "tall")  # room for three suggestions with whole names
        self.screen.set_class(height < 30, "short")
        self.screen.set_class(width < 70, "tiny")
        if self.ws is not None and self.is_mounted:
            self.update_suggestions_title()
        for footer in self.screen.query(Footer):  # under 110 columns every key must fit: no palette key
            footer.compact = width < 110
            footer.show_command_palette = width >= 110

    # -- the coder -------------------------------------------------------------------------------------
    def ask_coder(self, first: bool = False, note: str = "") -> None:
        """Ask who is coding. A new name is only taken after a confirmation (a stray ctrl+o and a
        few keys must not replace the coder); an empty name is refused with the reason."""
        current = self.ws.coder if self.ws else ""

        def done(name: str | None) -> None:
            if name is None:  # escape
                if first:
                    self.ask_coder(first=True, note="A name is needed to start: it is stamped on every coding. ")
                return
            if not name:
                keep = f" (esc keeps '{current}')" if current else ""
                self.ask_coder(first, note=f"An empty name is refused: every coding carries its coder's name{keep}. ")
                return
            if self.ws is None:
                self._set_coder(name)
                return
            if name == current:
                self.notify(f"still coding as {name}", timeout=2)
                return
            self.push_screen(Confirm("Change coder", f"Code as '{name}' from now on, instead of '{current}'? "
                                     f"Your new codings will carry '{name}', and it is remembered for next time.",
                                     yes="Change"), lambda yes: yes and self._set_coder(name))

        hint = ("Your name is stamped on every coding you make and remembered for next time. "
                "enter saves" + (" · esc cancels" if current else ""))
        self.push_screen(TextPrompt("Who is coding?", current, hint=note + hint, placeholder="your name"), done)

    def _set_coder(self, name: str) -> None:
        if self.settings.get("remember_coder", True):
            remember_coder(name)
        if self.ws is None:
            self.start(name)
            return
        self.ws.coder = self.ws.project.coder = name
        self.ws.recent = [c for c in self.ws.project.codings.recent_codes(name) if c in self.ws.tree]
        self.update_header()
        self.refresh_all(reload_overview=self.ws.mine_only)
        self.flash(f"✓ now coding as {name}")

    # -- start-up ---------------------------------------------------------------------------------------
    def start(self, coder: str) -> None:
        try:
            project = open_project(self.project_path, coder=coder)
        except QualcodeError as exc:
            self.exit(return_code=2, message=str(exc))
            return
        self.ws = Workspace(project, coder)
        self.title = f"qualcode · {project.meta('name') or self.project_path.stem}"
        self.update_header()
        self.refresh_codes()
        names = project.documents.names()
        stub = [type("Doc", (), {"uuid": u, "name": n, "kind": "", "length": 0, "respondents": ()})()
                for u, n in names.items()]
        self.query_one(DocumentList).set_documents(stub, {}, None)
        first = None
        if self.settings.get("document"):
            try:
                first = project.documents.get(self.settings["document"]).uuid
            except QualcodeError as exc:
                self.notify(str(exc), severity="warning")
        last = project.settings().get(f"tui_last_document:{coder}")
        first = first or (last if last in names else next(iter(names), None))
        if first:
            self.open_document(first)
        else:
            self.query_one("#status", Static).update("no documents yet: import transcripts with 'qualcode import'")
        self.rebuild_tree()
        self.update_recent()
        self.view.focus()
        self.set_timer(0.2, self.load_overview)  # after the first paint: it competes for the GIL
        self.start_suggestions()
        self.live = LiveRefresh(self)  # codings and codebook edits of other processes appear here
        self.live.start()
        from qualcode.tui import live_sync

        self._live_sync = live_sync.start(self)  # a team-server replica syncs in the background

    @work(thread=True, exclusive=True, group="overview")
    def load_overview(self) -> None:
        """Study-wide figures (documents' coded share, code counts) on a connection of its own."""
        project = open_project(self.project_path)
        try:
            overview = self.ws.load_overview(project)
        finally:
            close_reader(project)
        self.call_from_thread(self._overview_loaded, *overview)

    def _overview_loaded(self, documents, counts, coded_chars) -> None:
        if self.ws.doc is not None:  # the open document's figures are fresher than the worker's
            coded_chars[self.ws.doc.uuid] = self.ws.coded_chars.get(self.ws.doc.uuid, 0)
        self.ws.set_overview(documents, counts, coded_chars)
        self.refresh_document_list()
        self.tree_widget.update_counts(self.ws.counts)

    # -- refreshing -------------------------------------------------------------------------------------
    def update_header(self) -> None:
        who = "my codings" if self.ws and self.ws.mine_only else "all coders"
        self.sub_title = f"coder: {self.ws.coder if self.ws else '?'} · showing {who}"

    def refresh_codes(self) -> None:
        tree = self.ws.tree
        self.codes = {c.uuid: (c.name, code_colour(tree, c.uuid)) for c in tree}

    def rebuild_tree(self, select: str | None = None) -> None:
        query = self.query_one("#code-filter").value
        self.tree_widget.rebuild(self.ws.tree, self.ws.counts, self.codes, query, select)

    def refresh_document_list(self) -> None:
        if self.ws.documents:
            self._widgets["documents"].set_documents(
                self.ws.documents, self.ws.coded_chars, self.ws.doc.uuid if self.ws.doc else None)

    def refresh_all(self, reload_overview: bool = False, tree: bool = False) -> None:
        """After any change: the open document's codings, counts, the tree and the panels."""
        if tree:
            self.refresh_codes()
            self.rebuild_tree()
            self.reload_suggester()
        else:
            self.tree_widget.update_counts(self.ws.counts)
        self.view.set_coverage(self.ws.coverage, self.codes)
        self.update_details()
        self.update_status()
        self.update_recent()
        if self.ws.doc is not None:
            self._widgets["documents"].update_document(self.ws.doc.uuid, self.ws.coded_chars.get(self.ws.doc.uuid, 0))
        if reload_overview:
            self.load_overview()

    def open_document(self, uuid: str, start: int | None = None, end: int | None = None) -> None:
        try:
            doc = self.ws.open_document(uuid)
        except QualcodeError as exc:
            self.notify(str(exc), severity="error")
            return
        self.view.load(doc, self.ws.coverage, self.codes)
        self.load_marks()
        if start is not None:
            self.call_after_refresh(self.view.goto, start, end)
        self.refresh_document_list()
        self.update_status()

    def update_status(self) -> None:
        ws, view = self.ws, self.view
        if ws is None or ws.doc is None:
            return
        doc = ws.doc
        block = doc.block_at(view.cursor)
        turn = f"turn {block.turn + 1}/{len(doc.turns)}" if block and block.turn is not None else ""
        share = ws.coded_chars.get(doc.uuid, 0) / len(doc.text) if doc.text else 0
        mode = ""
        if view.adjusting:
            mode = "[b reverse] ADJUSTING [/] extend keys · o swaps ends · enter saves · esc cancels  "
        elif view.selecting:
            mode = "[b reverse] SELECTING [/] move to extend · c codes · esc stops  "
        elif view.selection():
            s, e = view.selection()
            mode = f"[b]{plural(len(doc.text[s:e].split()), 'word')} selected[/b]  "
        n = len(ws.coverage)
        flash = getattr(self, "_flash", "")
        note = f"[i]{escape(flash)}[/i]  " if flash and not view.adjusting else ""
        status = f"[b]{escape(doc.name)}[/b]  {turn}  {mode}{note}{share:.0%} coded · {n} coding{'' if n == 1 else 's'}"
        if status != getattr(self, "_last_status", None):
            self._last_status = status
            self._widgets["status"].update(status, layout=False)

    def update_recent(self) -> None:
        if self.ws is not None:
            self.query_one(RecentStrip).show(self.ws.recent, self.codes)

    def flash(self, message: str) -> None:
        """A short confirmation in the status line (cheaper and calmer than a toast)."""
        self._flash = message
        self._flash_id = generation = getattr(self, "_flash_id", 0) + 1
        self.update_status()

        def clear() -> None:  # only the latest flash's timer clears (an equal older one must not)
            if self._flash_id == generation:
                self._flash = ""
                self.update_status()

        self.set_timer(4, clear)

    def update_details(self) -> None:
        ws, view = self.ws, self.view
        if ws is None or ws.doc is None:
            return
        sel = view.selection()
        codings = self._codings_here()
        a, b = sel or (view.cursor, view.cursor + 1)
        self._widgets["details"].show(codings, ws.tree, self.codes, ws.doc.block_at(view.cursor),
                                      "selection" if sel else "cursor", ws.coder, page=ws.page_label(a, b))

    def on_transcript_view_cursor_moved(self, message: TranscriptView.CursorMoved) -> None:
        self.update_details()
        self.update_status()
        self.request_suggestions()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, DocumentList) and event.option_id:
            self.open_document(event.option_id)
            self.view.focus()

    def on_unmount(self) -> None:
        from qualcode.tui import live_sync

        live_sync.stop(getattr(self, "_live_sync", None))
        if self.ws is not None:
            if self.ws.doc is not None:
                try:
                    self.ws.project.set_setting(f"tui_last_document:{self.ws.coder}", self.ws.doc.uuid)
                except Exception:  # noqa: BLE001 - remembering the place must never block quitting
                    pass
            self.ws.project.close()


def make_app(project_path, settings: dict | None = None, nlp_factory=DEFAULT) -> QualcodeApp:
    """The one factory for the CLI and the tests. ``settings`` may hold ``coder``, ``keys``
    (binding id -> keys), ``theme``, ``document`` (the one to open first), ``remember_coder``
    (default True), ``suggestions`` (default True) and ``model`` (a spaCy model for them).
    ``nlp_factory`` (``project -> suggester``) replaces the default suggester; None turns
    suggestions off."""
    return QualcodeApp(project_path, settings, nlp_factory)


def run_tui(path, settings: dict | None = None, nlp_factory=DEFAULT) -> int:
    from qualcode.store.db import open_database

    open_database(path).close()  # a clear error before the screen switches, if it is not a project
    app = make_app(path, settings, nlp_factory)
    app.run()
    return app.return_code or 0
