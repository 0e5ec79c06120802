"""handout, merge, replace-text, review: team work from the command line."""

from __future__ import annotations

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, err_console, print_json, table
from qualcode.errors import ProjectError

SHOW = 20  # items listed per section in the human-readable report (--json has everything)


def register(sub) -> None:
    p = sub.add_parser("handout", help="a copy of the study for one coder (optionally some documents only)")
    p.add_argument("project", help="the study project")
    p.add_argument("copy", help="the new project file for the coder")
    p.add_argument("--coder", required=True, help="the coder's name (stored in the copy)")
    p.add_argument("--docs", nargs="+", metavar="DOC", help="only these documents (names or ids)")
    p.add_argument("--all-codings", action="store_true",
                   help="keep everyone's codings in the copy (default: only the coder's own, for blind coding)")
    add_json(p)
    p.set_defaults(func=cmd_handout)

    p = sub.add_parser("merge", help="merge coders' project files into one, with provenance")
    p.add_argument("target", help="the merged project (created from the first input when it does not exist)")
    p.add_argument("inputs", nargs="+", help="project files to merge in (the study first, then the coders' copies)")
    p.add_argument("--dry-run", action="store_true", help="print what would happen; change nothing")
    p.add_argument("--map", dest="mapping", metavar="CSV", help="mapping file: from,to rows confirming code (and coder) merges")
    p.add_argument("--coder-map", action="append", default=[], metavar="FILE=NAME",
                   help="whose codings a file holds: FILE=NAME or FILE:OLD=NEW (repeatable)")
    p.add_argument("--min-confidence", type=float, default=None,
                   help="re-anchoring: lowest confidence applied without review (default 0.9)")
    p.add_argument("--details", action="store_true", help="list every coding that is added")
    add_json(p)
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("replace-text", help="replace a document's text with a corrected transcript; codings move along")
    p.add_argument("project")
    p.add_argument("document", help="document name or id")
    p.add_argument("file", help="the corrected transcript (.txt .md .docx .vtt .srt)")
    p.add_argument("--speaker-pattern", help="regex with a named group 'speaker' matched at line starts")
    p.add_argument("--dry-run", action="store_true", help="report where codings would go; change nothing")
    p.add_argument("--min-confidence", type=float, default=None, help="lowest confidence applied without review (default 0.9)")
    p.add_argument("--no-backup", action="store_true", help="do not write <project>.bak-<time> first")
    add_json(p)
    p.set_defaults(func=cmd_replace_text)

    p = sub.add_parser("flagged", help="codings flagged for review after a text change or a merge: list, place, discard")
    p.add_argument("project")
    p.add_argument("--place", type=int, metavar="ID", help="put flagged coding ID back (at its suggestion, or --start/--end/--quote)")
    p.add_argument("--discard", type=int, metavar="ID", help="drop flagged coding ID from the review list (kept as discarded)")
    p.add_argument("--start", type=int)
    p.add_argument("--end", type=int)
    p.add_argument("--quote", help="place at this text in the document")
    p.add_argument("--all", action="store_true", help="also list placed and discarded reviews")
    add_json(p)
    p.set_defaults(func=cmd_review)


def _confidence(value):
    if value is None:
        from qualcode.merge.reanchor import MIN_CONFIDENCE

        return MIN_CONFIDENCE
    if not 0 < value <= 1:
        raise ProjectError(f"--min-confidence must be between 0 and 1, not {value}.")
    return value


def cmd_handout(args) -> int:
    from qualcode.merge.handout import handout

    result = handout(args.project, args.copy, args.coder, args.docs, args.all_codings)
    if args.json:
        print_json(result)
        return 0
    console.print(f"[bold green]handed out[/] {result['handout']} to {result['coder']}: "
                  f"{len(result['documents'])} document(s), {result['codings_kept']} coding(s) kept"
                  + (f", {result['codings_removed']} of other coders left out" if result["codings_removed"] else ""),
                  highlight=False)
    return 0


def cmd_merge(args) -> int:
    from qualcode.merge.mapping import Mapping, parse_coder_maps, read_mapping
    from qualcode.merge.run import merge

    mapping = read_mapping(args.mapping) if args.mapping else Mapping()
    say = (lambda s: None) if args.json else (lambda s: err_console.print(f"[dim]{s}[/]", highlight=False))
    report = merge(args.target, args.inputs, mapping=mapping, coder_rules=parse_coder_maps(args.coder_map),
                   dry_run=args.dry_run, min_confidence=_confidence(args.min_confidence), details=args.details, say=say)
    if args.json:
        print_json(report)
    else:
        print_merge_report(report)
    return 2 if report["refused"] else 0


