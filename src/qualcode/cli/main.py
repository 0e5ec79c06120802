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
    "qualcode.cli.demo_cmd",
    "qualcode.cli.tui_cmd",
    "qualcode.cli.suggest_cmds",
    "qualcode.cli.team_cmds",
    "qualcode.cli.agreement_cmds",
    "qualcode.cli.export_cmds",
    "qualcode.cli.refi_cmds",
    "qualcode.cli.memo_cmds",
    "qualcode.cli.set_cmds",
    "qualcode.cli.summary_cmds",
    "qualcode.cli.search_cmds",
    "qualcode.cli.sample_cmds",
]


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="qualcode",
        description="Keyboard-first qualitative coding of interview and focus-group transcripts.",
    )
    parser.add_argument("--version", action="version", version=f"qualcode {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real missing dependency inside the module
                raise
            continue
        module.register(sub)
    _add_mkdir(parser)
    return parser


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
    parser = build_parser()
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
    except KeyboardInterrupt:
        print("interrupted; the project is unchanged by the step that was running.", file=sys.stderr)
        return 130
