"""search, autocode, passages: finding text across the study, coding the hits, reading a code's passages."""

from __future__ import annotations

from qualcode.cli.common import add_json, need_coder, opened
from qualcode.cli.output import console, ms, print_json, table
from qualcode.errors import ProjectError


def _search_args(p, pattern_required: bool = True) -> None:
    p.add_argument("pattern", nargs=None if pattern_required else "?", help="the text (or --regex) to find")
    p.add_argument("--regex", action="store_true", help="PATTERN is a regular expression")
    p.add_argument("--whole-words", "-w", action="store_true", help="only whole words")
    p.add_argument("--case-sensitive", "-s", action="store_true", help="match case exactly")
    p.add_argument("--docs", nargs="+", metavar="DOCUMENT", help="only these documents")
    p.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                   help="only respondents/documents whose attribute (or set=NAME) matches; repeatable")


def register(sub) -> None:
    p = sub.add_parser("search", help="find text across the study: every hit with speaker, turn and context")
    p.add_argument("project")
    _search_args(p)
    p.add_argument("--context", type=int, default=80, metavar="N", help="characters of context each side (default 80)")
    p.add_argument("--speakers", choices=["all", "respondents"], default="all",
                   help="hits in every turn (default) or only in respondents' turns")
    p.add_argument("--limit", type=int, default=200, help="hits shown in the table (default 200; --json has all)")
    add_json(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("autocode", help="code every hit of a search (or each code's keywords), origin 'auto'")
    p.add_argument("project")
    _search_args(p, pattern_required=False)
    p.add_argument("--code", help="the code to apply to each hit (path or unique name)")
    p.add_argument("--keywords", action="store_true",
                   help="instead of PATTERN: code each code's keyword hits with that code (--code limits it to a branch)")
    p.add_argument("--unit", choices=["hit", "sentence", "turn"], default="hit",
                   help="code the hit itself (default), its sentence or its whole turn")
    p.add_argument("--speakers", choices=["respondents", "all"], default="respondents",
                   help="only respondents' turns (default) or every turn")
    p.add_argument("--coder", help="who codes (default: $QUALCODE_CODER or the remembered name)")
    p.add_argument("--dry-run", action="store_true", help="list what would be coded; change nothing")
    add_json(p)
    p.set_defaults(func=cmd_autocode)

    p = sub.add_parser("passages", help="every passage of a code (and its sub-codes) in full, with context")
    p.add_argument("project")
    p.add_argument("code", help="code path or unique name")
    p.add_argument("--context", type=int, default=1, metavar="N", help="turns (or sentences) of context each side")
    p.add_argument("--context-unit", choices=["turns", "sentences"], default="turns")
    p.add_argument("--coder", default="all", help="one coder, 'consensus' or 'all' (default)")
    p.add_argument("--where", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--no-tree", action="store_true", help="only this code, not its sub-codes")
    add_json(p)
    p.set_defaults(func=cmd_passages)


def _opts(args) -> dict:
    return {"regex": args.regex, "whole_words": args.whole_words, "case_sensitive": args.case_sensitive}


def cmd_search(args) -> int:
    from qualcode.retrieve.textsearch import search

    with opened(args.project) as project:
        hits = search(project, args.pattern, documents=args.docs, where=args.where, context=max(0, args.context),
                      speakers=args.speakers, **_opts(args))
    if args.json:
        print_json([h.to_dict() for h in hits])
        return 0
    shown = hits[:args.limit]
    docs = len({h.document for h in hits})
    table(f"{len(hits)} hit(s) in {docs} document(s)", ["document", "turn", "speaker", "time", "hit in context"],
          [[h.document_name, h.turn or "", h.speaker or "", ms(h.timestamp_ms),
            "…" + " ".join(h.before.split()) + " [" + h.match + "] " + " ".join(h.after.split()) + "…"]
           for h in shown])
    if len(hits) > len(shown):
        console.print(f"... and {len(hits) - len(shown)} more (--limit, or --json for all)")
    return 0


def cmd_autocode(args) -> int:
    from qualcode.retrieve.autocode import apply, keyword_jobs, plan

    with opened(args.project) as project:
        if args.keywords:
            if args.pattern:
                raise ProjectError("give either a PATTERN with --code, or --keywords (not both).")
            jobs = keyword_jobs(project, [args.code] if args.code else None)
            what = "keywords of the codebook"
        else:
            if not args.pattern or not args.code:
                raise ProjectError("autocode needs a PATTERN and --code (or --keywords).")
            jobs = [(project.codebook.get(args.code).uuid, args.pattern, _opts(args))]
            what = f"'{args.pattern}'"
        coder = need_coder(args.coder, project)
        project.coder = coder
        planned = plan(project, jobs, args.unit, args.speakers, args.docs, args.where, coder)
        tree = project.codebook.tree()
        new = [p for p in planned if not p.exists]
        added = 0
        if not args.dry_run:
            added = apply(project, planned, coder, f"auto-coded {len(new)} passage(s) from {what}")
    if args.json:
        print_json({"dry_run": args.dry_run, "coder": coder, "unit": args.unit, "planned": len(planned),
                    "already_coded": len(planned) - len(new), "added": added,
                    "passages": [p.to_dict(tree) for p in planned]})
        return 0
    rows = [[p.document_name, p.turn or "", p.speaker or "", tree.path(p.code), "yes" if p.exists else "",
             " ".join(p.text.split())[:90]] for p in planned[:200]]
    table(f"{len(planned)} passage(s) {'would be ' if args.dry_run else ''}coded",
          ["document", "turn", "speaker", "code", "already", "text"], rows)
    if args.dry_run:
        console.print(f"dry run: {len(new)} new coding(s) would be added as {coder} (origin auto); nothing changed")
    else:
        console.print(f"added {added} coding(s) as {coder} (origin auto); "
                      f"{len(planned) - len(new)} already coded; undo all with 'qualcode undo'")
    return 0


def cmd_passages(args) -> int:
    from qualcode.retrieve.passages import passages

    with opened(args.project) as project:
        records = passages(project, args.code, max(0, args.context), args.context_unit, args.coder,
                           args.where, tree=not args.no_tree)
    if args.json:
        print_json(records)
        return 0
    from rich.markup import escape

    console.print(f"[bold]{len(records)} passage(s)[/]", highlight=False)
    for r in records:
        console.print(f"\n[bold]{escape(r['reference'])}[/] — {escape(r['code'])} ({escape(', '.join(r['coders']))})",
                      highlight=False)
        for c in r["before"]:
            console.print(f"  [dim]{escape(_ctx(c))}[/]", highlight=False)
        console.print(f"  » {escape(r['text'].strip())}", highlight=False)
        for c in r["after"]:
            console.print(f"  [dim]{escape(_ctx(c))}[/]", highlight=False)
        for m in r["memos"]:
            console.print(f"  [italic]memo: {escape(m)}[/]", highlight=False)
    return 0


def _ctx(c: dict) -> str:
    who = f"{c['speaker']}: " if c.get("speaker") else ""
    return who + " ".join(c["text"].split())
