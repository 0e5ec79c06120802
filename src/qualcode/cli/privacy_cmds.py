"""qualcode names / qualcode citations: what --pseudonymise replaces, and what a citation reveals."""

from __future__ import annotations

from qualcode.cli.common import add_json, opened
from qualcode.errors import ProjectError


def register(sub) -> None:
    p = sub.add_parser(
        "names", help="find names of people and places in the material; confirm them for --pseudonymise",
        description="Without options: list words that may be names (capitalised, not at a sentence start, "
                    "not in the language's word list), with counts and contexts, and the names list. "
                    "Confirmed names are replaced in every export made with --pseudonymise.",
    )
    p.add_argument("project")
    p.add_argument("--confirm", nargs="+", metavar="NAME", help="add these names to the names list")
    p.add_argument("--from", dest="from_file", metavar="FILE", help="add the names in FILE (one per line)")
    p.add_argument("--kind", choices=["person", "place"], default="person",
                   help="what the confirmed names are (aliases N01 … for people, L01 … for places)")
    p.add_argument("--remove", nargs="+", metavar="NAME", help="take these names off the list")
    p.add_argument("--limit", type=int, default=60, help="candidates shown (default 60; 0 for all)")
    add_json(p)
    p.set_defaults(func=cmd_names)

    p = sub.add_parser(
        "citations", help="choose the respondent attributes quotes are cited with; see who they identify",
        description="Without options: show the citation attributes and how many respondents share each "
                    "combination of their values (fewer than 3 can identify a person).",
    )
    p.add_argument("project")
    p.add_argument("--attributes", metavar="KEY[,KEY…]", help="cite quotes with these attributes, in this order")
    p.add_argument("--none", action="store_true", help="cite quotes with the respondent's label only")
    add_json(p)
    p.set_defaults(func=cmd_citations)


def cmd_names(args) -> int:
    from qualcode.cli.output import console, print_json, table

    changed = bool(args.confirm or args.from_file or args.remove)
    names = list(args.confirm or [])
    if args.from_file:
        names += _read_names(args.from_file)
    with opened(args.project) as project:
        if changed:
            added = project.names.confirm(names, args.kind) if names else []
            removed = project.names.remove(args.remove) if args.remove else 0
            if args.json:
                print_json({"added": [vars(n) for n in added], "removed": removed})
                return 0
            for n in added:
                console.print(f"added {n.name} ({n.kind}) → {n.alias}", highlight=False)
            skipped = len(names) - len(added)
            if skipped:
                console.print(f"{skipped} name(s) were on the list already", highlight=False)
            if args.remove:
                console.print(f"removed {removed} name(s)", highlight=False)
            return 0
        from qualcode.export.name_candidates import project_candidates

        listed = project.names.all()
        candidates = project_candidates(project)
    if args.json:
        print_json({"names": [vars(n) for n in listed],
                    "candidates": [{"name": c.name, "count": c.count, "documents": sorted(c.documents),
                                    "contexts": c.contexts, "status": c.status} for c in candidates]})
        return 0
    if listed:
        table(f"Names list ({len(listed)}): replaced by --pseudonymise", ["name", "kind", "replaced by"],
              [[n.name, n.kind, n.alias] for n in listed])
    else:
        console.print("The names list is empty: --pseudonymise replaces respondents and speakers only.")
    open_ = [c for c in candidates if not c.status]
    shown = open_ if args.limit <= 0 else open_[:args.limit]
    if shown:
        table(f"{len(open_)} possible name(s) not on the list (most frequent first)",
              ["name", "times", "documents", "context"],
              [[c.name, c.count, len(c.documents), c.contexts[0] if c.contexts else ""] for c in shown])
        if len(open_) > len(shown):
            console.print(f"... and {len(open_) - len(shown)} more (--limit 0 shows all)")
        console.print("Confirm with: qualcode names PROJECT --confirm NAME … [--kind place]", highlight=False)
    speakers = sum(1 for c in candidates if c.status == "speaker")
    console.print(f"{speakers} respondent and speaker name(s) are replaced anyway.", highlight=False)
    return 0


def _read_names(path: str) -> list[str]:
    from pathlib import Path

    from qualcode.ingest.encoding import read_text_file

    try:
        text = read_text_file(Path(path))
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read the names file ({exc.strerror or exc}).") from None
    out = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if not any(ch.isalpha() for ch in name):
            raise ProjectError(f"{path}, line {line_no}: '{name}' is not a name (it has no letters).")
        out.append(name)
    return out


def cmd_citations(args) -> int:
    from qualcode.cli.output import console, print_json, table
    from qualcode.export.citations import CITATION_SETTING, combinations, resolve_keys

    with opened(args.project) as project:
        if args.attributes or args.none:
            keys = [] if args.none else resolve_keys(project, [k.strip() for k in args.attributes.split(",")
                                                                if k.strip()])
            project.set_setting(CITATION_SETTING, keys)
        keys = project.settings().get(CITATION_SETTING)
        combos = combinations(project, keys or [])
    if args.json:
        print_json({"attributes": keys, "combinations": [{"values": list(v), "respondents": n} for v, n in combos]})
        return 0
    if keys is None:
        console.print("No citation attributes chosen: quotes are cited with the respondent's label only. "
                      "Choose with --attributes KEY[,KEY…].", highlight=False)
        return 0
    console.print(f"Quotes are cited with: {', '.join(keys) or 'the respondent label only'}", highlight=False)
    if keys:
        table("Respondents per combination", [*keys, "respondents"],
              [[*values, n if n >= 3 else f"{n} (identifying)"] for values, n in combos])
    return 0
