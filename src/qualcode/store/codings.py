"""Codings, memos and the suggestions log."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from qualcode.domain.models import ORIGINS, Coding, Memo
from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.history import now

CODING_COLUMNS = ("uuid", "document", "code", "coder", "start", "end", "text", "memo", "origin", "created_at", "source")


@dataclass(frozen=True)
class NewCoding:
    """A coding to be added: document and code uuids, span, coder and the rest."""

    document: str
    code: str
    coder: str
    start: int
    end: int
    memo: str = ""
    origin: str = "human"
    uuid: str | None = None
    created_at: str | None = None
    source: str | None = None


def _coding(row) -> Coding:
    r = list(row)
    r[7] = r[7] or ""
    return Coding(*r)


class CodingsMixin:
    db: object

    def _coding_rows(self, where: str, args: list) -> list[dict]:
        cur = self.db.execute(f"SELECT {', '.join(CODING_COLUMNS)} FROM codings WHERE {where}", args)
        return [dict(zip(CODING_COLUMNS, r)) for r in cur.fetchall()]

    def _validate(self, new: NewCoding, text_cache: dict) -> dict:
        if new.document not in text_cache:
            row = self.db.execute("SELECT text, name FROM documents WHERE uuid = ?", [new.document]).fetchone()
            if row is None:
                raise ProjectError(f"no document with id '{new.document}'.")
            text_cache[new.document] = row
        text, name = text_cache[new.document]
        if new.code not in self.tree():
            raise ProjectError(f"no code with id '{new.code}' in the codebook.")
        if not (0 <= new.start < new.end <= len(text)):
            raise ProjectError(
                f"the span {new.start}-{new.end} is outside document '{name}' "
                f"(its text has {len(text)} characters; start must be below end)."
            )
        if new.origin not in ORIGINS:
            raise ProjectError(f"unknown coding origin '{new.origin}' (use one of {', '.join(ORIGINS)}).")
        if not new.coder or not new.coder.strip():
            raise ProjectError("a coding needs a coder name (--coder).")
        return {
            "uuid": new.uuid or new_uuid(), "document": new.document, "code": new.code,
            "coder": new.coder.strip(), "start": new.start, "end": new.end,
            "text": text[new.start:new.end], "memo": new.memo or "", "origin": new.origin,
            "created_at": new.created_at or now(), "source": new.source,
        }

    def add_codings(self, items: list[NewCoding], skip_duplicates: bool = False,
                    description: str | None = None, undoable: bool = True) -> tuple[list[Coding], int]:
        """Add codings in one transaction and one undoable step. Returns (added, duplicates).

        One coder's exact duplicate (same document, code, span) is refused, or skipped
        when ``skip_duplicates`` is set. With ``undoable=False`` (bulk loads, merges) the step
        is recorded in the audit trail only, which keeps very large loads fast; it then returns
        counts (added, duplicates) instead of the added codings.
        """
        if not undoable:
            return self._bulk_add_codings(items, skip_duplicates, description or f"added {len(items)} codings")
        cache: dict = {}
        rows, ops, dupes = [], [], 0
        with self.db.atomic():
            for new in items:
                row = self._validate(new, cache)
                exists = self.db.execute(
                    "SELECT 1 FROM codings WHERE document = ? AND code = ? AND coder = ? AND start = ? AND end = ?",
                    [row["document"], row["code"], row["coder"], row["start"], row["end"]],
                ).fetchone()
                if not exists and new.uuid:
                    clash = self.db.execute("SELECT 1 FROM codings WHERE uuid = ?", [new.uuid]).fetchone()
                    if clash:
                        raise ProjectError(
                            f"coding {new.uuid} is already in the project with another span or code; "
                            "remove it first or drop its uuid to add it as a new coding."
                        )
                if exists:
                    if skip_duplicates:
                        dupes += 1
                        continue
                    raise ProjectError(
                        f"{row['coder']} already coded {row['start']}-{row['end']} with "
                        f"'{self.tree().path(row['code'])}'."
                    )
                self._insert_row("codings", row)
                ops.append(["insert", "codings", row])
                rows.append(row)
            if ops:
                if description is None:
                    description = (
                        f"coded '{self.tree().path(rows[0]['code'])}'" if len(rows) == 1 else f"added {len(rows)} codings"
                    )
                self._record("add_coding", description, ops)
        self._changed()
        return [_coding(tuple(r[c] for c in CODING_COLUMNS)) for r in rows], dupes

    def _bulk_add_codings(self, items: list[NewCoding], skip_duplicates: bool, description: str):
        cache: dict = {}
        with self.db.atomic():
            rows = [self._validate(new, cache) for new in items]
            before = self.db.execute("SELECT count(*) FROM codings").fetchone()[0]
            verb = "INSERT OR IGNORE" if skip_duplicates else "INSERT"
            try:
                self.db.conn.executemany(
                    f"{verb} INTO codings ({', '.join(CODING_COLUMNS)}) VALUES ({', '.join('?' for _ in CODING_COLUMNS)})",
                    [tuple(r[c] for c in CODING_COLUMNS) for r in rows],
                )
            except sqlite3.IntegrityError as exc:
                raise ProjectError(f"a coding is already in the project (same coder, code and span, or same id): {exc}.") from None
            added = self.db.execute("SELECT count(*) FROM codings").fetchone()[0] - before
            self._record("add_coding", description, [], undoable=False)
        self._changed()
        return added, len(rows) - added

    def add_coding(self, document: str, code: str, coder: str, start: int, end: int,
                   memo: str = "", origin: str = "human") -> Coding:
        added, _ = self.add_codings([NewCoding(document, code, coder, start, end, memo, origin)])
        return added[0]

    def coding(self, uuid: str) -> Coding:
        rows = self._coding_rows("uuid = ? OR uuid LIKE ? || '%'", [uuid, uuid])
        if len(rows) != 1:
            raise ProjectError(f"no coding with id '{uuid}'." if not rows else f"coding id '{uuid}' is ambiguous.")
        return _coding(tuple(rows[0][c] for c in CODING_COLUMNS))

    def remove_codings(self, uuids: list[str]) -> int:
        ops = []
        with self.db.atomic():
            for uuid in uuids:
                row = self._coding_rows("uuid = ?", [self.coding(uuid).uuid])[0]
                self._delete_row("codings", row)
                ops.append(["delete", "codings", row])
            if ops:
                self._record("remove_coding", f"removed {len(ops)} coding(s)", ops)
        self._changed()
        return len(ops)

    def update_coding(self, uuid: str, start: int | None = None, end: int | None = None,
                      memo: str | None = None) -> Coding:
        """Adjust a coding's span or memo (undoable); the covered text follows the span."""
        c = self.coding(uuid)
        after: dict = {}
        if start is not None or end is not None:
            text = self.db.execute("SELECT text FROM documents WHERE uuid = ?", [c.document]).fetchone()[0]
            s = c.start if start is None else start
            e = c.end if end is None else end
            if not (0 <= s < e <= len(text)):
                raise ProjectError(f"the span {s}-{e} is outside the document (it has {len(text)} characters).")
            after.update(start=s, end=e, text=text[s:e])
        if memo is not None:
            after["memo"] = memo
        if not after:
            return c
        before = {k: getattr(c, k) for k in after}
        with self.db.atomic():
            self._update_row("codings", {"uuid": c.uuid}, after)
            what = "memo on" if set(after) == {"memo"} else "span of"
            self._record("update_coding", f"changed {what} a '{self.tree().path(c.code)}' coding",
                         [["update", "codings", {"uuid": c.uuid}, before, after]])
        self._changed()
        return self.coding(c.uuid)

    def codings(self, document: str | None = None, code: str | None = None, coder: str | None = None,
                coders: list[str] | None = None, codes: list[str] | None = None,
                start: int | None = None, end: int | None = None) -> list[Coding]:
        """Codings filtered by document, code(s), coder(s) and an overlapping span, in text order."""
        where, args = ["1"], []
        if document:
            where.append("document = ?")
            args.append(document)
        if code:
            where.append("code = ?")
            args.append(code)
        if codes is not None:
            where.append(f"code IN ({','.join('?' for _ in codes)})")
            args.extend(codes)
        if coder:
            where.append("coder = ?")
            args.append(coder)
        if coders is not None:
            where.append(f"coder IN ({','.join('?' for _ in coders)})")
            args.extend(coders)
        if start is not None and end is not None:
            where.append("start < ? AND end > ?")
            args.extend([end, start])
        cur = self.db.execute(
            f"SELECT {', '.join(CODING_COLUMNS)} FROM codings WHERE {' AND '.join(where)} "
            "ORDER BY document, start, end, code, coder",
            args,
        )
        return [_coding(r) for r in cur]

    def coders(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT coder FROM codings ORDER BY coder")]

    def code_counts(self, coder: str | None = None) -> dict[str, int]:
        sql, args = "SELECT code, count(*) FROM codings", []
        if coder:
            sql += " WHERE coder = ?"
            args.append(coder)
        return dict(self.db.execute(sql + " GROUP BY code", args).fetchall())

    # -- memos ------------------------------------------------------------------------------------
    def add_memo(self, target_type: str, target: str | None, author: str, text: str) -> Memo:
        row = {"uuid": new_uuid(), "target_type": target_type, "target": target, "author": author,
               "text": text, "created_at": now(), "updated_at": now()}
        with self.db.atomic():
            self._insert_row("memos", row)
            self._record("add_memo", f"added a memo on {target_type}", [["insert", "memos", row]])
        return Memo(**row)

    def memos(self, target_type: str | None = None, target: str | None = None) -> list[Memo]:
        sql, args = "SELECT uuid, target_type, target, author, text, created_at, updated_at FROM memos WHERE 1", []
        if target_type:
            sql += " AND target_type = ?"
            args.append(target_type)
        if target:
            sql += " AND target = ?"
            args.append(target)
        return [Memo(*r) for r in self.db.execute(sql + " ORDER BY created_at", args)]

    # -- suggestions log --------------------------------------------------------------------------
    def log_suggestions(self, rows: list[dict]) -> list[int]:
        """Record suggestions shown to a coder: document, start, end, code, score, reason, coder."""
        ids = []
        with self.db.atomic():
            for r in rows:
                cur = self.db.execute(
                    "INSERT INTO suggestions (at, document, start, end, code, score, reason, coder) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [now(), r["document"], r["start"], r["end"], r["code"], r["score"], r["reason"], r.get("coder")],
                )
                ids.append(cur.lastrowid)
        return ids

    def decide_suggestion(self, suggestion_id: int, decision: str, coding: str | None = None) -> None:
        if decision not in ("accepted", "changed", "rejected"):
            raise ProjectError(f"unknown decision '{decision}'.")
        with self.db.atomic():
            self.db.execute(
                "UPDATE suggestions SET decision = ?, decided_at = ?, coding = ? WHERE id = ?",
                [decision, now(), coding, suggestion_id],
            )

    def suggestion_decisions(self) -> list[tuple[str, str | None]]:
        return self.db.execute("SELECT code, decision FROM suggestions").fetchall()


class ModelsMixin:
    """Trained models (bytes) stored by name in the project file."""

    db: object

    def save_model(self, name: str, data: bytes, info: dict) -> None:
        import json

        with self.db.atomic():
            self.db.execute(
                "INSERT INTO models (name, created_at, data, info) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, data = excluded.data, "
                "info = excluded.info",
                [name, now(), data, json.dumps(info)],
            )

    def load_model(self, name: str) -> tuple[bytes, dict] | None:
        import json

        row = self.db.execute("SELECT data, info FROM models WHERE name = ?", [name]).fetchone()
        return (row[0], json.loads(row[1] or "{}")) if row else None
