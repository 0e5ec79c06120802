"""The `qualcode` command: parse arguments, call the core, print. Nothing heavy is imported here."""

from __future__ import annotations

import argparse
import sys

from qualcode import __version__
from qualcode.errors import QualcodeError

# Each module adds its sub-commands with register(subparsers).
COMMAND_MODULES = [
    "qualcode.cli.project_cmds",
    "qualcode.cli.coding_cmds",
    "qualcode.cli.privacy_cmds",
    "qualcode.cli.demo_cmd",
    "qualcode.cli.tui_cmd",
    "qualcode.cli.serve_cmd",
    "qualcode.cli.suggest_cmds",
    "qualcode.cli.team_cmds",
    "qualcode.cli.agreement_cmds",
    "qualcode.cli.export_cmds",
    "qualcode.cli.refi_cmds",
    "qualcode.cli.survey_cmds",
    "qualcode.cli.memo_cmds",
    "qualcode.cli.set_cmds",
    "qualcode.cli.summary_cmds",
    "qualcode.cli.search_cmds",
    "qualcode.cli.sample_cmds",
    "qualcode.cli.server_cmds",
]

# Which module registers which command, with its one-line help: so that a command imports only
# its own module, and `qualcode --help` imports none. tests/cli/test_startup.py keeps this table
# in step with what the modules register.
COMMANDS: dict[str, tuple[str, str]] = {
    'init': ('project_cmds', 'create a project file'),
    'import': ('project_cmds', 'import transcripts and documents (.txt .md .docx .vtt .srt .pdf .odt .rtf)'),
    'attributes': ('project_cmds', 'set respondent or document attributes from a CSV'),
    'codebook': ('project_cmds', 'show, import, export or edit the codebook (add, rename, move, merge, delete)'),
    'documents': ('project_cmds', 'list documents: kind, respondents, turns, coded share'),
    'show': ('project_cmds', 'print one document as turns'),
    'status': ('project_cmds', 'an overview of the project'),
    'speakers': ('project_cmds', "list respondents and interviewers; change a speaker's role"),
    'undo': ('project_cmds', 'undo the latest change'),
    'redo': ('project_cmds', 'redo the latest undone change'),
    'code': ('coding_cmds', 'code a passage: by offsets, turn number or quote'),
    'uncode': ('coding_cmds', 'remove codings: by id, or by document, span, code and coder'),
    'codings': ('coding_cmds', 'list or export codings (table, csv, jsonl, json)'),
    'import-codings': ('coding_cmds', 'add codings from a coder file (CSV or JSONL)'),
    'names': ('privacy_cmds', 'find names of people and places in the material; confirm them for --pseudonymise'),
    'citations': ('privacy_cmds', 'choose the respondent attributes quotes are cited with; see who they identify'),
    'demo': ('demo_cmd', 'build the demo study from transcripts/ and codebooks/, then open the TUI'),
    'tui': ('tui_cmd', 'open the coding workspace (the terminal user interface)'),
    'serve': ('serve_cmd', 'serve the coding workspace in a web browser (localhost by default)'),
    'suggest': ('suggest_cmds', 'suggest codes for respondent turns; --train to learn from your codings, --evaluate to measure'),
    'handout': ('team_cmds', 'a copy of the study for one coder (optionally some documents only)'),
    'merge': ('team_cmds', "merge coders' project files into one, with provenance"),
    'replace-text': ('team_cmds', "replace a document's text with a corrected transcript; codings move along"),
    'flagged': ('team_cmds', 'codings flagged for review after a text change or a merge: list, place, discard'),
    'agreement': ('agreement_cmds', 'intercoder agreement per code, per domain and overall'),
    'disagreements': ('agreement_cmds', 'list the passages where coders differ'),
    'consensus': ('agreement_cmds', "settle a passage into the 'consensus' coder's codings"),
    'review': ('agreement_cmds', "review one document's disagreements side by side (TUI)"),
    'export': ('export_cmds', 'export a data matrix, quote book, frequencies, co-occurrence, tidy data or charts'),
    'import-refi': ('refi_cmds', 'import a REFI-QDA project (.qdpx or a bare .qde) from NVivo, ATLAS.ti, MAXQDA, …'),
    'import-survey': ('survey_cmds', 'import open survey answers (.csv, .xlsx): a document per question'),
    'memo': ('memo_cmds', 'write a memo on a coding, code, document, case or the project'),
    'memos': ('memo_cmds', 'list memos: on codes, documents, cases, the project and codings'),
    'set': ('set_cmds', 'sets of documents, cases and codes: add, remove, list'),
    'summary': ('summary_cmds', "write or list summaries per respondent (case) x code: the data matrix's own cells"),
    'search': ('search_cmds', 'find text across the study: every hit with speaker, turn and context'),
    'autocode': ('search_cmds', "code every hit of a search (or each code's keywords), origin 'auto'"),
    'passages': ('search_cmds', 'every passage of a code (and its sub-codes) in full, with context'),
    'server': ('server_cmds', 'set up a team server on PostgreSQL: init, grant, blind, status, local'),
    'publish': ('server_cmds', 'put a project on a team server; the file becomes your replica'),
    'clone': ('server_cmds', 'make a local replica of a shared project'),
    'sync': ('server_cmds', "send my changes to the team server and bring everyone else's"),
}

