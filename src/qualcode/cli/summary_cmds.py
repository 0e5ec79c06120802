"""summary: a researcher's summary of what one respondent says about one code or theme."""

from __future__ import annotations

from qualcode.cli.common import add_json, need_coder, opened
from qualcode.cli.output import console, print_json, table
from qualcode.errors import ProjectError


def register(sub) -> None:
    p = sub.add_parser(
        "summary", help="write or list summaries per respondent (case) x code: the data matrix's own cells",
        description="With --case, --code and TEXT (or --edit) writes the summary of that cell ('' removes it); "
                    "without TEXT shows the summaries, filtered by --case and --code. Exported by "
                    "'qualcode export matrix --cells summaries|both'.")
    p.add_argument("project")
    p.add_argument("text", nargs="?", help="the summary ('' removes it)")
    p.add_argument("--case", "--respondent", dest="case", help="the respondent or focus group")
    p.add_argument("--code", help="the code or theme (path or unique name)")
    p.add_argument("--edit", action="store_true", help="write the summary in $VISUAL/$EDITOR")
    p.add_argument("--author", "--coder", dest="author", help="who writes (default: $QUALCODE_CODER)")
    add_json(p)
    p.set_defaults(func=cmd_summary)


def _case(project, name: str):
    case = project.cases.get(name)
    if case is None:
        raise ProjectError(f"no respondent or case named '{name}' (see 'qualcode speakers').")
    return case


def cmd_summary(args) -> int:
    with opened(args.project) as project:
        if args.text is not None or args.edit:
            if not (args.case and args.code):
                raise ProjectError("writing a summary needs --case and --code.")
            case, code = _case(project, args.case), project.codebook.get(args.code)
            author = need_coder(args.author, project)
            project.coder = author
            text = args.text
            if args.edit:
                from qualcode.cli.memo_cmds import edit_text

                old = project.summaries.get(case.uuid, code.uuid)
                text = edit_text(old.text if old else "")
            summary = project.summaries.write(case.uuid, code.uuid, text, author)
            path = project.codebook.tree().path(code.uuid)
            if args.json:
                print_json(None if summary is None else _record(project, summary))
            else:
                done = "removed" if summary is None else "saved"
                console.print(f"summary of {case.name} × {path} {done} (undo with 'qualcode undo')", markup=False)
            return 0
        case = _case(project, args.case).uuid if args.case else None
        code = project.codebook.get(args.code).uuid if args.code else None
        records = [_record(project, s) for s in project.summaries.all()
                   if (case is None or s.case == case) and (code is None or s.code == code)]
    if args.json:
        print_json(records)
        return 0
    table(f"{len(records)} summaries", ["case", "code", "author", "summary"],
          [[r["case"], r["code"], r["author"], r["text"]] for r in records])
    return 0


def _record(project, s) -> dict:
    case = project.cases.get(s.case)
    return {"uuid": s.uuid, "case": case.name if case else s.case, "code": project.codebook.tree().path(s.code),
            "author": s.author, "text": s.text, "created_at": s.created_at, "updated_at": s.updated_at}
