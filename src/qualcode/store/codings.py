"""The ``codings`` table: adding (one undoable step), changing, removing and reading codings."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from qualcode.domain.models import ORIGINS, Coding
from qualcode.errors import ProjectError
from qualcode.store.documents import new_uuid
from qualcode.store.history import now
from qualcode.store.repository import Repository

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


class Codings(Repository):
    """The ``codings`` table."""

    def rows(self, where: str, args: list) -> list[dict]:
        cur = self.db.execute(f"SELECT {', '.join(CODING_COLUMNS)} FROM codings WHERE {where}", args)
        return [dict(zip(CODING_COLUMNS, r)) for r in cur.fetchall()]

    def _validate(self, new: NewCoding, text_cache: dict) -> dict:
        if new.document not in text_cache:
            row = self.db.execute("SELECT text, name FROM documents WHERE uuid = ?", [new.document]).fetchone()
            if row is None:
                raise ProjectError(f"no document with id '{new.document}'.")
            text_cache[new.document] = row
        text, name = text_cache[new.document]
        if new.code not in self.project.codebook.tree():
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

    def add_many(self, items: list[NewCoding], skip_duplicates: bool = False,
                    description: str | None = None, undoable: bool = True) -> tuple[list[Coding], int]:
        """Add codings in one transaction and one undoable step. Returns (added, duplicates).

        One coder's exact duplicate (same document, code, span) is refused, or skipped
        when ``skip_duplicates`` is set. With ``undoable=False`` (bulk loads, merges) the step
        is recorded in the audit trail only, which keeps very large loads fast; it then returns
        counts (added, duplicates) instead of the added codings.
        """
        if not undoable:
            return self._bulk_add(items, skip_duplicates, description or f"added {len(items)} codings")
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
                        f"'{self.project.codebook.tree().path(row['code'])}'."
                    )
                self.project.history.insert_row("codings", row)
                ops.append(["insert", "codings", row])
                rows.append(row)
            if ops:
                if description is None:
                    description = (
                        f"coded '{self.project.codebook.tree().path(rows[0]['code'])}'" if len(rows) == 1 else f"added {len(rows)} codings"
                    )
                self.project.history.record("add_coding", description, ops)
        self.project._changed()
        return [_coding(tuple(r[c] for c in CODING_COLUMNS)) for r in rows], dupes

    def _bulk_add(self, items: list[NewCoding], skip_duplicates: bool, description: str):
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
            self.project.history.record("add_coding", description, [], undoable=False)
        self.project._changed()
        return added, len(rows) - added

    def add(self, document: str, code: str, coder: str, start: int, end: int,
                   memo: str = "", origin: str = "human") -> Coding:
        added, _ = self.add_many([NewCoding(document, code, coder, start, end, memo, origin)])
        return added[0]

    def get(self, uuid: str) -> Coding:
        rows = self.rows("uuid = ? OR uuid LIKE ? || '%'", [uuid, uuid])
        if len(rows) != 1:
            raise ProjectError(f"no coding with id '{uuid}'." if not rows else f"coding id '{uuid}' is ambiguous.")
        return _coding(tuple(rows[0][c] for c in CODING_COLUMNS))

    def remove(self, uuids: list[str]) -> int:
        ops = []
        with self.db.atomic():
            for uuid in uuids:
                row = self.rows("uuid = ?", [self.get(uuid).uuid])[0]
                self.project.history.delete_row("codings", row)
                ops.append(["delete", "codings", row])
            if ops:
                self.project.history.record("remove_coding", f"removed {len(ops)} coding(s)", ops)
        self.project._changed()
        return len(ops)

    def update(self, uuid: str, start: int | None = None, end: int | None = None,
                      memo: str | None = None) -> Coding:
        """Adjust a coding's span or memo (undoable); the covered text follows the span."""
        c = self.get(uuid)
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
            self.project.history.update_row("codings", {"uuid": c.uuid}, after)
            what = "memo on" if set(after) == {"memo"} else "span of"
            self.project.history.record("update_coding", f"changed {what} a '{self.project.codebook.tree().path(c.code)}' coding",
                         [["update", "codings", {"uuid": c.uuid}, before, after]])
        self.project._changed()
        return self.get(c.uuid)

    def list(self, document: str | None = None, code: str | None = None, coder: str | None = None,
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

    def counts_by_code(self, coder: str | None = None) -> dict[str, int]:
        sql, args = "SELECT code, count(*) FROM codings", []
        if coder:
            sql += " WHERE coder = ?"
            args.append(coder)
        return dict(self.db.execute(sql + " GROUP BY code", args).fetchall())

    def replace(self, remove: list[str], add: list[NewCoding],
                description: str, also=None) -> tuple[list[Coding], int]:
        """Remove the codings ``remove`` (uuids) and add ``add``, in one transaction and one
        undoable step. A coding to add that equals one to remove (same document, code, coder and
        span) keeps the existing coding; one that equals a coding that stays is skipped.
        ``also`` (optional) writes more rows in the same transaction and returns their row
        operations, recorded in the same undoable step (review decisions). Returns (the codings
        added, the number removed)."""
        cache: dict = {}
        ops, added = [], []
        with self.db.atomic():
            old = []
            for uuid in dict.fromkeys(remove):
                rows = self.rows("uuid = ?", [uuid])
                if rows:
                    old.append(rows[0])
            key = lambda r: (r["document"], r["code"], r["coder"], r["start"], r["end"])  # noqa: E731
            new_rows = [self._validate(n, cache) for n in add]
            kept = {key(r) for r in new_rows}
            for row in old:
                if key(row) not in kept:
                    self.project.history.delete_row("codings", row)
                    ops.append(["delete", "codings", row])
            seen = set()
            for row in new_rows:
                k = key(row)
                exists = self.db.execute(
                    "SELECT 1 FROM codings WHERE document = ? AND code = ? AND coder = ? AND start = ? AND end = ?",
                    list(k),
                ).fetchone()
                if exists or k in seen:
                    continue
                seen.add(k)
                self.project.history.insert_row("codings", row)
                ops.append(["insert", "codings", row])
                added.append(_coding(tuple(row[c] for c in CODING_COLUMNS)))
            if also is not None:  # more row operations for the same step (review decisions)
                ops += also()
            if ops:
                self.project.history.record("replace_codings", description, ops)
        self.project._changed()
        return added, sum(op[0] == "delete" for op in ops)

    def coded_chars_by_document(self, coder: str | None = None) -> dict[str, int]:
        """Characters covered by at least one coding (of ``coder``, or anyone's), per document."""
        sql, args = "SELECT document, start, end FROM codings", []
        if coder:
            sql += " WHERE coder = ?"
            args.append(coder)
        out: dict[str, int] = {}
        cur_doc, cur_end, total = None, -1, 0
        for doc, start, end in self.db.execute(sql + " ORDER BY document, start", args):
            if doc != cur_doc:
                if cur_doc is not None:
                    out[cur_doc] = total
                cur_doc, cur_end, total = doc, -1, 0
            if end > cur_end:
                total += end - max(start, cur_end)
                cur_end = end
        if cur_doc is not None:
            out[cur_doc] = total
        return out

    def recent_codes(self, coder: str, limit: int = 9) -> list[str]:
        """The codes ``coder`` used most recently, newest first (no repeats)."""
        out: list[str] = []
        for (code,) in self.db.execute(
            "SELECT code FROM codings WHERE coder = ? ORDER BY created_at DESC, rowid DESC LIMIT 500", [coder]
        ):
            if code not in out:
                out.append(code)
                if len(out) >= limit:
                    break
        return out

    def passages(self, codes: list[str], coder: str | None = None, context: int = 120,
                      limit: int = 2000) -> list[dict]:
        """Every passage coded with one of ``codes`` across the study, with text before and after.

        Each row: coding, document, document_name, code, coder, start, end, text, memo,
        before, after, speaker. Ordered by document name and position.
        """
        if not codes:
            return []
        marks = ",".join("?" for _ in codes)
        sql = (
            "SELECT g.uuid, g.document, d.name, g.code, g.coder, g.start, g.end, g.memo, "
            "substr(d.text, max(1, g.start - ? + 1), g.start - max(0, g.start - ?)), "
            "substr(d.text, g.start + 1, g.end - g.start), substr(d.text, g.end + 1, ?), "
            "(SELECT t.speaker FROM turns t WHERE t.document = g.document AND t.start <= g.start "
            " ORDER BY t.start DESC LIMIT 1) "
            f"FROM codings g JOIN documents d ON d.uuid = g.document WHERE g.code IN ({marks})"
        )
        args: list = [context, context, context, *codes]
        if coder:
            sql += " AND g.coder = ?"
            args.append(coder)
        sql += " ORDER BY d.name, g.start, g.end LIMIT ?"
        args.append(limit)
        keys = ("coding", "document", "document_name", "code", "coder", "start", "end", "memo",
                "before", "text", "after", "speaker")
        return [dict(zip(keys, r)) for r in self.db.execute(sql, args)]
