"""qualcode serve: the coding workspace in a web browser (textual-serve)."""

from __future__ import annotations

import sys
from pathlib import Path

from qualcode.errors import QualcodeError


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the coding workspace in a web browser (localhost by default)")
    p.add_argument("project", help="the project file (.qualcode)")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: every "
                        "network this computer is on, with an access token)")
    p.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    p.add_argument("--coder", help="who codes in the browser (default: $QUALCODE_CODER or the remembered "
                   "name; otherwise the page asks)")
    p.add_argument("--document", help="the document to open first (name or unique prefix)")
    p.add_argument("--theme", help="a Textual theme, e.g. textual-dark, textual-light")
    p.add_argument("--no-suggestions", action="store_true", help="do not load the code suggester")
    p.add_argument("--model", help="an installed spaCy model for the suggestions")
    p.add_argument("--no-token", action="store_true",
                   help="beyond localhost, do not ask for the access token (anyone who reaches the port can code)")
    p.add_argument("--public-url", help="the address browsers use, if a proxy stands in front (e.g. https://host/qc)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from qualcode.store.db import open_database

    path = Path(args.project).resolve()
    open_database(path).close()  # a clear error now, not in the browser, if it is not a project
    if not 1 <= args.port <= 65535:
        raise QualcodeError(f"--port {args.port}: give a port between 1 and 65535.")
    try:
        import textual_serve  # noqa: F401
    except ModuleNotFoundError as exc:
        raise QualcodeError("qualcode serve needs the textual-serve package: pip install textual-serve") from exc
    from qualcode.tui.serve import is_local, make_server, new_token

    options = []
    for flag in ("coder", "document", "theme", "model"):
        if getattr(args, flag):
            options += [f"--{flag}", getattr(args, flag)]
    if args.no_suggestions:
        options.append("--no-suggestions")
    local = is_local(args.host)
    token = None if local or args.no_token else new_token()
    server = make_server(path, options, args.host, args.port, token, args.public_url)
    shown = "localhost" if args.host in ("127.0.0.1", "::1") else args.host
    url = args.public_url or f"http://{'[::1]' if args.host == '::1' else shown}:{args.port}/"
    who = args.coder or "the coder each browser names"
    out = sys.stdout
    print(f"qualcode serve: '{path.name}' in a web browser", file=out)
    if local:
        print(f"  open {url}", file=out)
        print("  only this computer can reach it (localhost). To show it on another computer: --host 0.0.0.0",
              file=out)
    else:
        link = f"{url}?token={token}" if token else url
        print(f"  open {link}  (from another computer: use this computer's name or address instead of "
              f"{shown})", file=out)
        print(f"warning: listening on {args.host}:{args.port}, beyond this computer. Anyone who can reach "
              f"this port {'and has the link ' if token else ''}can read the transcripts and code as {who}.",
              file=out)
        if not token:
            print("warning: --no-token: no access token is asked for.", file=out)
    print("  every browser tab is a workspace of its own on the same project file; ctrl+c stops the server",
          file=out, flush=True)
    try:
        server.serve()
    except OSError as exc:
        import errno

        if exc.errno == errno.EADDRINUSE:
            raise QualcodeError(f"port {args.port} on {args.host} is in use (another server?); "
                                "choose another with --port.") from exc
        raise QualcodeError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from exc
    return 0
