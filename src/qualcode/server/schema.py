"""The team server's schema in PostgreSQL, with migrations like the project file's.

Everything lives in the schema ``qualcode``:

* ``projects`` — one row per shared project (its language and name, the blind phase, an epoch
  that moves when visibility changes so replicas read everything again);
* ``members`` — who works on a project, as which role (manager | coder | reader) and coder name;
* ``replicas`` — each replica's id, user, coder, position and last contact;
* ``rows`` — the current state: one row per project row (table, key, the row as JSON, its owner);
* ``changes`` — the change log: every operation a replica sent, with its uuid, the replica,
  the coder and the server's sequence number; ``status`` says whether it was applied;
* ``conflicts`` — what the server decided when two edits met, reported to both replicas.

Members write only by inserting into ``changes``; a trigger orders and applies each change
(policies.py holds the functions, triggers and row-level security).
"""

from __future__ import annotations

from qualcode.server.policies import POLICIES_SQL

SCHEMA = "qualcode"

TABLES_SQL = """
CREATE TABLE qualcode.schema_version (version integer NOT NULL);
CREATE TABLE qualcode.projects (
    name text PRIMARY KEY,
    language text NOT NULL DEFAULT 'nl',
    title text,
    blind boolean NOT NULL DEFAULT false,
    epoch integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT current_user
);
CREATE TABLE qualcode.members (
    project text NOT NULL REFERENCES qualcode.projects (name) ON DELETE CASCADE,
    username text NOT NULL,
    role text NOT NULL CHECK (role IN ('manager', 'coder', 'reader')),
    coder text NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project, username),
    UNIQUE (project, coder)
);
CREATE TABLE qualcode.replicas (
    id uuid PRIMARY KEY,
    project text NOT NULL REFERENCES qualcode.projects (name) ON DELETE CASCADE,
    username text NOT NULL DEFAULT current_user,
    coder text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    position bigint NOT NULL DEFAULT 0,
    sent bigint NOT NULL DEFAULT 0
);
CREATE TABLE qualcode.rows (
    project text NOT NULL,
    tbl text NOT NULL,
    key text NOT NULL,
    data jsonb NOT NULL,
    owner text,
    PRIMARY KEY (project, tbl, key)
);
CREATE INDEX rows_coding_code ON qualcode.rows (project, (data->>'code')) WHERE tbl = 'codings';
CREATE INDEX rows_document_refs ON qualcode.rows (project, (data->>'document'))
    WHERE tbl IN ('codings', 'turns', 'speakers', 'document_aliases');
CREATE INDEX rows_code_parent ON qualcode.rows (project, (data->>'parent')) WHERE tbl = 'codes';
CREATE SEQUENCE qualcode.change_seq;
CREATE TABLE qualcode.changes (
    seq bigint PRIMARY KEY,
    project text NOT NULL REFERENCES qualcode.projects (name) ON DELETE CASCADE,
    op_uuid uuid NOT NULL UNIQUE,
    replica uuid,
    username text NOT NULL DEFAULT current_user,
    coder text,
    tbl text NOT NULL CHECK (tbl IN ('documents', 'document_aliases', 'cases', 'turns', 'speakers',
                                     'attributes', 'codes', 'codings', 'memos')),
    kind text NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
    key text NOT NULL,
    before jsonb,
    after jsonb,
    owner text,
    status text NOT NULL DEFAULT 'applied',
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX changes_project_seq ON qualcode.changes (project, seq);
CREATE INDEX changes_key ON qualcode.changes (project, tbl, key, seq);
CREATE TABLE qualcode.conflicts (
    id bigserial PRIMARY KEY,
    project text NOT NULL REFERENCES qualcode.projects (name) ON DELETE CASCADE,
    seq bigint NOT NULL,
    tbl text NOT NULL,
    key text NOT NULL,
    kind text NOT NULL,
    detail text NOT NULL,
    replicas uuid[] NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conflicts_project ON qualcode.conflicts (project, id);
"""

MIGRATIONS = [TABLES_SQL + POLICIES_SQL]
SERVER_SCHEMA_VERSION = len(MIGRATIONS)
MEMBER_ROLE = "qualcode_member"


def server_version(conn) -> int | None:
    """The schema version on the server, or None when ``server init`` has not run there."""
    row = conn.execute("SELECT to_regclass('qualcode.schema_version')").fetchone()
    if row[0] is None:
        return None
    row = conn.execute("SELECT max(version) FROM qualcode.schema_version").fetchone()
    return row[0] or 0


def init_server(conn) -> dict:
    """Create or upgrade the schema, the member role and the policies. Idempotent."""
    from psycopg import sql

    with conn.transaction():
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [MEMBER_ROLE]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(MEMBER_ROLE)))
        version = server_version(conn)
        if version is None:
            conn.execute("CREATE SCHEMA qualcode")
            version = 0
        if version > SERVER_SCHEMA_VERSION:
            from qualcode.errors import VersionError

            raise VersionError(f"the server's qualcode schema is version {version}; this qualcode knows up to "
                               f"{SERVER_SCHEMA_VERSION}: upgrade qualcode.")
        for migration in MIGRATIONS[version:]:
            conn.execute(migration)
        if version < SERVER_SCHEMA_VERSION:
            conn.execute("DELETE FROM qualcode.schema_version")
            conn.execute("INSERT INTO qualcode.schema_version (version) VALUES (%s)", [SERVER_SCHEMA_VERSION])
        grants = f"""
            GRANT USAGE ON SCHEMA qualcode TO {MEMBER_ROLE};
            GRANT SELECT ON qualcode.projects, qualcode.members, qualcode.replicas, qualcode.rows,
                            qualcode.changes, qualcode.conflicts, qualcode.schema_version TO {MEMBER_ROLE};
            GRANT INSERT ON qualcode.changes TO {MEMBER_ROLE};
            GRANT INSERT, UPDATE ON qualcode.replicas TO {MEMBER_ROLE};
        """
        conn.execute(grants)
    return {"schema_version": SERVER_SCHEMA_VERSION, "upgraded_from": version}
