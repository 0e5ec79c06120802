"""qualcode export ACTION: data matrix, quote book, frequencies, co-occurrence, tidy data, charts.

``export`` is a group whose actions live in :mod:`qualcode.export.registry`; other modules (the
REFI-QDA export) add theirs with ``register_export`` — see that module's docstring for the contract.
"""

from __future__ import annotations

from qualcode.cli.common import opened
from qualcode.export.registry import add_filter_arguments, attach_group, register_export


def register(sub) -> None:
    p = sub.add_parser(
        "export", help="export a data matrix, quote book, frequencies, co-occurrence, tidy data or charts",
        description="Export the coded material for analysis and reports. Exports only read the project.",
    )
    actions = p.add_subparsers(dest="export_action", metavar="ACTION")
    _register_builtin()
    attach_group(actions)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])


def _csv_list(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    out = [v.strip() for item in values for v in item.split(",") if v.strip()]
    return out or None


# -- argument sets -----------------------------------------------------------------------------------
def _matrix_args(p) -> None:
    p.add_argument("--rows", choices=["respondents", "documents"], default="respondents",
                   help="one row per respondent (default) or per document")
    p.add_argument("--columns", nargs="+", metavar="themes|codes|PATH", default=["themes"],
                   help="one column per theme (default), per code, or per named code (with its sub-codes)")
    p.add_argument("--attributes", action="append", metavar="KEY[,KEY…]",
                   help="attribute columns to show, in this order (default: all)")
    p.add_argument("--sheets", action="store_true", help="also a sheet per theme, its codes as columns")
    p.add_argument("--cells", choices=["quotes", "summaries", "both"], default="quotes",
                   help="cells hold the coded quotes (default), your summaries ('qualcode summary'), or both")
    add_filter_arguments(p)


def _quotes_args(p) -> None:
    p.add_argument("--codes", nargs="+", metavar="PATH", help="only these codes (each with its sub-codes)")
    p.add_argument("--attributes", action="append", metavar="KEY[,KEY…]",
                   help="respondent attributes to cite with each quote (default: all)")
    p.add_argument("--memos", action="store_true", help="also the memos on each code, under its heading")
    add_filter_arguments(p)


def _frequencies_args(p) -> None:
    p.add_argument("--by", metavar="ATTRIBUTE", help="break the counts down by this attribute (e.g. perspective)")
    add_filter_arguments(p, pseudonymise=False)


def _cooccurrence_args(p) -> None:
    p.add_argument("--unit", choices=["span", "turn", "document"], default="span",
                   help="overlapping passages (default), same speaker turn, or same document")
    p.add_argument("--codes", nargs="+", dest="columns", metavar="themes|codes|PATH", default=["codes"],
                   help="rows and columns: every used code (default), the themes, or named codes")
    add_filter_arguments(p, pseudonymise=False)


def _tidy_args(p) -> None:
    add_filter_arguments(p)


def _charts_args(p) -> None:
    p.add_argument("--by", metavar="ATTRIBUTE", help="bars per group of this attribute (e.g. perspective)")
    p.add_argument("--unit", choices=["span", "turn", "document"], default="span", help="unit of the heatmap")
    p.add_argument("--max-codes", type=int, default=30, help="codes in the heatmap (the most used; default 30)")
    add_filter_arguments(p, pseudonymise=False)


# -- running -------------------------------------------------------------------------------------------
def _prepare(args):
    from qualcode.errors import ProjectError
    from qualcode.export.options import options_from_args
    from qualcode.export.progress import RichProgress

    options = options_from_args(args)
    if options.pseudonym_map and not options.pseudonymise:
        raise ProjectError("--pseudonym-map only makes sense with --pseudonymise.")
    return options, RichProgress()


def _report(written, project=None, options=None) -> int:
    from qualcode.cli.output import err_console

    paths = written.paths if hasattr(written, "paths") else written
    if not paths:
        err_console.print("nothing to draw: no coded passages match (check --coder and --where).")
    for path in paths:
        err_console.print(f"wrote {path}", highlight=False)
    if getattr(written, "truncated", 0):
        err_console.print(f"[yellow]note:[/] {written.truncated} cell(s) exceeded Excel's 32,767 characters and "
                          "were cut (marked in the cell); the .csv, .md or .html export holds them in full.")
    if project is not None and options is not None and options.pseudonym_map:
        from qualcode.export.pseudonym import write_mapping

        n = write_mapping(project, options.pseudonym_map)
        err_console.print(f"wrote {options.pseudonym_map} ({n} names; keep it apart from the exports)")
    return 0


def _run_matrix(args) -> int:
    from qualcode.export.matrix import export_matrix

    options, progress = _prepare(args)
    with opened(args.project) as project:
        written = export_matrix(project, args.output, args.rows, args.columns, _csv_list(args.attributes),
                                args.sheets, options, progress, getattr(args, "cells", "quotes"))
        with project.read_only():
            return _report(written, project, options)


def _run_quotes(args) -> int:
    from qualcode.export.quotes import export_quotes

    options, progress = _prepare(args)
    with opened(args.project) as project:
        written = export_quotes(project, args.output, options, _csv_list(args.attributes), progress)
        with project.read_only():
            return _report(written, project, options)


def _run_frequencies(args) -> int:
    from qualcode.export.frequencies import export_frequencies

    options, progress = _prepare(args)
    with opened(args.project) as project:
        return _report(export_frequencies(project, args.output, args.by, options, progress))


def _run_cooccurrence(args) -> int:
    from qualcode.export.cooccurrence import export_cooccurrence

    options, progress = _prepare(args)
    with opened(args.project) as project:
        return _report(export_cooccurrence(project, args.output, args.unit, args.columns, options, progress))


def _run_tidy(args) -> int:
    from qualcode.export.tidy import export_tidy

    options, progress = _prepare(args)
    with opened(args.project) as project:
        written = export_tidy(project, args.output, options, progress)
        with project.read_only():
            return _report(written, project, options)


def _run_charts(args) -> int:
    from qualcode.export.charts import export_charts

    options, progress = _prepare(args)
    with opened(args.project) as project:
        return _report(export_charts(project, args.output, args.by, args.unit, options, args.max_codes, progress))


def _register_builtin() -> None:
    register_export("matrix", "the data matrix: respondents (or documents) × themes or codes, cells the coded "
                    "passages with references", _matrix_args, _run_matrix, (".xlsx", ".csv", ".md", ".html"))
    register_export("quotes", "a quote book grouped by theme and code, each quote with its citation",
                    _quotes_args, _run_quotes, (".docx", ".md", ".csv", ".xlsx"))
    register_export("frequencies", "per code: codings and respondents who mention it, optionally by an attribute",
                    _frequencies_args, _run_frequencies, (".xlsx", ".csv", ".md", ".html"))
    register_export("cooccurrence", "code × code counts of overlapping passages, shared turns or documents",
                    _cooccurrence_args, _run_cooccurrence, (".csv", ".xlsx", ".md", ".html"))
    register_export("tidy", "one row per coding with every attribute, plus a respondent × code 0/1 table",
                    _tidy_args, _run_tidy, (".csv", ".xlsx"))
    register_export("charts", "PNG bar charts of code frequencies (by group) and a co-occurrence heatmap",
                    _charts_args, _run_charts, ("/",))
