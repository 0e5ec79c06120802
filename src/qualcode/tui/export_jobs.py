"""Exports from the TUI: every action in :mod:`qualcode.export.registry`, with the options its
``qualcode export ACTION`` parser declares, run exactly as the CLI runs them.

No Textual here. The export screen asks :func:`fields` what to offer for an action, and a worker
calls :func:`run_export` (the action's own ``run(args)`` on arguments parsed by the action's own
parser, so the TUI and the CLI cannot drift apart) and shows the files it wrote.
"""

from __future__ import annotations

import argparse
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import ProjectError

SKIP = {"help", "project", "output", "json"}
ORDER = ("matrix", "quotes", "frequencies", "cooccurrence", "tidy", "charts", "refi")


@dataclass
class Field:
    dest: str
    flag: str  # the option as typed on the command line, e.g. --rows
    kind: str  # check | choice | text
    help: str
    default: object = None
    choices: list[str] = field(default_factory=list)
    multi: str | None = None  # "append" (repeatable; typed separated by ';') or "nargs" (several words)

    @property
    def label(self) -> str:
        return self.flag.lstrip("-").replace("-", " ")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print and exit; say it in one sentence instead
        raise ProjectError(f"export options: {message}.")


def exporters() -> list:
    """The registered export actions, the built-in ones first in their usual order. (The CLI's
    modules register them as ``qualcode`` starts, before it opens the TUI.)"""
    from qualcode.export.registry import EXPORTERS

    return sorted(EXPORTERS.values(), key=lambda e: (ORDER.index(e.name) if e.name in ORDER else len(ORDER), e.name))


def parser_for(exporter) -> argparse.ArgumentParser:
    p = _Parser(prog=f"qualcode export {exporter.name}", add_help=False)
    p.add_argument("project")
    p.add_argument("-o", "--output", required=True)
    exporter.add_arguments(p)
    return p


def fields(exporter) -> list[Field]:
    out = []
    for action in parser_for(exporter)._actions:
        if action.dest in SKIP or not action.option_strings:
            continue
        flag = max(action.option_strings, key=len)
        helptext = (action.help or "").replace("%%", "%")
        if isinstance(action, argparse._StoreTrueAction):
            out.append(Field(action.dest, flag, "check", helptext, bool(action.default)))
            continue
        multi = "append" if isinstance(action, argparse._AppendAction) else (
            "nargs" if action.nargs in ("+", "*") else None)
        default = action.default
        if isinstance(default, list):
            default = "; ".join(default) if multi == "append" else " ".join(default)
        if action.choices:
            out.append(Field(action.dest, flag, "choice", helptext, default, [str(c) for c in action.choices], multi))
        else:
            out.append(Field(action.dest, flag, "text", helptext, "" if default is None else str(default), [], multi))
    return out


def default_output(project_path, exporter) -> str:
    """``exports/<project>-<action><suffix>`` next to the project file (a folder for charts)."""
    project_path = Path(project_path).resolve()
    suffix = exporter.suffixes[0] if exporter.suffixes else ""
    name = f"{project_path.stem}-{exporter.name}"
    folder = project_path.parent / "exports"
    return str(folder / name) if suffix in ("", "/") else str(folder / f"{name}{suffix}")


def argv_for(exporter, project_path, output: str, values: dict) -> list[str]:
    """The command line (after ``qualcode export ACTION``) for these form values."""
    argv = [str(project_path), "-o", output]
    for f in fields(exporter):
        value = values.get(f.dest)
        if f.kind == "check":
            if value:
                argv.append(f.flag)
            continue
        text = str(value if value is not None else "").strip()
        if not text or (f.kind == "choice" and text == str(f.default)):
            continue
        if f.multi == "append":
            for part in (p.strip() for p in text.split(";")):
                if part:
                    argv += [f.flag, part]
        elif f.multi == "nargs":
            argv += [f.flag, *shlex.split(text)]
        else:
            argv += [f.flag, text]
    return argv


@dataclass
class Result:
    paths: list[Path]
    notes: list[str]  # what the action printed besides "wrote …" (truncated cells, …); the screen fills it


def run_export(project_path, name: str, output: str, values: dict) -> Result:
    """Run ``qualcode export NAME`` with these options; returns the files it wrote and its notes."""
    from qualcode.export.registry import EXPORTERS, check_suffix

    if name not in EXPORTERS:
        raise ProjectError(f"no export action '{name}' is registered.")
    exporter = EXPORTERS[name]
    output = str(Path(output).expanduser())
    if not output.strip():
        raise ProjectError("name the file to write (the output).")
    args = parser_for(exporter).parse_args(argv_for(exporter, project_path, output, values))
    check_suffix(args.output, exporter.suffixes, name)
    target = Path(args.output)
    if exporter.suffixes != ("/",):
        target.parent.mkdir(parents=True, exist_ok=True)
    started = time.time() - 1
    try:
        code = exporter.run(args)
    except OSError as exc:
        raise ProjectError(f"{exc.filename or target}: cannot write the export ({exc.strerror or exc}); "
                           "nothing was replaced.") from exc
    if code not in (0, None):
        raise ProjectError(f"export {name} stopped (exit code {code}).")
    return Result(written_since(target, started, getattr(args, "pseudonym_map", None)), [])


def written_since(target: Path, started: float, extra: str | None = None) -> list[Path]:
    """The files the export wrote: the target, files beside it named after it (tidy writes two),
    or the files in the target folder (charts)."""
    if target.is_dir():
        found = [p for p in sorted(target.iterdir()) if p.is_file() and p.stat().st_mtime >= started]
    else:
        folder = target.parent
        found = [p for p in sorted(folder.glob(f"{target.stem}*")) if p.is_file() and p.stat().st_mtime >= started
                 and not p.name.startswith(".")]
    if extra and Path(extra).is_file() and Path(extra) not in found:
        found.append(Path(extra))
    return found
