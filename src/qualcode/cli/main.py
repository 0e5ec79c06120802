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
    "qualcode.cli.server_cmds",
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        result = args.func(args)
        return int(result or 0)
    except QualcodeError as exc:
        from qualcode.cli.output import err_console

        from rich.markup import escape

        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; the project is unchanged by the step that was running.", file=sys.stderr)
        return 130
