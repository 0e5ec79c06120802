"""Clone a shared project, and sync a replica: push the outbox, pull the server's state.

Push sends the outbox in order, in batches, each batch one server transaction; the outbox rows
go only after the server committed. A batch that was committed but not yet cleared locally (the
replica was killed) is sent again and the server drops the operations it has seen (by uuid).

Pull reads, in one repeatable-read snapshot, every row that changed since the replica's position
and the new position, and applies them to the file in one SQLite transaction. Rows with local
changes still waiting are left for the server to merge when those arrive.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.server.admin import _project_row, require_schema
from qualcode.server.connection import ServerErrors, connect, describe, server_error
from qualcode.store.history import now
from qualcode.store.replica import OWNER_FIELD, SHARED_TABLES

def batch_size() -> int:
    """Operations per server transaction (QUALCODE_SYNC_BATCH, default 2000)."""
    return max(1, int(os.environ.get("QUALCODE_SYNC_BATCH", "2000")))


def _member(conn, project: str, url: str) -> tuple[str, str]:
    row = conn.execute("SELECT role, coder FROM qualcode.members WHERE project = %s AND username = current_user",
                       [project]).fetchone()
    if row is None:
        raise ProjectError(f"{describe(url)}: you ({conn.info.user}) are not a member of project '{project}' "
                           "(a manager grants it with 'qualcode server grant').")
    return row[0], row[1]


def clone(url: str, project_name: str, target: str, coder: str | None = None) -> dict:
    """A new local replica of ``project_name`` in the file ``target``."""
    import psycopg
    from psycopg import sql

    from qualcode.store.project import Project

    target_path = Path(target)
    if target_path.exists():
        raise ProjectError(f"{target}: a file already exists there; choose another name.")
    with connect(url) as conn, ServerErrors("clone", url):
        require_schema(conn, url)
        conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with conn.transaction():
            info = _project_row(conn, project_name, url)
            role, member_coder = _member(conn, project_name, url)
            if coder and coder != member_coder:
                raise ProjectError(f"--coder {coder}: on '{project_name}' you code as '{member_coder}' "
                                   "(the name your manager granted).")
            head = conn.execute("SELECT qualcode.head(%s)", [project_name]).fetchone()[0]
            rows: dict[str, list] = {t: [] for t in SHARED_TABLES}
            query = sql.SQL("COPY (SELECT tbl, data FROM qualcode.rows WHERE project = {}) TO STDOUT").format(
                sql.Literal(project_name))
            with conn.cursor().copy(query) as copy:  # the fastest way out of PostgreSQL
                for tbl, data in copy.rows():
                    rows[tbl].append(json.loads(data))
        replica_id = str(uuid.uuid4())
        project = Project.create(target_path, language=info["language"] if info["language"] in ("nl", "en") else "nl",
                                 name=info["title"] or project_name)
        try:
            with project.db.atomic():
                for tbl in SHARED_TABLES:
                    project.replica.bulk_load(tbl, rows[tbl])
                project.replica.link(url, project_name, replica_id, member_coder, role, head, info["epoch"])
                project.set_meta("settings", json.dumps({**project.settings(), "coder": member_coder}))
            with conn.transaction():
                conn.execute("INSERT INTO qualcode.replicas (id, project, coder, position) VALUES (%s, %s, %s, %s)",
                             [replica_id, project_name, member_coder, head])
        except (psycopg.Error, Exception) as exc:
            project.close()
            for suffix in ("", "-wal", "-shm"):
                Path(str(target_path) + suffix).unlink(missing_ok=True)
            if isinstance(exc, psycopg.Error):
                raise server_error(exc, "clone") from None
            raise
        project.close()
    return {"project": project_name, "file": str(target_path), "coder": member_coder, "role": role,
            "replica": replica_id, "position": head, "rows": {t: len(r) for t, r in rows.items()},
            "blind": info["blind"]}


# -- what a role may send (mirrors the server's policy, so a refused edit is reported early) ---------
def allowed(role: str, coder: str, op: dict) -> bool:
    if role == "manager":
        return True
    if role != "coder" or op["tbl"] not in OWNER_FIELD:
        return False
    field = OWNER_FIELD[op["tbl"]]
    for side in ("before", "after"):
        row = op.get(side)
        if row is not None and row.get(field) != coder:
            return False
    return True


def _describe_op(op: dict) -> str:
    row = (op.get("before") if op["kind"] != "insert" else op.get("after")) or {}
    what = {"codes": f"code '{row.get('name')}'", "documents": f"document '{row.get('name')}'",
            "codings": f"a coding by {row.get('coder')}", "memos": f"a memo by {row.get('author')}"}
    return f"{op['kind']} of {what.get(op['tbl'], op['tbl'])}"


def push(project, conn) -> dict:
    import psycopg
    from psycopg.types.json import Jsonb

    rep = project.replica
    name, replica_id = rep.get("project"), rep.get("replica_id")
    role, coder = rep.get("role"), rep.get("coder")
    sent, refused = 0, []
    moved: dict = {}
    while True:
        ops = rep.pending(batch_size())
        if not ops:
            break
        ok = [op for op in ops if allowed(role, coder, op)]
        bad = [op for op in ops if not allowed(role, coder, op)]
        if bad:
            rep.revert(bad)
            refused += [_describe_op(op) for op in bad]
            for op in bad:
                rep.log("refused", f"not sent and undone ({role}): {_describe_op(op)}")
        if ok:
            try:
                with conn.transaction():
                    # one statement for the batch; the rows go in (and the triggers run) in outbox order
                    conn.execute(
                        "INSERT INTO qualcode.changes (seq, project, op_uuid, replica, tbl, kind, key, before, after) "
                        "SELECT 0, %s, (e.op->>'u')::uuid, %s, e.op->>'t', e.op->>'k', e.op->>'key', "
                        "nullif(e.op->'b', 'null'), nullif(e.op->'a', 'null') FROM jsonb_array_elements(%s) WITH ORDINALITY AS e(op, n) ORDER BY e.n",
                        [name, replica_id, Jsonb([{"u": op["op_uuid"], "t": op["tbl"], "k": op["kind"], "key": op["key"],
                                                   "b": op["before"], "a": op["after"]} for op in ok])])
                    conn.execute("UPDATE qualcode.replicas SET sent = sent + %s, last_seen = now() WHERE id = %s",
                                 [len(ok), replica_id])
            except psycopg.errors.InsufficientPrivilege as exc:
                raise server_error(exc, "sync") from None
            rep.mark_sent(max(op["id"] for op in ok))
            sent += len(ok)
            for op in ok:
                moved[(op["tbl"], op["kind"])] = moved.get((op["tbl"], op["kind"]), 0) + 1
    return {"sent": sent, "refused": refused, "sent_by_kind": _kinds(moved)}


def _kinds(moved: dict) -> dict:
    return {f"{tbl} {kind}": n for (tbl, kind), n in sorted(moved.items())}


_last_seen: dict = {}


def pull(project, conn) -> dict:
    rep = project.replica
    name, replica_id = rep.get("project"), rep.get("replica_id")
    position = int(rep.get("position") or 0)
    epoch = int(rep.get("epoch") or 0)
    last_conflict = int(rep.get("last_conflict") or 0)
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        info = _project_row(conn, name, rep.get("server"))
        head = conn.execute("SELECT qualcode.head(%s)", [name]).fetchone()[0]
        reread = info["epoch"] != epoch
        if reread:  # the blind phase changed: read everything visible again
            rows = conn.execute("SELECT tbl, key, data FROM qualcode.rows WHERE project = %s", [name]).fetchall()
        elif head > position:
            rows = conn.execute(
                "SELECT c.tbl, c.key, r.data FROM (SELECT DISTINCT tbl, key FROM qualcode.changes "
                "  WHERE project = %s AND seq > %s AND seq <= %s) c "
                "LEFT JOIN qualcode.rows r ON r.project = %s AND r.tbl = c.tbl AND r.key = c.key",
                [name, position, head, name]).fetchall()
        else:
            rows = []
        others = conn.execute(
            "SELECT tbl, kind, count(*) FROM qualcode.changes WHERE project = %s AND seq > %s AND seq <= %s "
            "AND replica IS DISTINCT FROM %s AND status = 'applied' GROUP BY tbl, kind",
            [name, position, head, replica_id]).fetchall() if head > position else []
        conflicts = conn.execute(
            "SELECT id, kind, detail FROM qualcode.conflicts WHERE project = %s AND id > %s AND %s = ANY(replicas) "
            "ORDER BY id", [name, last_conflict, replica_id]).fetchall()
    state = {"epoch": info["epoch"]}
    if conflicts:
        state["last_conflict"] = conflicts[-1][0]
    if rows or head != position or conflicts or reread:
        result = rep.apply_state([(t, k, d) for t, k, d in rows], head, extra_state=state)
    else:  # nothing new: no write to the file (the coder's own writes never wait for an idle sync)
        result = {"counts": {}, "kept": [], "failed": [], "text_changed": []}
    reanchored = {"moved": 0, "flagged": 0}
    if result["text_changed"] and rep.get("role") in ("coder", "manager"):
        from qualcode.server.reanchor_sync import reanchor_own

        reanchored = reanchor_own(project, rep.get("coder"), result["text_changed"])
    if conflicts or result["failed"]:
        with project.db.atomic():
            for _, kind, detail in conflicts:
                rep.log("conflict", detail)
            for tbl, key, err in result["failed"]:
                rep.log("not applied", f"{tbl} {key}: {err}")
    if head != position or time.monotonic() - _last_seen.get(replica_id, 0.0) > 30:
        with conn.transaction():  # for 'server status'; at most a write per change or half-minute
            conn.execute("UPDATE qualcode.replicas SET position = %s, last_seen = now() WHERE id = %s",
                         [head, replica_id])
        _last_seen[replica_id] = time.monotonic()
    return {"received": _kinds({(t, k): n for t, k, n in others}), "received_total": sum(n for *_, n in others),
            "rows_set": sum(c[0] for c in result["counts"].values()),
            "rows_removed": sum(c[1] for c in result["counts"].values()),
            "conflicts": [d for _, _, d in conflicts], "kept_locally": len(result["kept"]),
            "not_applied": [f"{t} {k}: {e}" for t, k, e in result["failed"]],
            "position": head, "reread": reread, "reanchored": reanchored}


def sync(project, conn=None) -> dict:
    """Push then pull. ``conn``: an open server connection to reuse (the TUI's background sync)."""
    rep = project.replica
    rep.require_linked()
    rep.ensure_triggers()
    own = conn is None
    if own:
        try:
            conn = connect(rep.get("server"))
        except ProjectError as exc:
            waiting = rep.pending_count()
            raise ProjectError(f"{exc} — working offline: {waiting} change(s) kept here, sent on the next sync.") from None
    try:
        with ServerErrors("sync", rep.get("server")):
            with conn.transaction():
                role, coder = _member(conn, rep.get("project"), rep.get("server"))
            if role != rep.get("role") or coder != rep.get("coder"):
                with project.db.atomic():
                    rep.set("role", role)
                    rep.set("coder", coder)
            pushed = push(project, conn)
            pulled = pull(project, conn)
    finally:
        if own:
            conn.close()
    report = {"project": rep.get("project"), "server": describe(rep.get("server")), "role": role,
              "coder": coder, **pushed, **pulled}
    if pushed["sent"] or pulled["received_total"] or pulled["conflicts"]:
        with project.db.atomic():
            rep.set("last_sync", now())
            rep.log("sync", f"sent {pushed['sent']}, received {pulled['received_total']}, "
                            f"{len(pulled['conflicts'])} conflict(s)")
    return report
