"""agreement, disagreements, consensus, review: intercoder agreement from the command line."""

from __future__ import annotations

from pathlib import Path

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, err_console, print_json
from qualcode.errors import ProjectError

PERCENTS = {"percent_agreement", "jaccard", "segment_agreement", "code_presence"}
LABELS = {
    "percent_agreement": "percent agreement", "jaccard": "Jaccard (coded by all / by any)",
    "cohen_kappa": "Cohen's kappa", "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha (per character)", "unitized_alpha": "u-alpha",
    "unitized_alpha_binary": "|u-alpha (where is material coded)",
    "segment_agreement": "segment agreement", "segment_kappa_brennan_prediger": "Brennan-Prediger kappa (segments)",
    "code_presence": "code presence per document",
}


def _csv_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _selection(p, many_codes: bool = True) -> None:
    p.add_argument("project")
    p.add_argument("--coders", type=_csv_list,
                   help="coders to compare, comma-separated (default: all but consensus)")
    if many_codes:
        p.add_argument("--codes", nargs="+", metavar="PATH",
                       help="codes to report (a theme means its own codings only; see --tree)")
    else:
        p.add_argument("--code", action="append", metavar="PATH", help="only this code (repeatable)")
    p.add_argument("--tree", action="store_true",
                   help="the named codes' subtrees instead: each code in them that the coders applied")
    p.add_argument("--docs", nargs="+", metavar="NAME", help="only these documents")


def register(sub) -> None:
    p = sub.add_parser("agreement", help="intercoder agreement per code, per domain and overall")
    _selection(p)
    p.add_argument("--min-overlap", type=float, default=0.9,
                   help="share of a segment another coder must cover to match it (default 0.9)")
    p.add_argument("--per-document", action="store_true", help="also report each document on its own")
    p.add_argument("-o", "--output", help="write the report to a file (.xlsx or .json)")
    add_json(p)
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser("disagreements", help="list the passages where coders differ")
    _selection(p, many_codes=False)
    p.add_argument("--limit", type=int, default=100, help="rows shown in the terminal (default 100)")
    p.add_argument("-o", "--output", help="write to a file: .csv, .docx (a discussion document) or .json")
    add_json(p)
    p.set_defaults(func=cmd_disagreements)

    p = sub.add_parser("consensus", help="settle a passage into the 'consensus' coder's codings")
    p.add_argument("project")
    p.add_argument("document")
    p.add_argument("--code", required=True, help="code path or unique name")
    p.add_argument("--accept", metavar="CODER", help="copy this coder's codings of the code in the region")
    p.add_argument("--none", action="store_true", help="settle the region as not coded with the code")
    p.add_argument("--start", type=int, help="region start offset (code points, from 0)")
    p.add_argument("--end", type=int, help="region end offset (one past the last character)")
    p.add_argument("--turn", type=int, help="region: a whole turn, by its number in 'qualcode show'")
    p.add_argument("--quote", help="region: the exact text")
    p.add_argument("--occurrence", type=int, help="which occurrence of --quote")
    add_json(p)
    p.set_defaults(func=cmd_consensus)

    p = sub.add_parser("review", help="review one document's disagreements side by side (TUI)")
    p.add_argument("project")
    p.add_argument("document")
    p.add_argument("--coders", type=_csv_list, help="coders to compare (default: all who coded it)")
    p.set_defaults(func=cmd_review)


# --------------------------------------------------------------------------- formatting


class Notes:
    """Numbered reasons for n/a cells, printed under a table."""

    def __init__(self):
        self.reasons: dict[str, int] = {}

    def fmt(self, stat: dict, key: str = "") -> str:
        if stat["value"] is None:
            n = self.reasons.setdefault(stat["reason"] or "undefined", len(self.reasons) + 1)
            return f"n/a ({n})"
        return f"{stat['value']:.1%}" if key in PERCENTS else f"{stat['value']:.3f}"

    def print(self) -> None:
        for reason, n in self.reasons.items():
            console.print(f"  [dim]({n}) {reason}[/]", highlight=False)


