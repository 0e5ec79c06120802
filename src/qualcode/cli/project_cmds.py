"""init, import, attributes, codebook, documents, show, status, undo, redo."""

from __future__ import annotations

from pathlib import Path

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, err_console, escape, ms, print_json, table
from qualcode.errors import ProjectError


def register(sub) -> None:
    p = sub.add_parser("init", help="create a project file")
    p.add_argument("project")
    p.add_argument("--codebook", help="a codebook YAML file to start with")
    p.add_argument("--lang", default="nl", choices=["nl", "en"], help="language of the transcripts (default nl)")
    p.add_argument("--name", help="a name for the study")
    p.add_argument("--from-refi", metavar="FILE.qdpx",
                   help="start from a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder, ...)")
    p.add_argument("--positions", choices=["auto", "codepoints", "utf16"], default="auto",
                   help="with --from-refi: how the .qdpx counts positions (default: detected)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help="import transcripts (.txt .md .docx .vtt .srt)")
    p.add_argument("project")
    p.add_argument("files", nargs="+")
    p.add_argument("--kind", help="interview, focus-group or other (default: guessed from name and speakers)")
    p.add_argument("--speaker-pattern", help="regex with a named group 'speaker' matched at line starts")
    p.add_argument("--interviewer", action="append", default=[], help="a speaker label that is the interviewer")
    p.add_argument("--name", help="document name (one file only; default from the file name)")
    p.add_argument("--keep-going", action="store_true", help="report broken files and import the rest")
    add_json(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("attributes", help="set respondent or document attributes from a CSV")
    p.add_argument("project")
    p.add_argument("csv")
    p.add_argument("--create-missing", action="store_true", help="create respondents not yet in the project")
    p.set_defaults(func=cmd_attributes)

    p = sub.add_parser("codebook", help="show, import or export the codebook")
    cb = p.add_subparsers(dest="codebook_command", metavar="ACTION", required=True)
    q = cb.add_parser("show", help="print the code tree")
    q.add_argument("project")
    q.add_argument("--details", action="store_true", help="also print definitions and keywords")
    add_json(q)
    q.set_defaults(func=cmd_codebook_show)
    q = cb.add_parser("import", help="load a codebook file (.yaml, .qdc) into the project")
    q.add_argument("project")
    q.add_argument("file")
    q.set_defaults(func=cmd_codebook_import)
    q = cb.add_parser("export", help="write the codebook to a file (.yaml, .qdc)")
    q.add_argument("project")
    q.add_argument("-o", "--output", required=True)
    q.set_defaults(func=cmd_codebook_export)

    p = sub.add_parser("documents", help="list documents: kind, respondents, turns, coded share")
    p.add_argument("project")
    add_json(p)
    p.set_defaults(func=cmd_documents)

    p = sub.add_parser("show", help="print one document as turns")
    p.add_argument("project")
    p.add_argument("document")
    p.add_argument("--turns", help="a range of turn numbers, e.g. 5-12")
    add_json(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("status", help="an overview of the project")
    p.add_argument("project")
    add_json(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("speakers", help="list respondents and interviewers; change a speaker's role")
    p.add_argument("project")
    p.add_argument("--interviewer", action="append", default=[], metavar="NAME", help="mark NAME as an interviewer")
    p.add_argument("--respondent", action="append", default=[], metavar="NAME", help="mark NAME as a respondent")
    add_json(p)
    p.set_defaults(func=cmd_speakers)

    for name, helptext in (("undo", "undo the latest change"), ("redo", "redo the latest undone change")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("project")
        p.set_defaults(func=cmd_undo_redo)


def cmd_init(args) -> int:
    from qualcode.store.project import Project

    if args.from_refi:
        from qualcode.cli.refi_cmds import init_from_refi

        return init_from_refi(args)

    header, specs = (None, None)
    if args.codebook:
        header, specs = _read_any_codebook(args.codebook)
    path = Path(args.project)
    project = Project.create(path, language=args.lang, name=args.name)
    try:
        if specs:
            with project.transaction():
                project.codebook.apply(specs, header)
        n = len(project.codebook.tree())
    except BaseException:
        project.close()
        path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    project.close()
    console.print(f"created {path} (language {args.lang}, {n} codes)")
    return 0


def _read_any_codebook(path: str):
    if Path(path).suffix.lower() == ".qdc":
        try:
            from qualcode.refi.codebook import read_qdc
        except ImportError:
            raise ProjectError("reading .qdc codebooks is not available in this version.") from None
        return read_qdc(path)
    from qualcode.ingest.codebook_yaml import read_codebook

    return read_codebook(path)


def cmd_import(args) -> int:
    from qualcode.ingest.importer import import_files

    with opened(args.project) as project:
        def progress(r):
            if not args.json:
                if r.status == "failed":
                    err_console.print(f"[red]failed[/] {escape(r.path)}: {escape(r.error or '')}", highlight=False)
                else:
                    console.print(f"{r.status:9} {r.name}  ({r.turns} turns; speakers: {', '.join(r.speakers) or '-'})",
                                  highlight=False, markup=False)

        results = import_files(project, args.files, kind=args.kind, speaker_pattern=args.speaker_pattern,
                               interviewers=args.interviewer, name=args.name, keep_going=args.keep_going,
                               progress=progress)
    if args.json:
        print_json([r.__dict__ for r in results])
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_attributes(args) -> int:
    from qualcode.ingest.attributes import apply_attributes, read_attributes

    table_ = read_attributes(args.csv)
    with opened(args.project) as project, project.transaction():
        result = apply_attributes(project, table_, args.csv, create_missing=args.create_missing)
    cols = ", ".join(f"{k} ({v})" for k, v in result["columns"].items())
    console.print(f"set attributes on {result['rows']} {'respondents' if result['owner_type'] == 'case' else 'documents'}: {cols}")
    return 0


def cmd_codebook_show(args) -> int:
    with opened(args.project) as project:
        tree = project.codebook.tree()
        counts = project.codings.counts_by_code()
        if args.json:
            print_json([
                {"uuid": c.uuid, "path": tree.path(c.uuid), "name": c.name, "parent": c.parent, "label": c.label,
                 "definition": c.definition, "inclusion": c.inclusion, "exclusion": c.exclusion,
                 "examples": list(c.examples), "keywords": list(c.keywords), "colour": c.colour,
                 "domain": c.domain, "codings": counts.get(c.uuid, 0)}
                for c in tree
            ])
            return 0
        from rich.tree import Tree

        root = Tree(f"[bold]{escape(project.meta('name') or '')}[/] codebook: {len(tree)} codes")
        nodes = {None: root}
        for c in tree:
            colour = c.colour or "white"
            text = f"[{colour}]■[/] [bold]{escape(c.name)}[/]"
            if c.label:
                text += f" [dim]({escape(c.label)})[/]"
            if counts.get(c.uuid):
                text += f"  [cyan]{counts[c.uuid]}[/]"
            if args.details:
                if c.definition:
                    text += f"\n[dim]{escape(c.definition)}[/]"
                if c.inclusion:
                    text += f"\n[blue]include:[/] {escape(c.inclusion)}"
                if c.exclusion:
                    text += f"\n[magenta]exclude:[/] {escape(c.exclusion)}"
                if c.keywords:
                    text += f"\n[green]keywords:[/] {escape(', '.join(c.keywords))}"
            nodes[c.uuid] = nodes[c.parent if c.parent in nodes else None].add(text)
        console.print(root)
    return 0


def cmd_codebook_import(args) -> int:
    header, specs = _read_any_codebook(args.file)
    with opened(args.project) as project:
        with project.transaction():
            changes = project.codebook.apply(specs, header)
    console.print(f"codebook loaded: {len(changes.added)} added, {len(changes.renamed)} renamed, "
                  f"{len(changes.updated)} updated, {changes.unchanged} unchanged")
    for old, new in changes.renamed:
        console.print(f"  renamed {old} -> {new}", markup=False)
    if changes.not_in_file:
        console.print(f"[yellow]{len(changes.not_in_file)} code(s) in the project are not in the file and were kept:[/] "
                      + escape(", ".join(changes.not_in_file[:10])))
    return 0


def cmd_codebook_export(args) -> int:
    import json

    with opened(args.project) as project:
        specs = project.codebook.specs()
        header = json.loads(project.meta("codebook", "{}") or "{}")
        header.setdefault("name", project.meta("name"))
        header.setdefault("language", project.language)
        if Path(args.output).suffix.lower() == ".qdc":
            try:
                from qualcode.refi.codebook import write_qdc
            except ImportError:
                raise ProjectError("writing .qdc codebooks is not available in this version.") from None
            write_qdc(args.output, header, specs)
        else:
            from qualcode.ingest.codebook_yaml import write_codebook

            write_codebook(args.output, header, specs)
    console.print(f"wrote {args.output}")
    return 0


def cmd_documents(args) -> int:
    with opened(args.project) as project:
        docs = project.documents.list()
    if args.json:
        print_json([
            {"uuid": d.uuid, "name": d.name, "kind": d.kind, "characters": d.length, "words": d.words,
             "turns": d.turns, "respondents": list(d.respondents), "codings": d.codings,
             "coded_share": round(d.coded_share, 4)}
            for d in docs
        ])
        return 0
    table(f"{len(docs)} documents", ["document", "kind", "respondents", "words", "turns", "codings", "coded"],
          [[d.name, d.kind.replace("_", " "), ", ".join(d.respondents), d.words, d.turns, d.codings,
            f"{d.coded_share:.0%}"] for d in docs],
          justify={"words": "right", "turns": "right", "codings": "right", "coded": "right"})
    return 0


def cmd_show(args) -> int:
    with opened(args.project) as project:
        doc = project.documents.get(args.document)
        turns = project.documents.turns(doc.uuid)
        roles = {c.uuid: c.role for c in project.cases.list()}
    first, last = 1, len(turns)
    if args.turns:
        try:
            a, _, b = args.turns.partition("-")
            first, last = int(a), int(b or a)
        except ValueError:
            raise ProjectError(f"--turns takes a number or a range like 5-12, not '{args.turns}'.") from None
    chosen = [(i, t) for i, t in enumerate(turns, start=1) if first <= i <= last]
    if args.json:
        print_json({
            "uuid": doc.uuid, "name": doc.name, "kind": doc.kind, "characters": doc.length,
            "sha256": doc.sha256, "source_format": doc.source_format,
            "turns": [
                {"turn": i, "speaker": t.speaker, "role": roles.get(t.case), "timestamp_ms": t.timestamp_ms,
                 "start": t.start, "end": t.end, "text": doc.text[t.start:t.end]}
                for i, t in chosen
            ],
        })
        return 0
    console.print(f"[bold]{escape(doc.name)}[/] ({doc.kind.replace('_', ' ')}, {len(turns)} turns, {doc.length} characters)")
    if not turns:
        console.print(doc.text, highlight=False, markup=False)
    for i, t in chosen:
        stamp = f" [dim]{ms(t.timestamp_ms)}[/]" if t.timestamp_ms is not None else ""
        console.print(f"\n[bold cyan]{i:>3}[/] [bold]{escape(t.speaker or '-')}[/]{stamp} [dim]{t.start}-{t.end}[/]",
                      highlight=False)
        console.print(doc.text[t.start:t.end], highlight=False, markup=False)
    return 0


def cmd_status(args) -> int:
    with opened(args.project) as project:
        status = project.status()
    if args.json:
        print_json(status)
        return 0
    kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in status["documents_by_kind"].items())
    console.print(f"[bold]{escape(status['name'] or '')}[/] ({status['project']}, language {status['language']})")
    console.print(f"  documents   {status['documents']} ({kinds or 'none'}), {status['words']} words, {status['turns']} turns")
    console.print(f"  respondents {status['respondents']} (+{status['interviewers']} interviewer(s))")
    console.print(f"  codebook    {status['codes']} codes in {status['themes']} themes, {status['codes_used']} used")
    coders = ", ".join(f"{c} {n}" for c, n in status["codings_by_coder"].items())
    console.print(f"  codings     {status['codings']} ({coders or 'none yet'})")
    console.print(f"  coded       {status['coded_share']:.0%} of the text; {status['documents_coded']} documents have codings")
    if status["codings_flagged_for_review"]:
        console.print(f"  [yellow]review      {status['codings_flagged_for_review']} coding(s) could not be placed after a "
                      "text change; see 'qualcode flagged'[/]")
    return 0


def cmd_speakers(args) -> int:
    with opened(args.project) as project:
        with project.transaction():
            for name in args.interviewer:
                project.cases.set_role(name, "interviewer")
            for name in args.respondent:
                project.cases.set_role(name, "respondent")
        cases = project.cases.list()
    if args.json:
        print_json([{"name": c.name, "role": c.role, "attributes": c.attributes} for c in cases])
        return 0
    keys = sorted({k for c in cases for k in c.attributes})
    table(f"{len(cases)} speakers", ["speaker", "type", *keys],
          [[c.name, c.role, *[c.attributes.get(k, "") for k in keys]] for c in cases])
    return 0


def cmd_undo_redo(args) -> int:
    with opened(args.project) as project:
        entry = project.history.undo() if args.command == "undo" else project.history.redo()
    if entry is None:
        console.print(f"nothing to {args.command}")
        return 1
    console.print(f"{args.command}: {entry.description}")
    return 0
