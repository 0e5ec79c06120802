"""A project file that is a replica of a project on a team server (PostgreSQL).

The replica keeps working exactly like any project: every write goes to the local SQLite file.
SQLite triggers on the shared tables copy each row change into ``replica_outbox`` (the change log
that travels: one uuid per operation, the table, the key, the row before and after, in the order
the changes were made). ``qualcode sync`` sends the outbox to the server and brings back what the
server holds for every row that changed since the replica's position.

Rows written while applying the server's state are not captured: the apply runs with a row in
``replica_applying`` inside its own write transaction, which no other connection can see.

Tables (migration 9, store/migrations.py): ``replica_state`` (key/value: server, project, replica id,
coder, role, position), ``replica_outbox``, ``replica_applying``, ``replica_log`` (what each sync
moved and which conflicts it reported).
"""

from __future__ import annotations

import json

from qualcode.errors import ProjectError
from qualcode.store.history import PKS, now

# Shared tables in dependency order (a row's references come before it).
SHARED_TABLES = ("documents", "document_aliases", "cases", "turns", "speakers", "attributes",
                 "codes", "codings", "memos")
TABLE_KEYS = {**PKS, "document_aliases": ("document", "name")}
OWNER_FIELD = {"codings": "coder", "memos": "author"}

REPLICA_TABLES = (
    "CREATE TABLE IF NOT EXISTS replica_state (key TEXT PRIMARY KEY, value TEXT)",
    """CREATE TABLE IF NOT EXISTS replica_outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, op_uuid TEXT NOT NULL, tbl TEXT NOT NULL,
        kind TEXT NOT NULL, pk TEXT NOT NULL, before TEXT, after TEXT, at TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS replica_applying (flag INTEGER)",
    """CREATE TABLE IF NOT EXISTS replica_log (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL)""",
)


def key_text(values) -> str:
    """The canonical text of a row key, the same on every replica and on the server."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def row_key(tbl: str, row: dict) -> str:
    return key_text(row[k] for k in TABLE_KEYS[tbl])


def _json_object(prefix: str, cols: list[str]) -> str:
    return "json_object(" + ", ".join(f"'{c}', {prefix}.[{c}]" for c in cols) + ")"


class Replica:
    """The replica side of a project file: its server link, its outbox, applying server state."""

    def __init__(self, project):
        self.project = project
        self.db = project.db

    # -- state -------------------------------------------------------------------------------
    def get(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM replica_state WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set(self, key: str, value) -> None:
        self.db.execute(
            "INSERT INTO replica_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, None if value is None else str(value)],
        )

    @property
    def linked(self) -> bool:
        return self.get("replica_id") is not None

    def require_linked(self) -> None:
        if not self.linked:
            raise ProjectError(
                f"{self.project.path}: not linked to a team server (make a replica with 'qualcode clone', "
                "or publish this project with 'qualcode publish')."
            )

    def info(self) -> dict:
        rows = self.db.execute("SELECT key, value FROM replica_state").fetchall()
        info = dict(rows)
        info["pending"] = self.pending_count()
        return info

    def link(self, server: str, project_name: str, replica_id: str, coder: str, role: str,
             position: int, epoch: int) -> None:
        """Make this project file a replica (inside the caller's transaction)."""
        for k, v in {"server": server, "project": project_name, "replica_id": replica_id,
                     "coder": coder, "role": role, "position": position, "epoch": epoch,
                     "linked_at": now()}.items():
            self.set(k, v)
        self.install_triggers()

    # -- capture -------------------------------------------------------------------------------
    def columns(self, tbl: str) -> list[str]:
        cache = self.__dict__.setdefault("_columns", {})
        if tbl not in cache:
            cache[tbl] = [r[1] for r in self.db.execute(f"PRAGMA table_info([{tbl}])").fetchall()]
        return cache[tbl]

    def install_triggers(self) -> None:
        """(Re)create the capture triggers from the tables' current columns."""
        for tbl in SHARED_TABLES:
            cols = self.columns(tbl)
            keys = TABLE_KEYS[tbl]
            for kind in ("ins", "upd", "upk", "del"):
                self.db.execute(f"DROP TRIGGER IF EXISTS replica_{tbl}_{kind}")
            guard = "NOT EXISTS (SELECT 1 FROM replica_applying)"
            uid = "lower(hex(randomblob(16)))"
            at = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
            ins = ("INSERT INTO replica_outbox (op_uuid, tbl, kind, pk, before, after, at) VALUES "
                   f"({uid}, '{tbl}', ")
            new_pk, old_pk = _json_object("NEW", list(keys)), _json_object("OLD", list(keys))
            new_row, old_row = _json_object("NEW", cols), _json_object("OLD", cols)
            same_pk = " AND ".join(f"OLD.[{k}] IS NEW.[{k}]" for k in keys)
            changed = " OR ".join(f"OLD.[{c}] IS NOT NEW.[{c}]" for c in cols)
            self.db.execute(
                f"CREATE TRIGGER replica_{tbl}_ins AFTER INSERT ON [{tbl}] WHEN {guard} BEGIN "
                f"{ins}'insert', {new_pk}, NULL, {new_row}, {at}); END"
            )
            self.db.execute(
                f"CREATE TRIGGER replica_{tbl}_upd AFTER UPDATE ON [{tbl}] WHEN {guard} AND ({same_pk}) "
                f"AND ({changed}) BEGIN {ins}'update', {new_pk}, {old_row}, {new_row}, {at}); END"
            )
            self.db.execute(
                f"CREATE TRIGGER replica_{tbl}_upk AFTER UPDATE ON [{tbl}] WHEN {guard} AND NOT ({same_pk}) "
                f"BEGIN {ins}'delete', {old_pk}, {old_row}, NULL, {at}); "
                f"{ins}'insert', {new_pk}, NULL, {new_row}, {at}); END"
            )
            self.db.execute(
                f"CREATE TRIGGER replica_{tbl}_del AFTER DELETE ON [{tbl}] WHEN {guard} BEGIN "
                f"{ins}'delete', {old_pk}, {old_row}, NULL, {at}); END"
            )
        self.set("trigger_columns", self._signature())

    def _signature(self) -> str:
        return json.dumps({t: self.columns(t) for t in SHARED_TABLES}, separators=(",", ":"))

    def ensure_triggers(self) -> None:
        """After a schema migration added columns, the triggers are rebuilt to capture them
        (checked once per opened project: migrations run when a file is opened)."""
        if getattr(self, "_triggers_checked", False):
            return
        if self.linked and self.get("trigger_columns") != self._signature():
            with self.db.atomic():
                self.install_triggers()
        self._triggers_checked = True

    def pending_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM replica_outbox").fetchone()[0]

    def pending(self, limit: int = 5000) -> list[dict]:
        rows = self.db.execute(
            "SELECT id, op_uuid, tbl, kind, pk, before, after, at FROM replica_outbox ORDER BY id LIMIT ?",
            [limit],
        ).fetchall()
        out = []
        for r in rows:
            pk = json.loads(r[4])
            out.append({
                "id": r[0], "op_uuid": r[1], "tbl": r[2], "kind": r[3],
                "key": key_text(pk[k] for k in TABLE_KEYS[r[2]]),
                "before": json.loads(r[5]) if r[5] else None,
                "after": json.loads(r[6]) if r[6] else None, "at": r[7],
            })
        return out

    def mark_sent(self, last_id: int) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM replica_outbox WHERE id <= ?", [last_id])

    def pending_keys(self) -> set[tuple[str, str]]:
        keys = set()
        for tbl, pk in self.db.execute("SELECT tbl, pk FROM replica_outbox").fetchall():
            d = json.loads(pk)
            keys.add((tbl, key_text(d[k] for k in TABLE_KEYS[tbl])))
        return keys

    # -- applying the server's state ---------------------------------------------------------------
    def _upsert(self, tbl: str, row: dict, cols: list[str]) -> None:
        row = {c: row.get(c) for c in cols}
        keys = TABLE_KEYS[tbl]
        names = ", ".join(f"[{c}]" for c in cols)
        marks = ", ".join("?" for _ in cols)
        sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in cols if c not in keys)
        conflict = ", ".join(f"[{k}]" for k in keys)
        self.db.execute(
            f"INSERT INTO [{tbl}] ({names}) VALUES ({marks}) ON CONFLICT ({conflict}) DO UPDATE SET {sets}",
            [row[c] for c in cols],
        )

    def _delete(self, tbl: str, key: str) -> None:
        values = json.loads(key)
        where = " AND ".join(f"[{k}] = ?" for k in TABLE_KEYS[tbl])
        self.db.execute(f"DELETE FROM [{tbl}] WHERE {where}", values)

    def apply_state(self, rows: list[tuple[str, str, dict | None]], position: int,
                    extra_state: dict | None = None, skip: set | None = None) -> dict:
        """Set each (table, key) to the server's row (None: the row is gone), move the position.

        One transaction: an interrupted apply leaves the file as it was. Keys with local changes
        still waiting to be sent are left alone (``skip``); the server merges them when they arrive.
        Returns counts per table of rows set and removed.
        """
        import sqlite3

        cols = {t: self.columns(t) for t in SHARED_TABLES}
        order = {t: i for i, t in enumerate(SHARED_TABLES)}
        counts: dict = {}
        kept: list = []
        failed: list = []
        text_changed = []  # (document, its text before): codings made on the old text re-anchor
        with self.db.atomic():
            # the write lock first, then read what is waiting: no local change slips in between
            self.db.execute("INSERT INTO replica_applying (flag) VALUES (1)")
            try:
                skip = skip if skip is not None else self.pending_keys()
                upserts = sorted((r for r in rows if r[2] is not None and (r[0], r[1]) not in skip),
                                 key=lambda r: order[r[0]])
                deletes = sorted((r for r in rows if r[2] is None and (r[0], r[1]) not in skip),
                                 key=lambda r: -order[r[0]])
                for tbl, key, data in upserts:
                    if tbl == "documents":
                        old = self.db.execute("SELECT text FROM documents WHERE uuid = ?", [data.get("uuid")]).fetchone()
                        if old and old[0] != data.get("text"):
                            text_changed.append((data["uuid"], old[0]))
                for tbl, key, data in upserts:
                    try:
                        self._upsert(tbl, data, cols[tbl])
                        counts.setdefault(tbl, [0, 0])[0] += 1
                    except sqlite3.IntegrityError as exc:
                        # e.g. two documents given one name on two replicas: reported, not fatal
                        failed.append((tbl, key, str(exc)))
                for tbl, key, _ in deletes:
                    try:
                        self._delete(tbl, key)
                        counts.setdefault(tbl, [0, 0])[1] += 1
                    except sqlite3.IntegrityError:
                        kept.append((tbl, key))  # local rows still refer to it: kept until they arrive
                self.set("position", position)
                for k, v in (extra_state or {}).items():
                    self.set(k, v)
            finally:
                self.db.execute("DELETE FROM replica_applying")
        self.project._changed()
        return {"counts": counts, "kept": kept, "failed": failed, "text_changed": text_changed}

    def revert(self, ops: list[dict]) -> None:
        """Undo local changes the server will not take (a reader's edit, a coder's codebook edit)."""
        import sqlite3

        cols = {t: self.columns(t) for t in SHARED_TABLES}
        with self.db.atomic():
            self.db.execute("INSERT INTO replica_applying (flag) VALUES (1)")
            try:
                for op in reversed(ops):
                    tbl = op["tbl"]
                    try:
                        if op["kind"] == "insert":
                            self._delete(tbl, op["key"])
                        else:
                            self._upsert(tbl, op["before"], cols[tbl])
                    except sqlite3.IntegrityError as exc:  # e.g. a refused code that a kept coding uses
                        self.log("not undone", f"{op['kind']} of {tbl} {op['key']}: {exc}")
                self.db.execute("DELETE FROM replica_outbox WHERE id IN (%s)" % ",".join(
                    str(int(op["id"])) for op in ops))
            finally:
                self.db.execute("DELETE FROM replica_applying")
        self.project._changed()

    def bulk_load(self, tbl: str, rows: list[dict]) -> None:
        """First load of a clone (inside the caller's transaction, before triggers exist)."""
        cols = self.columns(tbl)
        names = ", ".join(f"[{c}]" for c in cols)
        marks = ", ".join("?" for _ in cols)
        self.db.conn.executemany(
            f"INSERT OR REPLACE INTO [{tbl}] ({names}) VALUES ({marks})",
            [tuple(r.get(c) for c in cols) for r in rows],
        )

    def snapshot(self, tbl: str) -> list[dict]:
        cols = self.columns(tbl)
        names = ", ".join(f"[{c}]" for c in cols)
        cur = self.db.execute(f"SELECT {names} FROM [{tbl}]")
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    # -- the log of syncs ------------------------------------------------------------------------------
    def log(self, kind: str, detail: str) -> None:
        self.db.execute("INSERT INTO replica_log (at, kind, detail) VALUES (?, ?, ?)", [now(), kind, detail])

    def recent_log(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute(
            "SELECT at, kind, detail FROM replica_log ORDER BY id DESC LIMIT ?", [limit]).fetchall()
        return [{"at": r[0], "kind": r[1], "detail": r[2]} for r in rows]
