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
    p.add_argument("--layout", choices=["rows", "wide", "themes"], default=None,
                   help="rows: long cells go on continuation rows (default for .xlsx and .docx); wide: one "
                        "row per respondent whatever its length (default for .csv, .md, .html); themes: "
                        "a sheet (.xlsx) or section (.docx) per theme")
    p.add_argument("--sort", metavar="ATTRIBUTE", help="order the rows by this attribute")
    p.add_argument("--group-by", metavar="ATTRIBUTE",
                   help="order the rows by this attribute with a heading row per group")
    _report_args(p)
    add_filter_arguments(p)


def _report_args(p) -> None:
    p.add_argument("--language", choices=["nl", "en"], help="language of the fixed labels (default: the project's)")
    p.add_argument("--no-merge", action="store_true",
                   help="with --coder all: keep overlapping passages of different coders apart (default: "
                        "merge them into one, every coder named)")


def _quotes_args(p) -> None:
    p.add_argument("--codes", nargs="+", metavar="PATH", help="only these codes (each with its sub-codes)")
    p.add_argument("--attributes", action="append", metavar="KEY[,KEY…]",
                   help="respondent attributes to cite with each quote (default: the project's citation "
                        "attributes, see 'qualcode citations'; none when not chosen)")
    p.add_argument("--memos", action="store_true",
                   help="include memos: the coders' memos on each quote and the memos on each code under its "
                        "heading (left out by default: they hold the team's working notes)")
    _report_args(p)
    add_filter_arguments(p)


def _frequencies_args(p) -> None:
    p.add_argument("--by", metavar="ATTRIBUTE", help="break the counts down by this attribute (e.g. perspective)")
    add_filter_arguments(p)


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
    p.add_argument("--unit", choices=["span", "turn", "document"], default="turn",
                   help="unit of the co-occurrence heatmap: same speaker turn (default), overlapping passages, "
                        "or same document")
    p.add_argument("--max-codes", type=int, default=30, help="codes in the heatmap (the most used; default 30)")
    add_filter_arguments(p)


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
    for note in getattr(written, "notes", ()):
        err_console.print(f"[yellow]note:[/] {note}", highlight=False)
    if project is not None and options is not None and options.pseudonymise:
        _unlisted_names(project)
    if project is not None and options is not None and options.pseudonym_map:
        from qualcode.export.pseudonym import write_mapping

        n = write_mapping(project, options.pseudonym_map)
        err_console.print(f"wrote {options.pseudonym_map} ({n} names; keep it apart from the exports)")
    return 0


def _unlisted_names(project) -> None:
    """Warn about words that look like names and that --pseudonymise leaves in the text."""
    from qualcode.cli.output import err_console
    from qualcode.export.name_candidates import project_candidates

    with project.read_only():
        open_ = [c for c in project_candidates(project, contexts=0) if not c.status]
    if open_:
        shown = ", ".join(f"{c.name} ({c.count}×)" for c in open_[:8])
        more = f" and {len(open_) - 8} more" if len(open_) > 8 else ""
        err_console.print(f"[yellow]warning:[/] {len(open_)} word(s) that may be names of people or places are "
                          f"not in the names list and stay in the text: {shown}{more}. Review them with "
                          f"'qualcode names {project.path}'.", highlight=False)


def _run_matrix(args) -> int:
    from qualcode.export.matrix import export_matrix

    options, progress = _prepare(args)
    with opened(args.project) as project:
        written = export_matrix(project, args.output, args.rows, args.columns, _csv_list(args.attributes),
                                args.sheets, options, progress, layout=args.layout, sort=args.sort,
                                group_by=args.group_by, language=args.language, cells=getattr(args, "cells", "quotes"))
        with project.read_only():
            return _report(written, project, options)


def _run_quotes(args) -> int:
    from qualcode.export.quotes import export_quotes

    options, progress = _prepare(args)
    with opened(args.project) as project:
        written = export_quotes(project, args.output, options, _csv_list(args.attributes), progress,
                                memos=args.memos, language=args.language)
        with project.read_only():
            return _report(written, project, options)


def _run_frequencies(args) -> int:
    from qualcode.export.frequencies import export_frequencies

    options, progress = _prepare(args)
    with opened(args.project) as project:
        written = export_frequencies(project, args.output, args.by, options, progress)
        with project.read_only():
            return _report(written, project, options)


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
        written = export_charts(project, args.output, args.by, args.unit, options, args.max_codes, progress)
        with project.read_only():
            return _report(written, project, options)


def _register_builtin() -> None:
    register_export("matrix", "the data matrix: respondents (or documents) × themes or codes, cells the coded "
                    "passages with references", _matrix_args, _run_matrix, (".xlsx", ".docx", ".csv", ".md", ".html"))
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
