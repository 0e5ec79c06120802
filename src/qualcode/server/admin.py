"""Setting a team server up: init, publish a project, grant roles, the blind phase, status."""

from __future__ import annotations

import json
import re
import uuid

from qualcode.errors import ProjectError
from qualcode.server.connection import connect, describe, server_error
from qualcode.server.schema import MEMBER_ROLE, SERVER_SCHEMA_VERSION, init_server, server_version

ROLES = ("manager", "coder", "reader")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


def check_name(kind: str, name: str) -> str:
    if not name or not NAME_RE.match(name):
        raise ProjectError(f"{kind} name {name!r}: use letters, digits, '.', '_' or '-' (at most 63).")
    return name


def require_schema(conn, url: str) -> None:
    version = server_version(conn)
    if version is None:
        raise ProjectError(f"{describe(url)}: no qualcode schema there yet (run 'qualcode server init' first).")
    if version > SERVER_SCHEMA_VERSION:
        raise ProjectError(f"{describe(url)}: the server's schema is newer ({version}) than this qualcode "
                           f"knows ({SERVER_SCHEMA_VERSION}); upgrade qualcode.")
    if version < SERVER_SCHEMA_VERSION:
        raise ProjectError(f"{describe(url)}: the server's schema is older ({version}); an administrator "
                           "runs 'qualcode server init' again to upgrade it.")


def init(url: str) -> dict:
    import psycopg

    with connect(url) as conn:
        try:
            result = init_server(conn)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise server_error(exc, "server init (needs a user who may create schemas and roles)") from None
    return result


def _project_row(conn, project: str, url: str) -> dict:
    row = conn.execute("SELECT name, language, title, blind, epoch FROM qualcode.projects WHERE name = %s",
                       [project]).fetchone()
    if row is None:
        raise ProjectError(f"{describe(url)}: no project '{project}' there (or you are not one of its members).")
    return dict(zip(("name", "language", "title", "blind", "epoch"), row))


def grant(url: str, project: str, user: str, role: str, coder: str | None = None,
          password: str | None = None) -> dict:
    """Give ``user`` a role on ``project``; creates the login role when it does not exist."""
    import psycopg
    from psycopg import sql

    if role not in ROLES:
        raise ProjectError(f"--role {role!r}: use one of {', '.join(ROLES)}.")
    check_name("user", user)
    coder = (coder or user).strip()
    with connect(url) as conn:
        require_schema(conn, url)
        try:
            with conn.transaction():
                _project_row(conn, project, url)
                created = False
                if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user]).fetchone():
                    conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(user)))
                    created = True
                if password is not None:
                    conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user), sql.Literal(password)))
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(MEMBER_ROLE), sql.Identifier(user)))
                clash = conn.execute("SELECT username FROM qualcode.members WHERE project = %s AND coder = %s "
                                     "AND username <> %s", [project, coder, user]).fetchone()
                if clash:
                    raise ProjectError(f"coder name '{coder}' already belongs to user '{clash[0]}' in '{project}'.")
                conn.execute(
                    "INSERT INTO qualcode.members (project, username, role, coder) VALUES (%s, %s, %s, %s) "
                    "ON CONFLICT (project, username) DO UPDATE SET role = excluded.role, coder = excluded.coder",
                    [project, user, role, coder])
        except psycopg.errors.InsufficientPrivilege as exc:
            raise server_error(exc, f"grant {user}") from None
    return {"project": project, "user": user, "role": role, "coder": coder, "role_created": created}


def set_blind(url: str, project: str, blind: bool) -> dict:
    with connect(url) as conn:
        require_schema(conn, url)
        with conn.transaction():
            _project_row(conn, project, url)
            conn.execute("UPDATE qualcode.projects SET blind = %s, epoch = epoch + 1 WHERE name = %s",
                         [blind, project])
    return {"project": project, "blind": blind}


