"""server init|grant|blind|status|local, publish, clone, sync: a shared live project on PostgreSQL."""

from __future__ import annotations

import os

from qualcode.cli.common import add_json, opened
from qualcode.cli.output import console, print_json, table
from qualcode.errors import ProjectError

URL_HELP = "the team server: a PostgreSQL address (postgresql://host/db) or libpq settings; " \
           "passwords come from ~/.pgpass, a service file or PGPASSWORD"


def register(sub) -> None:
    server = sub.add_parser("server", help="set up a team server on PostgreSQL: init, grant, blind, status, local")
    ss = server.add_subparsers(dest="server_command", metavar="ACTION")

    p = ss.add_parser("init", help="create or upgrade the qualcode schema, roles and policies on a server")
    p.add_argument("url", help=URL_HELP)
    add_json(p)
    p.set_defaults(func=cmd_init)

    p = ss.add_parser("grant", help="give a user a role on a shared project (creates the login when missing)")
    p.add_argument("url", help=URL_HELP)
    p.add_argument("--project", required=True)
    p.add_argument("--user", required=True, help="the PostgreSQL user name")
    p.add_argument("--role", required=True, choices=("manager", "coder", "reader"))
    p.add_argument("--coder", help="the name their codings carry (default: the user name)")
    p.add_argument("--password-env", metavar="VAR", help="set the user's password from this environment variable")
    add_json(p)
    p.set_defaults(func=cmd_grant)

    p = ss.add_parser("blind", help="blind phase on/off: coders do not see each other's codings while on")
    p.add_argument("url", help=URL_HELP)
    p.add_argument("--project", required=True)
    p.add_argument("state", choices=("on", "off"))
    add_json(p)
    p.set_defaults(func=cmd_blind)

    p = ss.add_parser("status", help="who works on a shared project, how much, and when each replica last synced")
    p.add_argument("url", help=URL_HELP)
    p.add_argument("--project", required=True)
    add_json(p)
    p.set_defaults(func=cmd_status)

    p = ss.add_parser("local", help="a throwaway PostgreSQL in a folder, for trying the team server")
    p.add_argument("action", choices=("start", "stop"))
    p.add_argument("folder", help="where the cluster lives (created on first start)")
    p.add_argument("--port", type=int, help="the socket's port number (default 5432; no TCP is opened)")
    p.add_argument("--database", default="qualcode")
    add_json(p)
    p.set_defaults(func=cmd_local)

    p = sub.add_parser("publish", help="put a project on a team server; the file becomes your replica")
    p.add_argument("project_file")
    p.add_argument("url", help=URL_HELP)
    p.add_argument("--project", required=True, help="its name on the server")
    p.add_argument("--coder", help="your coder name (default: the project's coder or your user name)")
    p.add_argument("--blind", action="store_true", help="start in a blind phase")
    add_json(p)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("clone", help="make a local replica of a shared project")
    p.add_argument("url", help=URL_HELP)
    p.add_argument("project_file", help="the new local project file")
    p.add_argument("--project", required=True, help="the project's name on the server")
    p.add_argument("--coder", help="check that you code under this name")
    add_json(p)
    p.set_defaults(func=cmd_clone)

    p = sub.add_parser("sync", help="send my changes to the team server and bring everyone else's")
    p.add_argument("project_file")
    p.add_argument("--log", action="store_true", help="show the replica's recent sync log instead")
    add_json(p)
    p.set_defaults(func=cmd_sync)


def cmd_init(args) -> int:
    from qualcode.server.admin import init
    from qualcode.server.connection import describe

    result = init(args.url)
    if args.json:
        print_json(result)
    else:
        what = "created" if result["upgraded_from"] == 0 else (
            "already up to date" if result["upgraded_from"] == result["schema_version"] else "upgraded")
        console.print(f"[bold green]server ready[/] at {describe(args.url)}: qualcode schema "
                      f"{result['schema_version']} {what}", highlight=False)
    return 0


def cmd_grant(args) -> int:
    from qualcode.server.admin import grant

    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise ProjectError(f"--password-env {args.password_env}: that environment variable is empty or unset.")
    result = grant(args.url, args.project, args.user, args.role, args.coder, password)
    if args.json:
        print_json(result)
    else:
        console.print(f"[bold green]granted[/] {result['user']} the role {result['role']} on '{result['project']}' "
                      f"(codes as '{result['coder']}')" + (" — new login role; give it a password "
                      "(--password-env) or your server's usual authentication" if result["role_created"] and password is None else ""),
                      highlight=False)
    return 0


def cmd_blind(args) -> int:
    from qualcode.server.admin import set_blind

    result = set_blind(args.url, args.project, args.state == "on")
    if args.json:
        print_json(result)
    else:
        console.print(f"blind phase {'on: coders see only their own codings' if result['blind'] else 'off: everyone sees all codings on their next sync'}",
                      highlight=False)
    return 0