def _items(title: str, rows: list, fmt) -> None:
    if not rows:
        return
    console.print(f"[bold]{title}[/] ({len(rows)})", highlight=False)
    for row in rows[:SHOW]:
        console.print("  " + fmt(row), highlight=False, soft_wrap=True)
    if len(rows) > SHOW:
        console.print(f"  … and {len(rows) - SHOW} more (see --json)")


def _clip(text, n: int = 70) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def print_merge_report(r: dict) -> None:
    if r["refused"]:
        err_console.print("[bold red]merge refused:[/] coder names are ambiguous; nothing was written.")
        for c in r["refused"]:
            err_console.print(f"  {c['message']}", highlight=False, soft_wrap=True)
        return
    head = "dry run — nothing written" if r["dry_run"] else ("created" if r["created"] else "merged into")
    console.print(f"[bold]{head}:[/] {r['target']}" + (f" (backup {r['backup']})" if r.get("backup") else ""), highlight=False)
    for s in r["skipped_inputs"]:
        console.print(f"  skipped {s['input']}: {s['reason']}", highlight=False)
    if not r["changed"] and not r["created"]:
        console.print("nothing new: the target already holds everything in these files (it was not touched).")
    d, k, c = r["documents"], r["codes"], r["codings"]
    _items("documents added", d["added"], lambda x: f"{x['document']}  (from {', '.join(x['from'])})")
    _items("document names recorded as aliases", d["aliases"], lambda x: f"{x['alias']} → {x['document']} ({x['input']})")
    _items("text conflicts (codings re-anchored onto the target's text)", d["text_conflicts"],
           lambda x: f"{x['document']} in {x['input']}: {x['moved_exactly']} exact, {x['moved_fuzzily']} fuzzy, "
                     f"{x['flagged']} flagged")
    _items("codes added", k["added"], lambda x: f"{x['code']}  (from {', '.join(x['from'])})")
    _items("codes unified by path", k["unified_by_path"], lambda x: f"{x['code']} ({x['input']}) = {x['as']}")
    _items("codes unified by the mapping", k["mapped"] + k["merged_in_target"],
           lambda x: f"{x['code']} → {x.get('to') or x.get('into')} (line {x['line']})")
    _items("codes updated", k["updated"], lambda x: f"{x['code']}: {', '.join(x['fields'])} (from {', '.join(x['from'])})")
    _items("possible duplicate codes — kept apart; confirm with a --map row from,to", k["near_duplicates"],
           lambda x: f"{x['code']} ~ {x['similar_to']} ({x['score']:.0f}%)  row: {x['hint']}")
    if c["added"] or c["updated"]:
        by = ", ".join(f"{n} {coder}" for coder, n in c["added_by_coder"].items())
        console.print(f"[bold]codings added:[/] {c['added']} ({by}); updated: {c['updated']}", highlight=False)
    if c["by_input"]:
        cols = [x for x in ("added", "updated", "unchanged", "duplicates", "flagged", "kept_target", "awaiting_review",
                            "deleted_in_copy", "open_reviews_in_input") if x in ("added", "unchanged") or any(v.get(x) for v in c["by_input"].values())]
        table("codings per input", ["input"] + [x.replace("_", " ") for x in cols],
              [[label] + [v.get(x, 0) for x in cols] for label, v in c["by_input"].items()])
    for row in c.get("added_list", []):
        console.print(f"  + {row['document']} {row['start']}-{row['end']} {row['code']} ({row['coder']})", highlight=False)
    _items("flagged for review (qualcode flagged)", c["flagged"],
           lambda x: f"{x['document']} {x['code']} ({x['coder']}, {x['confidence']:.2f}): \"{_clip(x['old_text'])}\""
                     + (f" → \"{_clip(x['suggested_text'])}\"" if x["suggested_text"] else " → (no place found)"))
    _items("exact duplicates dropped (same coder, code and span)", c["duplicates"],
           lambda x: f"{x['document']} {x['start']}-{x['end']} {x['code']} ({x['coder']}, {x['input']})")
    _items("deleted in a coder's copy — reported, kept in the target", c["deleted_in_copy"] + d["deleted_in_copy"]
           + k["deleted_in_copy"], lambda x: f"{x['input']}: " + (x.get("document") and f"{x['document']} " or "")
           + (f"{x['coder']} {x['start']}-{x['end']}" if "coding" in x else x.get("code", "")))
    _items("conflicts — the target kept its version", r["conflicts"], _conflict_line)
    m, a = r["memos"], r["attributes"]
    if any(m.values()) or any(a.values()):
        console.print(f"memos: {m['added']} added, {m['updated']} updated; attributes: {a['added']} added, "
                      f"{a['updated']} updated", highlight=False)


