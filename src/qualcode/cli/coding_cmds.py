"""code, uncode, codings, import-codings: coding from the command line."""

from __future__ import annotations

from qualcode.cli.common import add_json, need_coder, opened
from qualcode.cli.output import console, print_json, table, write_or_print
from qualcode.errors import ProjectError


def _span_args(p) -> None:
    p.add_argument("--start", type=int, help="start offset (code points, from 0)")
    p.add_argument("--end", type=int, help="end offset (one past the last character)")
    p.add_argument("--turn", type=int, help="a whole turn, by its number in 'qualcode show'")
    p.add_argument("--quote", help="the exact text to code (white space and quote marks may differ)")
    p.add_argument("--occurrence", type=int, help="which occurrence of --quote, when it occurs more than once")


def register(sub) -> None:
    p = sub.add_parser("code", help="code a passage: by offsets, turn number or quote")
    p.add_argument("project")
    p.add_argument("document")
    _span_args(p)
    p.add_argument("--code", required=True, action="append", help="code path or unique name (repeatable)")
    p.add_argument("--coder", help="who codes (default: $QUALCODE_CODER or the remembered name)")
    p.add_argument("--memo", default="", help="a memo on the coding")
    add_json(p)
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("uncode", help="remove codings: by id, or by document, span, code and coder")
    p.add_argument("project")
    p.add_argument("document", nargs="?")
    p.add_argument("--id", action="append", default=[], help="a coding id (or a unique prefix); repeatable")
    _span_args(p)
    p.add_argument("--code", help="only codings of this code")
    p.add_argument("--coder", help="only this coder's codings")
    p.set_defaults(func=cmd_uncode)

    p = sub.add_parser("codings", help="list or export codings (table, csv, jsonl, json)")
    p.add_argument("project")
    p.add_argument("--doc", help="only this document")
    p.add_argument("--code", help="only this code (and its sub-codes with --tree)")
    p.add_argument("--tree", action="store_true", help="include sub-codes of --code")
    p.add_argument("--coder", help="only this coder")
    p.add_argument("--format", choices=["table", "csv", "jsonl", "json"], default=None)
    p.add_argument("-o", "--output", help="write to a file instead of the terminal")
    add_json(p)
    p.set_defaults(func=cmd_codings)

    p = sub.add_parser("memo", help="set or clear the memo on a coding")
    p.add_argument("project")
    p.add_argument("id", help="coding id (or a unique prefix)")
    p.add_argument("text", help="the memo ('' clears it)")
    p.set_defaults(func=cmd_memo)

    p = sub.add_parser("import-codings", help="add codings from a coder file (CSV or JSONL)")
    p.add_argument("project")
    p.add_argument("file")
    p.add_argument("--coder", help="stamp every coding with this coder (default: the file's coder column)")
    add_json(p)
    p.set_defaults(func=cmd_import_codings)


def cmd_code(args) -> int:
    from qualcode.domain.locate import resolve_span
    from qualcode.store.codings import NewCoding

    with opened(args.project) as project:
        coder = need_coder(args.coder, project)
        project.coder = coder
        doc = project.documents.get(args.document)
        try:
            start, end = resolve_span(doc.text, project.documents.turns(doc.uuid), args.start, args.end, args.turn,
                                      args.quote, args.occurrence, doc_name=f"'{doc.name}'")
        except ValueError as exc:
            raise ProjectError(str(exc)) from None
        codes = [project.codebook.get(ref) for ref in args.code]
        added, _ = project.codings.add_many([NewCoding(doc.uuid, c.uuid, coder, start, end, args.memo) for c in codes])
        tree = project.codebook.tree()
    if args.json:
        print_json([{"uuid": c.uuid, "document": doc.name, "code": tree.path(c.code), "coder": c.coder,
                     "start": c.start, "end": c.end, "text": c.text} for c in added])
        return 0
    for c in added:
        snippet = c.text if len(c.text) < 90 else c.text[:87] + "..."
        console.print(f"coded {c.start}-{c.end} of '{doc.name}' as {tree.path(c.code)} ({coder}): \"{snippet}\"",
                      highlight=False, markup=False)
    return 0


def cmd_uncode(args) -> int:
    from qualcode.domain.locate import resolve_span

    with opened(args.project) as project:
        ids = list(args.id)
        if not ids:
            if not args.document:
                raise ProjectError("give coding ids (--id) or a document with a span.")
            doc = project.documents.get(args.document)
            try:
                start, end = resolve_span(doc.text, project.documents.turns(doc.uuid), args.start, args.end, args.turn,
                                          args.quote, args.occurrence, doc_name=f"'{doc.name}'")
            except ValueError as exc:
                raise ProjectError(str(exc)) from None
            code = project.codebook.get(args.code).uuid if args.code else None
            ids = [c.uuid for c in project.codings.list(document=doc.uuid, code=code, coder=args.coder)
                   if c.start == start and c.end == end]
            if not ids:
                raise ProjectError(f"no coding covers exactly {start}-{end} in '{doc.name}' with those filters.")
        n = project.codings.remove(ids)
    console.print(f"removed {n} coding(s) (undo with 'qualcode undo')")
    return 0


def cmd_codings(args) -> int:
    from qualcode.ingest.codings_io import coding_records, format_codings

    with opened(args.project) as project:
        doc = project.documents.get(args.doc).uuid if args.doc else None
        codes = None
        if args.code:
            code = project.codebook.get(args.code)
            codes = [code.uuid] + ([c.uuid for c in project.codebook.tree().descendants(code.uuid)] if args.tree else [])
        records = coding_records(project, project.codings.list(document=doc, codes=codes, coder=args.coder))
    fmt = "json" if args.json else args.format
    if fmt is None:
        fmt = {"csv": "csv", "jsonl": "jsonl", "json": "json"}.get((args.output or "").rsplit(".", 1)[-1], "table")
    if fmt == "table":
        table(f"{len(records)} codings", ["id", "document", "span", "code", "coder", "text"],
              [[r["uuid"][:8], r["document"], f"{r['start']}-{r['end']}", r["code"], r["coder"],
                r["text"] if len(r["text"]) < 80 else r["text"][:77] + "..."] for r in records])
        return 0
    write_or_print(format_codings(records, fmt), args.output)
    return 0


def cmd_memo(args) -> int:
    with opened(args.project) as project:
        coding = project.codings.update(args.id, memo=args.text)
    console.print(f"memo {'set' if args.text else 'cleared'} on coding {coding.uuid[:8]}")
    return 0


def cmd_import_codings(args) -> int:
    from qualcode.ingest.codings_io import read_codings

    with opened(args.project) as project:
        items = read_codings(project, args.file, coder=args.coder)
        added, dupes = project.codings.add_many(items, skip_duplicates=True,
                                           description=f"imported codings from {args.file}")
    if args.json:
        print_json({"added": len(added), "duplicates_skipped": dupes, "file": args.file})
    else:
        console.print(f"added {len(added)} coding(s) from {args.file}; {dupes} already present")
    return 0
