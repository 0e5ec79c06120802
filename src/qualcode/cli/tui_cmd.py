"""qualcode tui: open the coding workspace."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("tui", help="open the coding workspace (the terminal user interface)")
    p.add_argument("project", help="the project file (.qualcode)")
    p.add_argument("--coder", help="who is coding (default: $QUALCODE_CODER or the remembered name)")
    p.add_argument("--document", help="the document to open first (name or unique prefix)")
    p.add_argument("--theme", help="a Textual theme, e.g. textual-dark, textual-light, nord, gruvbox")
    p.add_argument("--no-suggestions", action="store_true",
                   help="do not load the code suggester (it loads in the background otherwise)")
    p.add_argument("--model", help="an installed spaCy model for the suggestions, e.g. nl_core_news_md "
                   "(default: the project's 'model' setting, else a blank pipeline with lookup lemmas)")
    p.set_defaults(func=cmd_tui)


def cmd_tui(args) -> int:
    from qualcode.tui.app import run_tui

    settings = {}
    if args.coder:
        settings["coder"] = args.coder
    if args.document:
        settings["document"] = args.document
    if args.theme:
        settings["theme"] = args.theme
    if args.no_suggestions:
        settings["suggestions"] = False
    if args.model:
        settings["model"] = args.model
    return run_tui(args.project, settings or None)
