"""memo, memos: memos on codings, codes, documents, cases and the project."""

from __future__ import annotations

from qualcode.cli.common import add_json, need_coder, opened
from qualcode.cli.output import console, print_json, table
from qualcode.errors import ProjectError


def register(sub) -> None:
    p = sub.add_parser(
        "memo", help="write a memo on a coding, code, document, case or the project",
        description="qualcode memo PROJECT ID TEXT sets the memo on a coding; with --code, --document, --case "
                    "or --project the one positional argument is the memo text. '' removes a memo; --edit "
                    "opens $EDITOR on the current text.")
    p.add_argument("project")
    p.add_argument("id", nargs="?", help="coding id (or a unique prefix); with a target option: the memo text")
    p.add_argument("text", nargs="?", help="the memo ('' clears it)")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--code", help="a memo on this code (path or unique name)")
    target.add_argument("--document", "--doc", dest="document", help="a memo on this document")
    target.add_argument("--case", help="a memo on this respondent or focus group (case)")
    target.add_argument("--project-memo", "--project", dest="project_memo", action="store_true",
                        help="a memo on the project as a whole")
    p.add_argument("--edit", action="store_true", help="write the memo in $VISUAL/$EDITOR")
    p.add_argument("--author", "--coder", dest="author", help="who writes (default: $QUALCODE_CODER or the remembered name)")
    add_json(p)
    p.set_defaults(func=cmd_memo)

    p = sub.add_parser("memos", help="list memos: on codes, documents, cases, the project and codings")
    p.add_argument("project")
    p.add_argument("--type", choices=["project", "document", "case", "code", "coding"], action="append",
                   help="only memos on this kind of object (repeatable)")
    p.add_argument("--author", help="only this author's memos")
    p.add_argument("--search", help="only memos containing this text (case-insensitive)")
    add_json(p)
    p.set_defaults(func=cmd_memos)


def _target(project, args) -> tuple[str, str | None] | None:
    if args.code:
        return "code", project.codebook.get(args.code).uuid
    if args.document:
        return "document", project.documents.get(args.document).uuid
    if args.case:
        case = project.cases.get(args.case)
        if case is None:
            raise ProjectError(f"no respondent or case named '{args.case}' (see 'qualcode speakers').")
        return "case", case.uuid
    if args.project_memo:
        return "project", None
    return None


def edit_text(initial: str) -> str:
    """The text after the user edited it in $VISUAL/$EDITOR."""
    import os
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise ProjectError("--edit needs an editor: set $EDITOR (for example EDITOR=nano), or give the text.")
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as fh:
        fh.write(initial)
        path = fh.name
    try:
        if subprocess.call([*shlex.split(editor), path]) != 0:
            raise ProjectError(f"the editor '{editor}' failed; the memo is unchanged.")
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    finally:
        os.unlink(path)


def cmd_memo(args) -> int:
    with opened(args.project) as project:
        target = _target(project, args)
        if target is None:
            if not args.id:
                raise ProjectError("give a coding id and a text, or one of --code, --document, --case, --project.")
            if args.edit:
                args.text = edit_text(project.codings.get(args.id).memo)
            if args.text is None:
                raise ProjectError("give the memo text after the coding id ('' clears the memo), or --edit.")
            coding = project.codings.update(args.id, memo=args.text)
            if args.json:
                print_json({"target_type": "coding", "target": coding.uuid, "text": coding.memo})
            else:
                console.print(f"memo {'set' if args.text else 'cleared'} on coding {coding.uuid[:8]}")
            return 0
        if args.text is not None:
            raise ProjectError("with --code, --document, --case or --project give only the memo text.")
        author = need_coder(args.author, project)
        project.coder = author
        book = project.memos
        kind, uuid = target
        text = args.id
        if args.edit:
            old = book.find(kind, uuid, author)
            text = edit_text(old.text if old else "")
        if text is None:
            raise ProjectError("give the memo text ('' removes the memo), or --edit.")
        memo = book.write(kind, uuid, text, author)
        what = book.describe(kind, uuid)
    if args.json:
        print_json(None if memo is None else {"uuid": memo.uuid, "target_type": kind, "target": uuid, "author": author,
                                              "text": memo.text, "created_at": memo.created_at,
                                              "updated_at": memo.updated_at})
    elif memo is None:
        console.print(f"no memo by {author} on {what} now (undo with 'qualcode undo')", markup=False)
    else:
        console.print(f"memo by {author} on {what} saved (undo with 'qualcode undo')", markup=False)
    return 0


def memo_records(project) -> list[dict]:
    """Every memo, coding memos included, as plain records (newest last)."""
    book = project.memos
    tree = project.codebook.tree()
    names = project.documents.names()
    out = []
    for m in book.list():
        out.append({"uuid": m.uuid, "target_type": m.target_type, "target": m.target,
                    "about": book.describe(m.target_type, m.target), "author": m.author, "text": m.text,
                    "created_at": m.created_at, "updated_at": m.updated_at})
    for c in project.codings.list():
        if c.memo and c.memo.strip():
            out.append({"uuid": c.uuid, "target_type": "coding", "target": c.uuid,
                        "about": f"coding of '{tree.path(c.code)}' in '{names.get(c.document, '?')}' {c.start}-{c.end}",
                        "author": c.coder, "text": c.memo, "created_at": c.created_at, "updated_at": c.created_at})
    return out


def cmd_memos(args) -> int:
    with opened(args.project) as project:
        records = memo_records(project)
    if args.type:
        records = [r for r in records if r["target_type"] in args.type]
    if args.author:
        records = [r for r in records if (r["author"] or "").casefold() == args.author.casefold()]
    if args.search:
        needle = args.search.casefold()
        records = [r for r in records if needle in r["text"].casefold()]
    if args.json:
        print_json(records)
        return 0
    table(f"{len(records)} memos", ["id", "on", "author", "updated", "memo"],
          [[r["uuid"][:8], r["about"], r["author"], (r["updated_at"] or "")[:16].replace("T", " "),
            " ".join(r["text"].split())[:90]] for r in records])
    return 0