def status(url: str, project: str) -> dict:
    with connect(url) as conn:
        require_schema(conn, url)
        with conn.transaction():
            info = _project_row(conn, project, url)
            head = conn.execute("SELECT qualcode.head(%s)", [project]).fetchone()[0]
            members = conn.execute(
                "SELECT username, role, coder FROM qualcode.members WHERE project = %s ORDER BY role, username",
                [project]).fetchall()
            replicas = conn.execute(
                "SELECT id, username, coder, last_seen, position, sent FROM qualcode.replicas "
                "WHERE project = %s ORDER BY last_seen DESC", [project]).fetchall()
            counts = dict(conn.execute(
                "SELECT tbl, count(*) FROM qualcode.rows WHERE project = %s GROUP BY tbl", [project]).fetchall())
            per_coder = dict(conn.execute(
                "SELECT owner, count(*) FROM qualcode.rows WHERE project = %s AND tbl = 'codings' GROUP BY owner",
                [project]).fetchall())
            n_changes = conn.execute("SELECT count(*) FROM qualcode.changes WHERE project = %s",
                                     [project]).fetchone()[0]
            n_conflicts = conn.execute("SELECT count(*) FROM qualcode.conflicts WHERE project = %s",
                                       [project]).fetchone()[0]
    return {
        "project": project, "server": describe(url), "blind": info["blind"], "head": head,
        "members": [{"user": u, "role": r, "coder": c} for u, r, c in members],
        "replicas": [{"id": str(i), "user": u, "coder": c, "last_seen": ls.isoformat(timespec="seconds"),
                      "position": p, "behind": head - p, "sent": s} for i, u, c, ls, p, s in replicas],
        "documents": counts.get("documents", 0), "codes": counts.get("codes", 0),
        "codings": counts.get("codings", 0), "memos": counts.get("memos", 0),
        "codings_by_coder": per_coder, "changes": n_changes, "conflicts": n_conflicts,
    }


def publish(path: str, url: str, project_name: str, coder: str | None = None, blind: bool = False) -> dict:
    """Put a project on the server; the file becomes the publisher's replica (as manager)."""
    import psycopg

    from qualcode.store.project import Project
    from qualcode.store.replica import OWNER_FIELD, SHARED_TABLES, row_key

    check_name("project", project_name)
    with Project.open(path) as project:
        if project.replica.linked:
            info = project.replica.info()
            raise ProjectError(f"{path}: already a replica of project '{info.get('project')}' on a server.")
        with connect(url) as conn:
            require_schema(conn, url)
            user = conn.info.user
            coder = (coder or project.settings().get("coder") or user).strip()
            replica_id = str(uuid.uuid4())
            counts = {}
            try:
                with conn.transaction():
                    if conn.execute("SELECT 1 FROM qualcode.projects WHERE name = %s", [project_name]).fetchone():
                        raise ProjectError(f"{describe(url)}: a project '{project_name}' is already there; "
                                           "choose another --project name.")
                    conn.execute("INSERT INTO qualcode.projects (name, language, title, blind) VALUES (%s, %s, %s, %s)",
                                 [project_name, project.language, project.meta("name"), blind])
                    conn.execute("INSERT INTO qualcode.members (project, username, role, coder) VALUES (%s, %s, 'manager', %s)",
                                 [project_name, user, coder])
                    with conn.cursor().copy("COPY qualcode.rows (project, tbl, key, data, owner) FROM STDIN") as copy:
                        for tbl in SHARED_TABLES:
                            rows = project.replica.snapshot(tbl)
                            counts[tbl] = len(rows)
                            field = OWNER_FIELD.get(tbl)
                            for row in rows:
                                copy.write_row((project_name, tbl, row_key(tbl, row),
                                                json.dumps(row, ensure_ascii=False), row.get(field) if field else None))
                    conn.execute("INSERT INTO qualcode.replicas (id, project, username, coder) VALUES (%s, %s, %s, %s)",
                                 [replica_id, project_name, user, coder])
            except psycopg.errors.InsufficientPrivilege as exc:
                raise server_error(exc, "publish (needs the user who ran 'server init')") from None
        with project.db.atomic():
            project.replica.link(url, project_name, replica_id, coder, "manager", 0, 0)
            project.set_meta("settings", json.dumps({**project.settings(), "coder": coder}))
    return {"project": project_name, "server": describe(url), "replica": replica_id, "coder": coder,
            "rows": counts, "blind": blind}