def _conflict_line(x: dict) -> str:
    what = {"code": lambda: f"code {x['code']}" + (f" {x['field']}" if x.get("field") else ""),
            "coding": lambda: f"coding {x['coding'][:8]}",
            "memo": lambda: f"memo {x['memo'][:8]}",
            "attribute": lambda: f"attribute {x['key']}"}[x["kind"]]()
    who = x.get("input") or ", ".join(p["input"] for p in x.get("proposed", []) if isinstance(p, dict) and "input" in p)
    return f"{what}: {x['reason']} ({who})"


def cmd_replace_text(args) -> int:
    from qualcode.merge.replace import replace_text

    r = replace_text(args.project, args.document, args.file, args.speaker_pattern, args.dry_run,
                     _confidence(args.min_confidence), backup=not args.no_backup)
    if args.json:
        print_json(r)
        return 0
    c = r["counts"]
    verb = "would move" if r["dry_run"] else "moved"
    state = r.get("note") or ("dry run" if r["dry_run"] else "text replaced")
    console.print(f"[bold]{r['document']}[/]: {state}; "
                  f"{c['codings']} coding(s): {c['unchanged']} unchanged, {verb} {c['moved_exactly']} exactly, "
                  f"{c['moved_fuzzily']} fuzzily, {c['flagged']} flagged for review", highlight=False)
    _items("moved fuzzily", r["fuzzy"], lambda x: f"{x['code']} ({x['coder']}, {x['confidence']:.2f}): "
           f"\"{_clip(x['old_text'], 50)}\" → \"{_clip(x['new_text'], 50)}\"")
    _items("flagged for review (qualcode flagged)", r["flagged"], lambda x: f"{x['code']} ({x['coder']}, "
           f"{x['confidence']:.2f}): \"{_clip(x['old_text'], 50)}\" → " +
           (f"\"{_clip(x['suggested_text'], 50)}\"" if x["suggested_text"] else "(no place found)"))
    if r.get("backup"):
        console.print(f"backup: {r['backup']}", highlight=False)
    return 0


def cmd_review(args) -> int:
    from qualcode.merge.replace import discard_review, place_review

    with opened(args.project) as project:
        if args.place is not None:
            start, end = args.start, args.end
            if args.quote:
                from qualcode.domain.locate import find_quote

                r = project.reviews.get(args.place)
                if r is None:
                    raise ProjectError(f"no review {args.place} (see 'qualcode flagged').")
                hits = find_quote(project.documents.get(r["document"]).text, args.quote)
                if len(hits) != 1:
                    raise ProjectError(f"the quote occurs {len(hits)} times in the document; quote more text or use --start/--end.")
                start, end = hits[0]
            result = place_review(project, args.place, start, end)
            console.print(f"placed coding {result['coding'][:8]} at {result['start']}-{result['end']}: "
                          f"\"{_clip(result['text'])}\"", highlight=False)
            return 0
        if args.discard is not None:
            discard_review(project, args.discard)
            console.print(f"review {args.discard} discarded (kept in the review list as discarded)")
            return 0
        rows = project.reviews.list(None if args.all else "open")
        names, tree = project.documents.names(), project.codebook.tree()
    for r in rows:
        r["document_name"] = names.get(r["document"], r["document"])
        r["code_path"] = tree.path(r["code"]) if r["code"] in tree else r["code"]
    if args.json:
        print_json(rows)
        return 0
    table(f"{len(rows)} coding(s) to review", ["id", "status", "document", "code", "coder", "conf", "old text", "suggested"],
          [[r["id"], r["status"], r["document_name"], r["code_path"], r["coder"], f"{r['confidence'] or 0:.2f}",
            _clip(r["old_text"], 40), _clip(r["new_text"], 40) if r["new_text"] else "—"] for r in rows])
    return 0