def _table(title: str, columns: list[str], rows: list[list[str]], wrap: tuple[int, ...] = (0,),
           left: tuple[int, ...] = (0,)):
    """Columns in ``wrap`` fold and share the width; the others never wrap; only the columns
    in ``left`` are left-aligned (the rest are figures)."""
    from rich.table import Table

    t = Table(title=title, header_style="bold", title_justify="left")
    for i, col in enumerate(columns):
        if i in wrap:
            t.add_column(col, overflow="fold", ratio=1, justify="left" if i in left else "right")
        else:
            t.add_column(col, justify="left" if i in left else "right", no_wrap=True)
    for row in rows:
        t.add_row(*row)
    console.print(t)


def print_report(d: dict) -> None:
    coders = d["coders"]
    console.print(f"[bold]Agreement[/] of {', '.join(coders)} on {len(d['codes'])} code(s) in "
                  f"{d['documents']} document(s) (min overlap {d['min_overlap']:g})", highlight=False)
    notes = Notes()
    ov = d["overall"]
    _table("Overall (pooled over codes and documents)", ["statistic", "value", "n"],
           [[LABELS.get(k, k), notes.fmt(v, k), str(v["n"])] for k, v in ov.items() if _is_stat(v)])
    console.print(f"  {ov['characters']} characters x {ov['codes']} codes = {ov['units']} units; "
                  f"{ov['documents_with_all_coders']} document(s) coded by all chosen coders", highlight=False)
    kappa = "cohen_kappa" if len(coders) == 2 else "fleiss_kappa"
    k_label = "Cohen κ" if kappa == "cohen_kappa" else "Fleiss κ"

    def figures(f: dict, keys: tuple[str, ...]) -> list[str]:
        return [notes.fmt(f[k], k) for k in keys]

    keys = ("percent_agreement", kappa, "krippendorff_alpha", "unitized_alpha_binary", "segment_agreement")
    if d["per_code"]:
        _table("Per code", ["code", "docs", "n", "% agree", k_label, "α", "|uα", "segments"],
               [[code, str(f["documents"]), str(f["characters"]), *figures(f, keys)]
                for code, f in d["per_code"].items()])
    if d["domains"]:
        dom_keys = ("percent_agreement", "krippendorff_alpha", "unitized_alpha", "unitized_alpha_binary")
        _table("Per domain (mutually exclusive codes)",
               ["domain", "codes", "n", "% agree", "α", "uα", "|uα", "overlaps"],
               [[name, str(len(f["codes"])), str(f["characters"]), *figures(f, dom_keys), str(f["overlap_characters"])]
                for name, f in d["domains"].items()])
    if "per_document" in d:
        _table("Per document (pooled over codes)", ["document", "n", "% agree", k_label, "α", "|uα", "segments"],
               [[name, str(f["characters"]), *figures(f, keys)] for name, f in d["per_document"].items()])
    notes.print()
    excluded = d["documents_excluded"]
    if excluded:
        shown = "; ".join(f"{n} ({why})" for n, why in list(excluded.items())[:8])
        more = f"; and {len(excluded) - 8} more" if len(excluded) > 8 else ""
        console.print(f"[yellow]{len(excluded)} document(s) not compared:[/] {shown}{more}", highlight=False)


def _is_stat(value) -> bool:
    return isinstance(value, dict) and "value" in value and "reason" in value


# --------------------------------------------------------------------------- commands


def cmd_agreement(args) -> int:
    from qualcode.agreement import data as aio

    if not 0 < args.min_overlap <= 1:
        raise ProjectError(f"--min-overlap must be above 0 and at most 1, not {args.min_overlap}.")
    suffix = Path(args.output).suffix.lower() if args.output else ""
    if args.output and suffix not in (".xlsx", ".json"):
        raise ProjectError(f"{args.output}: write the report as .xlsx or .json.")
    with opened(args.project) as project:
        data = aio.load(project, args.coders, args.codes, args.tree, args.docs)
    report = aio.run_report(data, args.min_overlap)
    docs = aio.per_document(data, report) if (args.per_document or suffix == ".xlsx") else None
    d = aio.report_dict(data, report, docs)
    if suffix == ".xlsx":
        from qualcode.agreement.writers import write_report_xlsx

        write_report_xlsx(args.output, d)
        err_console.print(f"wrote {args.output}")
    elif suffix == ".json":
        from qualcode.cli.output import write_or_print
        import json

        write_or_print(json.dumps(d, ensure_ascii=False, indent=2) + "\n", args.output)
    if args.json:
        print_json(d)
    elif not args.output:
        print_report(d)
    return 0


