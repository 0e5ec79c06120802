"""REFI-QDA exchange: ``import-refi``, ``export refi`` (and ``init --from-refi`` through init_from_refi)."""

from __future__ import annotations

from pathlib import Path

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, err_console, print_json
from qualcode.errors import ProjectError

POSITIONS = {"auto": None, "utf16": True, "codepoints": False}


def register(sub) -> None:
    p = sub.add_parser("import-refi", help="import a REFI-QDA project (.qdpx) from NVivo, ATLAS.ti, MAXQDA, …",
                       description="Import a REFI-QDA project (.qdpx): documents, codes, codings with their "
                       "coders, cases and variables, notes and sets. The project file is created when it "
                       "does not exist; otherwise the import is added to it. All or nothing.")
    p.add_argument("project", help="the project file (.qualcode)")
    p.add_argument("file", help="the .qdpx file")
    add_import_arguments(p)
    add_json(p)
    p.set_defaults(func=cmd_import_refi)
    import importlib.util

    try:
        from qualcode.export.registry import register_export
    except ImportError:
        register_export = None
    if register_export is not None:
        register_export("refi", "write a REFI-QDA project (.qdpx) or codebook (.qdc)", _export_arguments,
                        cmd_export_refi, suffixes=(".qdpx", ".qdc"))
    if register_export is None or importlib.util.find_spec("qualcode.cli.export_cmds") is None:
        p = sub.add_parser("refi-export", help="write a REFI-QDA project (.qdpx) or codebook (.qdc)")
        p.add_argument("project")
        p.add_argument("-o", "--output", required=True)
        _export_arguments(p)
        p.set_defaults(func=cmd_export_refi)


def add_import_arguments(parser) -> None:
    """--positions and --lang (shared with ``qualcode init --from-refi``)."""
    parser.add_argument("--positions", choices=sorted(POSITIONS), default="auto",
                        help="how the file counts text positions: utf16 (NVivo for Windows), codepoints "
                             "(the standard) or auto (default: detected from the file)")
    if not any("--lang" in a.option_strings for a in parser._actions):
        parser.add_argument("--lang", default="nl", choices=["nl", "en"],
                            help="language of the transcripts, for a new project (default nl)")


def _export_arguments(parser) -> None:
    add_json(parser)


def cmd_import_refi(args) -> int:
    from qualcode.refi.project_import import import_refi_project

    report = import_refi_project(args.file, args.project, args.lang, utf16=POSITIONS[args.positions])
    return print_report(report, json_output=getattr(args, "json", False))


def init_from_refi(args) -> int:
    """``qualcode init PROJECT --from-refi FILE.qdpx`` (called by cmd_init)."""
    from qualcode.refi.project_import import import_refi_project

    if getattr(args, "codebook", None):
        raise ProjectError("use --codebook or --from-refi, not both; load another codebook afterwards "
                           "with 'qualcode codebook import'.")
    report = import_refi_project(args.from_refi, args.project, args.lang,
                                 utf16=POSITIONS[getattr(args, "positions", "auto") or "auto"],
                                 must_be_new=True, name=getattr(args, "name", None))
    return print_report(report, json_output=getattr(args, "json", False))


def print_report(report, json_output: bool = False) -> int:
    if json_output:
        print_json(report.as_dict())
        return 0
    verb = "created" if report.created else "updated"
    console.print(f"{verb} {report.project} from {report.source}"
                  + (f" (written by {report.origin})" if report.origin else ""), highlight=False)
    width = max((len(k) for k in report.counts), default=0)
    for what, n in report.counts.items():
        mark = "" if n["xml"] == n["project"] else "  [yellow]≠[/]"
        console.print(f"  {what:<{width}}  {n['xml']:>6} in the file  {n['project']:>6} in the project{mark}",
                      highlight=False)
    console.print(f"  positions read as {report.positions_reason}", highlight=False)
    for line in report.warnings:
        err_console.print(f"[yellow]note:[/] {line}", highlight=False, soft_wrap=True)
    if report.not_imported:
        err_console.print("[bold yellow]not imported[/] (qualcode holds texts, not media, regions or graphs):",
                          highlight=False)
        for line in report.not_imported:
            err_console.print(f"  - {line}", highlight=False, soft_wrap=True)
    else:
        console.print("everything in the file was imported.")
    return 0


def cmd_export_refi(args) -> int:
    output = Path(args.output)
    with opened(args.project) as project:
        if output.suffix.lower() == ".qdc":
            import json

            from qualcode.refi.codebook import write_qdc

            header = json.loads(project.meta("codebook", "{}") or "{}")
            specs = project.codebook.specs()
            write_qdc(output, header, specs)
            summary = {"output": str(output), "codes": len(project.codebook.tree())}
        else:
            from qualcode.refi.project_writer import export_refi_project

            summary = export_refi_project(project, output)
    if getattr(args, "json", False):
        print_json(summary)
    else:
        parts = ", ".join(f"{v} {k}" for k, v in summary.items() if k != "output")
        console.print(f"wrote {summary['output']} ({parts})", highlight=False)
    return 0