# Modules that add actions to `qualcode export` (with register_export) besides export_cmds.
EXPORT_MODULES = ("refi_cmds", "sample_cmds")


def _top_parser():
    parser = argparse.ArgumentParser(
        prog="qualcode",
        description="Keyboard-first qualitative coding of interview and focus-group transcripts.",
    )
    parser.add_argument("--version", action="version", version=f"qualcode {__version__}")
    return parser


def build_parser(command: str | None = "*") -> argparse.ArgumentParser:
    """The parser. With ``command`` known, only the module that registers it is imported; with
    ``None`` (``--help``) the commands are listed from :data:`COMMANDS` and no module is imported;
    the default ``"*"`` registers every module's commands."""
    import importlib

    parser = _top_parser()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command is None:
        for name, (_, helptext) in COMMANDS.items():
            sub.add_parser(name, help=helptext, add_help=False)
        return parser
    if command in COMMANDS:
        modules = [f"qualcode.cli.{COMMANDS[command][0]}"]
        if command == "export":  # export refi, export sample live in their own modules
            modules += [f"qualcode.cli.{m}" for m in EXPORT_MODULES]
        elif command in ("tui", "demo"):  # the TUI's export screen (E) lists every export action
            modules += [f"qualcode.cli.{m}" for m in ("export_cmds", *EXPORT_MODULES)]
    else:
        modules = COMMAND_MODULES
    target = _OnlyCommand(sub, command) if command in COMMANDS and len(modules) == 1 else sub
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency inside the module
                raise
            continue
        module.register(target)
    _add_mkdir(parser)
    return parser


class _Unused:
    """Stands in for the parser of a command that is not being run: whatever is asked of it
    (add_argument, groups, defaults) is accepted and forgotten, so building the one parser that
    is needed does not pay for its module's other commands."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self


class _OnlyCommand:
    """The sub-parsers, for a module's register(): only ``command`` gets a real parser."""

    def __init__(self, sub, command: str):
        self._sub, self._command = sub, command

    def add_parser(self, name, **kwargs):
        if name == self._command or self._command in kwargs.get("aliases", ()):
            return self._sub.add_parser(name, **kwargs)
        return _Unused()

    def __getattr__(self, name):
        return getattr(self._sub, name)


def _command_in(argv: list[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
        if arg in ("-h", "--help", "--version"):
            return None
    return None


def _add_mkdir(parser: argparse.ArgumentParser) -> None:
    """Every command that writes a file (-o) also takes --mkdir: create a missing output folder."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_mkdir(child)
        elif "-o" in action.option_strings and not any("--mkdir" in a.option_strings for a in parser._actions):
            parser.add_argument("--mkdir", action="store_true", help="create the output's folder if it does not exist")


def _waiting(path, waited: float) -> None:
    print(f"waiting for {path}, in use by another qualcode (giving up after "
          f"{_busy_limit():.0f} s; QUALCODE_BUSY_TIMEOUT changes that)…", file=sys.stderr, flush=True)


def _busy_limit() -> float:
    from qualcode.store.db import busy_limit

    return busy_limit()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = _command_in(argv)
    parser = build_parser(command)
    if command is None:
        parser.parse_args(argv)  # --help, --version, or nothing
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    import sqlite3

    from qualcode.store import db as store_db
    from qualcode.store.files import allow_new_folders

    store_db.WAIT_HOOK = _waiting
    allow_new_folders(bool(getattr(args, "mkdir", False)))
    try:
        result = args.func(args)
        return int(result or 0)
    except sqlite3.DatabaseError as exc:
        from qualcode.cli.output import err_console

        from rich.markup import escape

        where = getattr(args, "project", None) or "the project file"
        err_console.print(f"[bold red]error:[/] {escape(str(where))}: the file is damaged or unreadable "
                          f"({escape(str(exc))}); nothing was changed.", highlight=False, soft_wrap=True)
        return 2
    except QualcodeError as exc:
        from qualcode.cli.output import err_console

        from rich.markup import escape

        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except BrokenPipeError:  # the output went to `head` or a pager that quit: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted; the project is unchanged by the step that was running.", file=sys.stderr)
        return 130
