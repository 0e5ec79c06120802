"""qualcode export sample: the sample description (a report's table 1)."""

from __future__ import annotations

from qualcode.cli.common import opened
from qualcode.export.registry import add_filter_arguments, register_export


def _arguments(p) -> None:
    p.add_argument("--by", action="append", metavar="KEY[,KEY…]",
                   help="respondent attributes to count by, e.g. role,perspective (default: up to three "
                        "attributes with 2–10 values)")
    add_filter_arguments(p, pseudonymise=False)


def _run(args) -> int:
    from qualcode.cli.export_cmds import _csv_list, _prepare, _report
    from qualcode.export.sample import export_sample

    options, _ = _prepare(args)
    with opened(args.project) as project:
        return _report(export_sample(project, args.output, _csv_list(args.by), options))


def register(sub) -> None:
    register_export("sample", "the sample description (table 1): respondents by attribute combinations, with N",
                    _arguments, _run, (".xlsx", ".docx", ".md", ".csv", ".html"))
