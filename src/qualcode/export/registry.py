"""The registry of ``qualcode export ACTION`` sub-commands.

argparse cannot spread one sub-command group over several modules, so ``qualcode export`` is a
group whose actions are looked up here. Built-in actions (matrix, quotes, frequencies,
cooccurrence, tidy, charts) are registered by :mod:`qualcode.cli.export_cmds`; any other module
adds its own action with :func:`register_export`.

Contract for another module (e.g. ``qualcode/cli/refi_cmds.py`` adding ``qualcode export refi``)::

    from qualcode.export.registry import register_export

    def _arguments(parser):          # parser already has: project (positional), -o/--output
        parser.add_argument("--codebook-only", action="store_true")

    def _run(args) -> int:           # args.project, args.output, plus your own options
        ...                          # open the project, write args.output atomically
        return 0                     # raise qualcode.errors.ProjectError for user errors

    def register(sub):               # called by qualcode.cli.main like every command module
        register_export("refi", "write a REFI-QDA project (.qdpx) or codebook (.qdc)",
                        _arguments, _run, suffixes=(".qdpx", ".qdc"))

Rules:

- Call :func:`register_export` at import time or from your module's ``register(sub)``; the order
  in which command modules load does not matter (an action registered after the ``export``
  group was built is attached to it at once).
- Every action gets ``project`` and ``-o/--output`` (required) before ``add_arguments`` runs.
  ``suffixes`` (optional) lists the output suffixes the action writes; a wrong suffix is then
  refused with one clear sentence before ``run`` is called. Use ``suffixes=("/",)`` for an
  action that writes a folder.
- :func:`add_filter_arguments` adds the shared ``--coder``, ``--where``, ``--pseudonymise`` and
  ``--pseudonym-map`` options, if your action wants them
  (:func:`qualcode.export.options.options_from_args` turns them into an ``ExportOptions``).
- ``run(args)`` returns an exit code (0 or None for success). Errors the user can cause are
  raised as :class:`qualcode.errors.ProjectError` (one sentence); the CLI prints them and exits
  non-zero. Exports never change the project: open it, wrap the work in
  ``project.read_only()``, and write files atomically (:func:`qualcode.export.writers.atomic_path`).
- Registering the same name twice replaces the earlier entry (so repeated parser builds in tests
  are harmless).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Exporter:
    name: str
    help: str
    add_arguments: Callable
    run: Callable
    suffixes: tuple[str, ...] = ()
    description: str | None = None


EXPORTERS: dict[str, Exporter] = {}


@dataclass
class _Group:
    subparsers: object = None
    attached: set = field(default_factory=set)


_GROUP = _Group()


def register_export(name: str, help: str, add_arguments: Callable, run: Callable,
                    suffixes: tuple[str, ...] = (), description: str | None = None) -> Exporter:
    """Add (or replace) the action ``qualcode export NAME``."""
    exporter = Exporter(name, help, add_arguments, run, tuple(suffixes), description)
    EXPORTERS[name] = exporter
    if _GROUP.subparsers is not None and name not in _GROUP.attached:
        _attach(exporter)
    return exporter


def attach_group(subparsers) -> None:
    """Make ``subparsers`` (the ``export`` group's sub-parsers) the place new actions go, and add
    every action known so far."""
    _GROUP.subparsers = subparsers
    _GROUP.attached = set()
    for exporter in list(EXPORTERS.values()):
        _attach(exporter)


def _attach(exporter: Exporter) -> None:
    p = _GROUP.subparsers.add_parser(exporter.name, help=exporter.help,
                                     description=exporter.description or exporter.help)
    p.add_argument("project", help="the project file (.qualcode)")
    what = "folder" if exporter.suffixes == ("/",) else "file"
    kinds = "" if exporter.suffixes in ((), ("/",)) else f" ({', '.join(exporter.suffixes)}, chosen by the suffix)"
    p.add_argument("-o", "--output", required=True, help=f"the {what} to write{kinds}")
    exporter.add_arguments(p)
    p.set_defaults(func=_runner(exporter.name), export_action=exporter.name)
    _GROUP.attached.add(exporter.name)


def _runner(name: str) -> Callable:
    def run(args):
        from qualcode.errors import ProjectError

        exporter = EXPORTERS[name]  # the latest registration wins
        check_suffix(args.output, exporter.suffixes, name)
        if exporter.suffixes != ("/",):  # refuse a project or a missing folder before any work
            from qualcode.store.files import prepare_output

            prepare_output(args.output)
        try:
            return exporter.run(args)
        except OSError as exc:  # a full disk, a folder without write permission, …
            where = exc.filename or args.output
            raise ProjectError(f"{where}: cannot write the export ({exc.strerror or exc}); "
                               "nothing was replaced.") from exc

    return run


def check_suffix(output: str, suffixes: tuple[str, ...], action: str) -> None:
    from pathlib import Path

    from qualcode.errors import ProjectError

    if not suffixes or suffixes == ("/",):
        return
    suffix = Path(output).suffix.lower()
    if suffix not in suffixes:
        raise ProjectError(
            f"{output}: 'export {action}' writes {', '.join(suffixes)} files; "
            f"choose an output name ending in one of those (not '{suffix or 'no suffix'}')."
        )


def add_filter_arguments(parser, pseudonymise: bool = True) -> None:
    """The options most exports share: which coder, which respondents, pseudonyms."""
    parser.add_argument("--coder", default="all",
                        help="NAME (one coder), 'consensus' (passages every coder of the document "
                             "coded alike) or 'all' (default; identical spans shown once)")
    parser.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                        help="only respondents/documents whose attribute matches (repeatable; "
                             "the same key twice means either value; KEY!=VALUE excludes)")
    if pseudonymise:
        parser.add_argument("--pseudonymise", "--pseudonymize", action="store_true", dest="pseudonymise",
                            help="replace respondent and speaker names by R01, R02 … (also inside quotes)")
        parser.add_argument("--pseudonym-map", metavar="FILE",
                            help="also write the name → pseudonym mapping to this CSV file (keep it safe)")