def cmd_disagreements(args) -> int:
    from qualcode.agreement import data as aio

    suffix = Path(args.output).suffix.lower() if args.output else ""
    if args.output and suffix not in (".csv", ".docx", ".json"):
        raise ProjectError(f"{args.output}: write disagreements as .csv, .docx or .json.")
    with opened(args.project) as project:
        data = aio.load(project, args.coders, args.code, args.tree, args.docs)
        rows = aio.disagreement_rows(project, data)
        title = f"Disagreements: {project.meta('name') or Path(args.project).stem}"
    from qualcode.agreement import writers as w

    if suffix == ".csv":
        w.write_disagreements_csv(args.output, rows)
    elif suffix == ".docx":
        w.write_disagreements_docx(args.output, rows, title, data.coders, [data.paths[c] for c in data.codes])
    elif suffix == ".json":
        import json

        from qualcode.cli.output import write_or_print

        write_or_print(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", args.output)
    if args.output and suffix != ".json":
        err_console.print(f"wrote {len(rows)} passage(s) to {args.output}")
    if args.json:
        print_json(rows)
    elif not args.output:
        shown = rows[:max(0, args.limit)]
        _table(f"{len(rows)} passage(s) where {', '.join(data.coders)} differ",
               ["document", "turn", "speaker", "code", "span", "who coded what", "text"],
               [[r["document"], r["turn"], r["speaker"], r["code"], f"{r['start']}-{r['end']}", aio.who_coded_what(r),
                 _snippet(r["text"])] for r in shown], wrap=(0, 3, 5, 6), left=(0, 2, 3, 5, 6))
        if len(rows) > len(shown):
            console.print(f"... and {len(rows) - len(shown)} more (see --limit, or -o disagreements.csv)")
    return 0


def _snippet(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 3] + "..."


def cmd_consensus(args) -> int:
    from qualcode.domain.locate import resolve_span
    from qualcode.agreement.consensus import settle

    with opened(args.project, coder="consensus") as project:
        doc = project.documents.get(args.document)
        code = project.codebook.get(args.code)
        region = (args.start, args.end, args.turn, args.quote)
        if all(v is None for v in region):
            if args.accept is None and not args.none:
                raise ProjectError("say what to settle: --accept CODER, or a region (--start/--end, --turn, --quote).")
            start, end = 0, doc.length
        else:
            try:
                start, end = resolve_span(doc.text, project.documents.turns(doc.uuid), args.start, args.end, args.turn,
                                          args.quote, args.occurrence, doc_name=f"'{doc.name}'")
            except ValueError as exc:
                raise ProjectError(str(exc)) from None
        if args.accept:
            from qualcode.agreement.data import resolve_coder

            args.accept = resolve_coder(project, args.accept)
        done = settle(project, doc.uuid, code.uuid, start, end, accept=args.accept, none=args.none)
    if args.json:
        print_json({"description": done.description, "removed": done.removed,
                    "added": [{"uuid": c.uuid, "start": c.start, "end": c.end, "text": c.text} for c in done.added]})
        return 0
    console.print(f"{done.description}: {len(done.added)} consensus coding(s) added, {done.removed} removed "
                  "(undo with 'qualcode undo')", highlight=False)
    return 0


def cmd_review(args) -> int:
    from qualcode.agreement.consensus import review_data

    with opened(args.project) as project:  # check the document and coders before starting the TUI
        data = review_data(project, args.document, args.coders)
    from qualcode.tui.review import run_review

    run_review(args.project, data.document, data.coders)
    return 0
