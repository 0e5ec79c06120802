"""Every key binding of the workspace, with an id users can remap in their config file.

    # ~/.config/qualcode/config.toml
    [keys]
    "code" = "c,enter"
    "undo" = "u,ctrl+z"

The same table feeds the footer, the help screen (?) and the command palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from qualcode.config import load_config


@dataclass(frozen=True)
class Spec:
    id: str
    keys: str
    action: str
    description: str
    scope: str  # app | transcript | codebook
    show: bool = False  # in the footer
    short: str = ""  # the footer's label

    @property
    def label(self) -> str:
        return self.short or self.description


SPECS: list[Spec] = [
    # -- coding (app-wide) ----------------------------------------------------------------------
    Spec("code", "c", "code", "Code the passage (fuzzy code picker)", "app", True, short="code"),
    *[Spec(f"code-recent-{i}", str(i), f"apply_recent({i})", f"Apply recent code {i}", "app")
      for i in range(1, 10)],
    Spec("uncode", "delete,backspace", "uncode", "Remove a coding under the cursor", "app", True, short="uncode"),
    Spec("memo", "m", "memo", "Write a memo on a coding under the cursor", "app"),
    Spec("adjust", "s", "adjust", "Adjust the span of a coding under the cursor", "app"),
    Spec("undo", "u", "undo", "Undo the last change", "app", True, short="undo"),
    Spec("redo", "ctrl+r", "redo", "Redo the last undone change", "app"),
    # -- suggestions -----------------------------------------------------------------------------
    Spec("suggestion-accept", "a", "accept_suggestion", "Accept the highlighted suggestion (on the selection, if any)",
         "app", True, short="accept"),
    Spec("suggestion-reject", "x", "reject_suggestion", "Reject the highlighted suggestion", "app", True, short="reject"),
    Spec("suggestion-next", "full_stop", "cycle_suggestion(1)", "Highlight the next suggestion", "app"),
    Spec("suggestion-prev", "comma", "cycle_suggestion(-1)", "Highlight the previous suggestion", "app"),
    Spec("suggestions-retrain", "T", "retrain", "Retrain the suggester on the codings now", "app"),
    # -- finding ---------------------------------------------------------------------------------
    Spec("search", "slash", "search", "Search this document or the whole study", "app", True, short="search"),
    Spec("search-next", "n", "search_next(1)", "Next search match", "app"),
    Spec("search-prev", "N", "search_next(-1)", "Previous search match", "app"),
    Spec("next-uncoded", "right_square_bracket", "uncoded(1)", "Next uncoded respondent turn", "app", True, short="uncoded"),
    Spec("prev-uncoded", "left_square_bracket", "uncoded(-1)", "Previous uncoded respondent turn", "app"),
    Spec("passages", "p", "passages", "All passages of a code across the study", "app", True, short="passages"),
    Spec("documents", "D", "switch_document", "Open another document (fuzzy)", "app"),
    Spec("study-search", "ctrl+f", "study_search", "Search the study and code the hits (one by one or all)", "app"),
    Spec("memo-document", "M", "memo_document", "Write a memo on the open document", "app"),
    Spec("sets", "S", "sets", "Sets: put the open document or its respondents in a set", "app"),
    Spec("memos", "L", "memos", "List every memo: on codings, codes, documents, the project", "app"),
    # -- team work and output ------------------------------------------------------------------------
    Spec("review", "R", "review", "Review agreement: settle the coders' disagreements in this document", "app"),
    Spec("flagged", "F", "flagged", "Flagged codings: place or discard codings lost in a text change", "app"),
    Spec("matrix", "X", "matrix", "Code matrix: codes × respondents, counts shaded", "app"),
    Spec("export", "E", "export", "Export: matrix, quotes, frequencies, co-occurrence, tidy, charts, REFI", "app"),
    # -- workspace -------------------------------------------------------------------------------
    Spec("focus-documents", "d", "focus_documents", "Go to the document list", "app"),
    Spec("focus-codebook", "C", "focus_codebook", "Go to the codebook (edit codes)", "app"),
    Spec("focus-transcript", "escape", "focus_transcript", "Back to the transcript", "app"),
    Spec("toggle-coders", "A", "toggle_coders", "Show only my codings / all coders'", "app"),
    Spec("coder", "ctrl+o", "change_coder", "Change who is coding", "app"),
    Spec("help", "question_mark", "help", "Keys and help", "app", True, short="help"),
    Spec("quit", "q", "quit", "Quit", "app", True, short="quit"),
    # -- transcript: moving ------------------------------------------------------------------------
    Spec("line-down", "down", "line(1)", "Down one line", "transcript"),
    Spec("line-up", "up", "line(-1)", "Up one line", "transcript"),
    Spec("next-word", "right,w", "move('word', 1)", "Next word", "transcript"),
    Spec("prev-word", "left,b", "move('word', -1)", "Previous word", "transcript"),
    Spec("next-sentence", "right_parenthesis,ctrl+right", "move('sentence', 1)", "Next sentence", "transcript"),
    Spec("prev-sentence", "left_parenthesis,ctrl+left", "move('sentence', -1)", "Previous sentence", "transcript"),
    Spec("next-turn", "j,ctrl+down", "move('turn', 1)", "Next turn", "transcript"),
    Spec("prev-turn", "k,ctrl+up", "move('turn', -1)", "Previous turn", "transcript"),
    Spec("page-down", "pagedown,space", "page(1)", "Page down", "transcript"),
    Spec("page-up", "pageup", "page(-1)", "Page up", "transcript"),
    Spec("top", "home,g", "edge(-1)", "Start of the document", "transcript"),
    Spec("bottom", "end,G", "edge(1)", "End of the document", "transcript"),
    # -- transcript: selecting ----------------------------------------------------------------------
    Spec("select-turn", "t", "select_turn", "Select the whole turn", "transcript"),
    Spec("extend-word", "shift+right,W", "extend('word', 1)", "Extend the selection by a word", "transcript"),
    Spec("shrink-word", "shift+left,B", "extend('word', -1)", "Extend the selection a word back", "transcript"),
    Spec("extend-sentence", "greater_than_sign,ctrl+shift+right", "extend('sentence', 1)", "Extend the selection by a sentence", "transcript"),
    Spec("shrink-sentence", "less_than_sign,ctrl+shift+left", "extend('sentence', -1)", "Extend the selection a sentence back", "transcript"),
    Spec("extend-turn", "J,ctrl+shift+down", "extend('turn', 1)", "Extend the selection by a turn", "transcript"),
    Spec("shrink-turn", "K,ctrl+shift+up", "extend('turn', -1)", "Extend the selection a turn back", "transcript"),
    Spec("extend-line-down", "shift+down", "extend_line(1)", "Extend the selection a line down", "transcript"),
    Spec("extend-line-up", "shift+up", "extend_line(-1)", "Extend the selection a line up", "transcript"),
    Spec("select-mode", "v", "toggle_select", "Start/stop selecting with the movement keys", "transcript"),
    Spec("swap-ends", "o", "swap_ends", "Move the cursor to the other end of the selection", "transcript"),
    Spec("clear-selection", "escape", "clear_selection", "Clear the selection / cancel adjusting", "transcript"),
    Spec("confirm", "enter", "confirm", "Code the passage (or save an adjusted span)", "transcript"),
    # -- codebook --------------------------------------------------------------------------------------
    Spec("code-apply", "enter", "apply_highlighted", "Apply the highlighted code to the passage", "codebook", True, short="apply"),
    Spec("code-new", "n", "new_code(False)", "New code under the highlighted one", "codebook", True, short="new"),
    Spec("code-new-top", "N", "new_code(True)", "New top-level code (theme)", "codebook"),
    Spec("code-rename", "r", "rename_code", "Rename the highlighted code", "codebook", True, short="rename"),
    Spec("code-edit", "e", "edit_code", "Edit definition, keywords, colour", "codebook", True, short="edit"),
    Spec("code-move", "M", "move_code", "Move the code under another parent", "codebook", True, short="move"),
    Spec("code-merge", "J", "merge_code", "Merge the code into another", "codebook", True, short="merge"),
    Spec("code-delete", "delete", "delete_code", "Delete the code (asks first)", "codebook", True, short="delete"),
    Spec("code-passages", "p", "code_passages", "All passages of the highlighted code", "codebook"),
    Spec("code-memo", "m", "code_memo", "Write a memo on the highlighted code", "codebook"),
    Spec("code-filter", "slash,f", "filter_codes", "Filter the codebook", "codebook", True, short="filter"),
]

SCOPE_TITLES = {"app": "Everywhere", "transcript": "In the transcript", "codebook": "In the codebook tree"}


# the footer's order (narrow terminals cut it off at the right): the most used first, help early
FOOTER = ("code", "suggestion-accept", "suggestion-reject", "uncode", "undo", "search", "help", "quit",
          "next-uncoded", "passages")


def bindings(scope: str) -> list[Binding]:
    specs = [s for s in SPECS if s.scope == scope]
    specs.sort(key=lambda s: FOOTER.index(s.id) if s.show and s.id in FOOTER else len(FOOTER))
    return [Binding(s.keys, s.action, s.label, show=s.show, id=s.id, tooltip=s.description) for s in specs]


def user_keymap(settings: dict | None = None) -> dict[str, str]:
    """The ``[keys]`` table of the config file (or of ``settings``): binding id -> keys."""
    source = settings if settings is not None and "keys" in settings else load_config()
    table = source.get("keys") or {}
    known = {s.id for s in SPECS}
    return {k: str(v) for k, v in table.items() if k in known and str(v).strip()}