def cmd_status(args) -> int:
    from qualcode.server.admin import status

    s = status(args.url, args.project)
    if args.json:
        print_json(s)
        return 0
    console.print(f"[bold]{s['project']}[/] on {s['server']}: {s['documents']} documents, {s['codes']} codes, "
                  f"{s['codings']} codings, {s['memos']} memos; {s['changes']} changes logged, "
                  f"{s['conflicts']} conflict(s) decided" + ("; [yellow]blind phase[/]" if s["blind"] else ""),
                  highlight=False)
    table("Members", ["user", "role", "coder", "codings"],
          [[m["user"], m["role"], m["coder"], s["codings_by_coder"].get(m["coder"], 0)] for m in s["members"]])
    table("Replicas", ["coder", "user", "last seen", "behind", "sent"],
          [[r["coder"], r["user"], r["last_seen"], r["behind"], r["sent"]] for r in s["replicas"]],
          justify={"behind": "right", "sent": "right"})
    return 0


def cmd_local(args) -> int:
    from qualcode.server.local import start_local, stop_local

    if args.action == "stop":
        result = stop_local(args.folder)
        if args.json:
            print_json(result)
        else:
            console.print(f"stopped the PostgreSQL in {result['folder']}", highlight=False)
        return 0
    result = start_local(args.folder, args.port, args.database)
    if args.json:
        print_json(result)
        return 0
    console.print(f"[bold green]PostgreSQL running[/] in {result['folder']} (Unix socket only)", highlight=False)
    console.print(f"  administrator:  {result['admin_url']}", highlight=False, soft_wrap=True)
    console.print(f"  team address:   {result['url']}  (each person adds user@ or sets PGUSER)",
                  highlight=False, soft_wrap=True)
    console.print(f"  stop it with:   qualcode server local stop {result['folder']}", highlight=False)
    return 0


def cmd_publish(args) -> int:
    from qualcode.server.admin import publish

    result = publish(args.project_file, args.url, args.project, args.coder, args.blind)
    if args.json:
        print_json(result)
        return 0
    rows = result["rows"]
    console.print(f"[bold green]published[/] '{result['project']}' on {result['server']}: {rows.get('documents', 0)} "
                  f"documents, {rows.get('codes', 0)} codes, {rows.get('codings', 0)} codings; "
                  f"{args.project_file} is now your replica (manager, coder '{result['coder']}')", highlight=False)
    return 0


def cmd_clone(args) -> int:
    from qualcode.server.sync import clone

    result = clone(args.url, args.project, args.project_file, args.coder)
    if args.json:
        print_json(result)
        return 0
    rows = result["rows"]
    console.print(f"[bold green]cloned[/] '{result['project']}' into {result['file']}: {rows['documents']} documents, "
                  f"{rows['codes']} codes, {rows['codings']} codings visible to you; you are "
                  f"{result['role']} '{result['coder']}'" + (" (blind phase: others' codings hidden)" if result["blind"] else ""),
                  highlight=False)
    return 0


def cmd_sync(args) -> int:
    from qualcode.server.sync import sync

    with opened(args.project_file) as project:
        if args.log:
            project.replica.require_linked()
            entries = project.replica.recent_log(50)
            if args.json:
                print_json(entries)
            elif not entries:
                console.print("no syncs yet that moved anything", highlight=False)
            else:
                table("Sync log", ["at", "what", "detail"], [[e["at"], e["kind"], e["detail"]] for e in entries])
            return 0
        report = sync(project)
    if args.json:
        print_json(report)
        return 0 if not report["refused"] else 3
    print_sync_report(report)
    return 0 if not report["refused"] else 3


def print_sync_report(r: dict) -> None:
    sent = ", ".join(f"{n} {k}" for k, n in r["sent_by_kind"].items()) or "nothing"
    got = ", ".join(f"{n} {k}" for k, n in r["received"].items()) or "nothing"
    console.print(f"[bold green]synced[/] with '{r['project']}' ({r['server']}) as {r['role']} '{r['coder']}'",
                  highlight=False)
    console.print(f"  sent:     {sent}", highlight=False)
    console.print(f"  received: {got}" + (" (everything re-read: the blind phase changed)" if r["reread"] else ""),
                  highlight=False)
    for c in r["conflicts"]:
        console.print(f"  [yellow]conflict:[/] {c}", highlight=False)
    for c in r["refused"]:
        console.print(f"  [red]refused (not your role's to change; undone here):[/] {c}", highlight=False)
    for c in r["not_applied"]:
        console.print(f"  [red]could not apply here:[/] {c}", highlight=False)
    moved = r.get("reanchored", {})
    if moved.get("moved") or moved.get("flagged"):
        console.print(f"  a transcript was replaced meanwhile: {moved['moved']} of your codings moved along, "
                      f"{moved['flagged']} flagged for review ('qualcode flagged')", highlight=False)
    if r["kept_locally"]:
        console.print(f"  {r['kept_locally']} row(s) deleted on the server kept here until your own changes "
                      "that refer to them are sent", highlight=False)
