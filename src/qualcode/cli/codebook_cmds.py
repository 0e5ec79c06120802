"""codebook add|rename|move|merge|delete|edit: editing the codebook from the command line.

Each is one undo step; merge and delete say how many codings they touch and ask first unless
``--yes`` (without a terminal to ask on, they refuse without ``--yes``).
"""

from __future__ import annotations

import sys

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, print_json
from qualcode.errors import ProjectError


def register_actions(cb) -> None:
    q = cb.add_parser("add", help="add a code (or a theme, without --parent)")
    q.add_argument("project")
    q.add_argument("name")
    q.add_argument("--parent", help="the code or theme it goes under (default: a new theme at the top)")
    _field_args(q)
    add_json(q)
    q.set_defaults(func=cmd_add)

    q = cb.add_parser("rename", help="rename a code (its codings stay)")
    q.add_argument("project")
    q.add_argument("code", help="code path or unique name")
    q.add_argument("new_name")
    add_json(q)
    q.set_defaults(func=cmd_rename)

    q = cb.add_parser("move", help="move a code under another code or theme (or --to-top)")
    q.add_argument("project")
    q.add_argument("code")
    where = q.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", dest="to", help="the new parent")
    where.add_argument("--to-top", action="store_true", help="make it a theme at the top of the tree")
    add_json(q)
    q.set_defaults(func=cmd_move)

    q = cb.add_parser("merge", help="merge a code into another: codings and sub-codes move, the code goes")
    q.add_argument("project")
    q.add_argument("source")
    q.add_argument("target")
    q.add_argument("--yes", "-y", action="store_true", help="do not ask")
    add_json(q)
    q.set_defaults(func=cmd_merge)

    q = cb.add_parser("delete", help="delete a code with its sub-codes and their codings")
    q.add_argument("project")
    q.add_argument("code")
    q.add_argument("--yes", "-y", action="store_true", help="do not ask")
    add_json(q)
    q.set_defaults(func=cmd_delete)

    q = cb.add_parser("edit", help="change a code's definition, criteria, keywords, colour or domain")
    q.add_argument("project")
    q.add_argument("code")
    _field_args(q)
    add_json(q)
    q.set_defaults(func=cmd_edit)


def _field_args(q) -> None:
    q.add_argument("--label", help="a short label (e.g. an English name)")
    q.add_argument("--definition")
    q.add_argument("--inclusion", help="inclusion criteria")
    q.add_argument("--exclusion", help="exclusion criteria")
    q.add_argument("--keywords", help="comma-separated keywords (replaces the list)")
    q.add_argument("--examples", action="append", help="an example quote (repeatable; replaces the list)")
    q.add_argument("--colour", "--color", dest="colour", help="a colour, #rrggbb")
    q.add_argument("--domain", help="a domain of mutually exclusive codes ('' for none)")


def _fields(args) -> dict:
    import re

    out = {}
    for key in ("label", "definition", "inclusion", "exclusion", "colour", "domain"):
        value = getattr(args, key)
        if value is not None:
            out[key] = value if (value or key not in ("colour", "domain")) else None
    if args.keywords is not None:
        out["keywords"] = [k.strip() for k in args.keywords.split(",") if k.strip()]
    if args.examples is not None:
        out["examples"] = [e for e in args.examples if e.strip()]
    colour = out.get("colour")
    if colour and not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ProjectError(f"--colour '{colour}' is not a colour of the form #rrggbb.")
    return out


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ProjectError(f"{question} Nothing was changed; run again with --yes to go ahead.")
    console.print(f"{question} [y/N] ", end="", markup=False)
    answer = input().strip().casefold()
    if answer not in ("y", "yes", "j", "ja"):
        raise ProjectError("cancelled; nothing was changed.")


def _code_record(project, code) -> dict:
    return {"uuid": code.uuid, "path": project.codebook.tree().path(code.uuid), "name": code.name}


def cmd_add(args) -> int:
    with opened(args.project) as project:
        code = project.codebook.add(args.name, args.parent, **_fields(args))
        record = _code_record(project, code)
    if args.json:
        print_json(record)
    else:
        console.print(f"added code {record['path']} (undo with 'qualcode undo')", markup=False)
    return 0


def cmd_rename(args) -> int:
    with opened(args.project) as project:
        old = project.codebook.tree().path(project.codebook.get(args.code).uuid)
        code = project.codebook.update(args.code, name=args.new_name)
        record = {**_code_record(project, code), "old_path": old, "codings": project.codebook.usage(code.uuid)["codings"]}
    if args.json:
        print_json(record)
    else:
        console.print(f"renamed {old} to {record['path']} ({record['codings']} coding(s) keep their code)",
                      markup=False)
    return 0


def cmd_move(args) -> int:
    with opened(args.project) as project:
        old = project.codebook.tree().path(project.codebook.get(args.code).uuid)
        code = project.codebook.move(args.code, None if args.to_top else args.to)
        record = {**_code_record(project, code), "old_path": old}
    if args.json:
        print_json(record)
    else:
        console.print(f"moved {old} to {record['path']}", markup=False)
    return 0


def cmd_merge(args) -> int:
    with opened(args.project) as project:
        src, dst = project.codebook.get(args.source), project.codebook.get(args.target)
        tree = project.codebook.tree()
        usage = project.codebook.usage(src.uuid)
        own = len(project.codings.list(code=src.uuid))
        kids = len(tree.kids(src.uuid))
        _confirm(f"merging {tree.path(src.uuid)} into {tree.path(dst.uuid)} moves {own} coding(s)"
                 f"{f' and {kids} sub-code(s)' if kids else ''}.", args.yes)
        src_path, dst_path = tree.path(src.uuid), tree.path(dst.uuid)
        result = project.codebook.merge(src.uuid, dst.uuid)
    record = {"source": src_path, "target": dst_path, "codings": own, "sub_codes": kids,
              "codings_in_tree": usage["codings"], **result}
    if args.json:
        print_json(record)
    else:
        console.print(f"merged {src_path} into {dst_path}: {result['moved']} coding(s) moved, "
                      f"{result['duplicates_dropped']} duplicate(s) dropped (undo with 'qualcode undo')", markup=False)
    return 0


def cmd_delete(args) -> int:
    with opened(args.project) as project:
        code = project.codebook.get(args.code)
        path = project.codebook.tree().path(code.uuid)
        usage = project.codebook.usage(code.uuid)
        subs = usage["codes"] - 1
        _confirm(f"deleting {path}{f' and its {subs} sub-code(s)' if subs else ''} removes "
                 f"{usage['codings']} coding(s).", args.yes)
        result = project.codebook.delete(code.uuid)
    if args.json:
        print_json({"path": path, **result})
    else:
        console.print(f"deleted {path}: {result['codes']} code(s), {result['codings']} coding(s) "
                      "(undo with 'qualcode undo')", markup=False)
    return 0


def cmd_edit(args) -> int:
    fields = _fields(args)
    if not fields:
        raise ProjectError("say what to change: --definition, --keywords, --colour, --domain, …")
    with opened(args.project) as project:
        code = project.codebook.update(args.code, **fields)
        record = _code_record(project, code)
    if args.json:
        print_json({**record, "changed": sorted(fields)})
    else:
        console.print(f"edited {record['path']}: {', '.join(sorted(fields))}", markup=False)
    return 0
