"""set: sets (groups) of documents, cases and codes."""

from __future__ import annotations

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, print_json, table
from qualcode.errors import ProjectError


def register(sub) -> None:
    p = sub.add_parser("set", help="sets of documents, cases and codes: add, remove, list",
                       description="Sets group documents, respondents (cases) or codes ('Wave 1'). Use them in "
                                   "every export with --where set=NAME. Each change is one undo step.")
    p.add_argument("project")
    actions = p.add_subparsers(dest="set_action", metavar="ACTION", required=True)
    for name, helptext in (("add", "add members to a set (created when new)"),
                           ("remove", "remove members from a set, or the whole set when no members are named")):
        q = actions.add_parser(name, help=helptext)
        q.add_argument("name", help="the set's name")
        q.add_argument("--documents", "--docs", nargs="+", default=[], metavar="DOCUMENT")
        q.add_argument("--cases", "--respondents", nargs="+", default=[], metavar="CASE")
        q.add_argument("--codes", nargs="+", default=[], metavar="CODE")
        if name == "add":
            q.add_argument("--description", help="what the set is")
        add_json(q)
        q.set_defaults(func=cmd_set_add if name == "add" else cmd_set_remove)
    q = actions.add_parser("list", help="list the sets with their members")
    q.add_argument("name", nargs="?", help="only this set")
    add_json(q)
    q.set_defaults(func=cmd_set_list)


def _members(project, args) -> tuple[list[str], list[str], list[str]]:
    docs = [project.documents.get(d).uuid for d in args.documents]
    cases = []
    for name in args.cases:
        case = project.cases.get(name)
        if case is None:
            raise ProjectError(f"no respondent or case named '{name}' (see 'qualcode speakers').")
        cases.append(case.uuid)
    codes = [project.codebook.get(c).uuid for c in args.codes]
    return docs, cases, codes


def set_record(project, group) -> dict:
    docs = project.documents.names()
    cases = {c.uuid: c.name for c in project.cases.list()}
    tree = project.codebook.tree()
    return {
        "uuid": group.uuid, "name": group.name, "description": group.description,
        "documents": [docs.get(d, d) for d in group.documents],
        "cases": [cases.get(c, c) for c in group.cases],
        "codes": [tree.path(c) if c in tree else c for c in group.codes],
    }


def cmd_set_add(args) -> int:
    with opened(args.project) as project:
        docs, cases, codes = _members(project, args)
        group, added = project.sets.add(args.name, docs, cases, codes, description=args.description)
        record = set_record(project, group)
    if args.json:
        print_json({**record, "added": added})
    else:
        console.print(f"set '{group.name}': {added} member(s) added; now {len(group.documents)} document(s), "
                      f"{len(group.cases)} case(s), {len(group.codes)} code(s)", markup=False, highlight=False)
    return 0


def cmd_set_remove(args) -> int:
    with opened(args.project) as project:
        docs, cases, codes = _members(project, args)
        whole = not (docs or cases or codes)
        name = project.sets.get(args.name).name
        removed = project.sets.remove(args.name, docs, cases, codes, whole=whole)
    if args.json:
        print_json({"name": name, "removed": removed, "set_deleted": whole})
    elif whole:
        console.print(f"deleted set '{name}' ({removed} member(s)); undo with 'qualcode undo'", markup=False)
    else:
        console.print(f"removed {removed} member(s) from set '{name}'", markup=False)
    return 0


def cmd_set_list(args) -> int:
    with opened(args.project) as project:
        groups = [project.sets.get(args.name)] if args.name else project.sets.all()
        records = [set_record(project, g) for g in groups]
    if args.json:
        print_json(records)
        return 0
    table(f"{len(records)} sets", ["set", "documents", "cases", "codes", "description"],
          [[r["name"], "; ".join(r["documents"]), "; ".join(r["cases"]), "; ".join(r["codes"]), r["description"]]
           for r in records])
    return 0
