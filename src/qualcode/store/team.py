"""Store operations for team work: snapshots for merging, merge provenance, document aliases,
handout bases, re-anchoring and the review list of codings that could not be placed.

Team tables are created by schema migration 3 (store/db.py), so every open project has them.

* ``coding_reviews`` — codings that could not be placed confidently (after a transcript changed
  or while merging a copy with another text). The full coding is kept here, with the text it
  covered, the best guess in the current text and a confidence; ``status`` is open, placed or
  discarded. An open review is out of the ``codings`` table until a person places it.
* ``code_aliases`` — a code uuid from a coder's copy confirmed (mapping file) to be a target code.
* ``team_sync`` — per merged item and source file, fingerprints of the source's version and of
  the target's version when it was last merged: the base for telling one-sided from two-sided
  changes on the next merge.
* ``handout_base`` — in a handout copy: fingerprints of what the copy held when handed out.
"""

from __future__ import annotations

import json

from qualcode.store.codebook import CODE_COLUMNS
from qualcode.store.codings import CODING_COLUMNS
from qualcode.store.documents import INTERVIEWER_LABELS, sha256_text
from qualcode.store.history import now
from qualcode.store.repository import Repository

DOC_COLUMNS = ("uuid", "name", "kind", "text", "sha256", "source_path", "source_format", "imported_at", "words")
SNAP_CODING_COLUMNS = tuple(c for c in CODING_COLUMNS if c != "text")  # a merge recomputes the covered text
MEMO_COLUMNS = ("uuid", "target_type", "target", "author", "text", "created_at", "updated_at")
REVIEW_COLUMNS = (
    "id", "coding", "document", "code", "coder", "old_start", "old_end", "old_text", "new_start", "new_end",
    "new_text", "confidence", "reason", "memo", "origin", "created_at", "source", "flagged_at", "flagged_by",
    "status", "resolved_at",
)
TEAM_TABLES = (
    """CREATE TABLE IF NOT EXISTS coding_reviews (
        id INTEGER PRIMARY KEY, coding TEXT NOT NULL, document TEXT NOT NULL, code TEXT NOT NULL,
        coder TEXT NOT NULL, old_start INTEGER, old_end INTEGER, old_text TEXT, new_start INTEGER,
        new_end INTEGER, new_text TEXT, confidence REAL, reason TEXT, memo TEXT, origin TEXT,
        created_at TEXT, source TEXT, flagged_at TEXT, flagged_by TEXT,
        status TEXT NOT NULL DEFAULT 'open', resolved_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS coding_reviews_coding ON coding_reviews (coding)",
    "CREATE TABLE IF NOT EXISTS code_aliases (alias TEXT PRIMARY KEY, code TEXT NOT NULL, source TEXT, at TEXT)",
    """CREATE TABLE IF NOT EXISTS team_sync (kind TEXT NOT NULL, key TEXT NOT NULL, source TEXT NOT NULL,
        source_fp TEXT, target_fp TEXT, PRIMARY KEY (kind, key, source))""",
    "CREATE TABLE IF NOT EXISTS handout_base (kind TEXT NOT NULL, key TEXT NOT NULL, fp TEXT, PRIMARY KEY (kind, key))",
)


class Team(Repository):
    """Bulk reads and writes for merging coder files and handing out copies (the team tables)."""

    def rows(self, sql: str, cols, args=()) -> list[dict]:
        return [dict(zip(cols, r)) for r in self.db.execute(sql, list(args))]

    def snapshot(self) -> dict:
        """Everything a merge compares, as plain dicts keyed by uuid (one read, no domain objects;
        codings without their covered text)."""
        q = self.db.execute
        snap: dict = {
            "documents": {r["uuid"]: r for r in self.rows(f"SELECT {', '.join(DOC_COLUMNS)} FROM documents", DOC_COLUMNS)},
            "aliases": [tuple(r) for r in q("SELECT document, name, source FROM document_aliases")],
            "cases": {r[0]: {"uuid": r[0], "name": r[1], "role": r[2]} for r in q("SELECT uuid, name, role FROM cases")},
            "codes": {r["uuid"]: r for r in self.rows(f"SELECT {', '.join(CODE_COLUMNS)} FROM codes", CODE_COLUMNS)},
            "codings": {r[0]: dict(zip(SNAP_CODING_COLUMNS, r))
                        for r in q(f"SELECT {', '.join(SNAP_CODING_COLUMNS)} FROM codings")},
            "memos": {r["uuid"]: r for r in self.rows(f"SELECT {', '.join(MEMO_COLUMNS)} FROM memos", MEMO_COLUMNS)},
            "attributes": {(r[0], r[1], r[2]): (r[3], r[4]) for r in q("SELECT owner_type, owner, key, type, value FROM attributes")},
            "handout": json.loads(self.project.meta("handout") or "null"),
            "settings": json.loads(self.project.meta("settings") or "{}"),
            "reviews": {}, "code_aliases": {}, "sync": {}, "base": {},
        }
        turns: dict = {}
        for r in q("SELECT document, idx, speaker, start, end, timestamp_ms, case_uuid FROM turns ORDER BY document, idx"):
            turns.setdefault(r[0], []).append(r[1:])
        snap["turns"] = turns
        snap["reviews"] = {r[0]: r[1] for r in q("SELECT coding, status FROM coding_reviews")}
        snap["code_aliases"] = dict(q("SELECT alias, code FROM code_aliases").fetchall())
        snap["sync"] = {(r[0], r[1], r[2]): (r[3], r[4]) for r in q("SELECT kind, key, source, source_fp, target_fp FROM team_sync")}
        snap["base"] = {(r[0], r[1]): r[2] for r in q("SELECT kind, key, fp FROM handout_base")}
        return snap

    def insert(self, table: str, rows: list[dict], ignore: bool = False) -> int:
        if not rows:
            return 0
        cols = list(rows[0])
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        cur = self.db.conn.executemany(
            f"{verb} INTO [{table}] ({', '.join(f'[{c}]' for c in cols)}) VALUES ({', '.join('?' for _ in cols)})",
            [[r[c] for c in cols] for r in rows],
        )
        return cur.rowcount

    def update(self, table: str, key: tuple[str, ...], rows: list[tuple[dict, dict]]) -> None:
        """Apply ``(key values, new values)`` updates."""
        for keys, values in rows:
            self.db.execute(
                f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in values)} "
                f"WHERE {' AND '.join(f'[{k}] = ?' for k in key)}",
                [*values.values(), *[keys[k] for k in key]],
            )

    def add_document(self, doc: dict, turns: list[tuple], case_uuids: dict[str, str]) -> None:
        """Insert a document with its turns; ``case_uuids`` maps the source's case uuids to ours."""
        self.insert("documents", [{c: doc[c] for c in DOC_COLUMNS}])
        self.insert_turns(doc["uuid"], [(i, s, a, b, ts, case_uuids.get(c)) for i, s, a, b, ts, c in turns])

    def insert_turns(self, doc_uuid: str, turns: list[tuple]) -> None:
        self.db.conn.executemany(
            "INSERT INTO turns (document, idx, speaker, start, end, timestamp_ms, case_uuid) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc_uuid, *t) for t in turns],
        )
        speakers = {t[1]: t[5] for t in turns if t[1]}
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO speakers (document, name, case_uuid) VALUES (?, ?, ?)",
            [(doc_uuid, s, c) for s, c in speakers.items()],
        )

    def record_merge(self, source_path: str, source_sha256: str | None, report: dict, description: str) -> None:
        self.db.execute(
            "INSERT INTO merges (at, source_path, source_sha256, report) VALUES (?, ?, ?, ?)",
            [now(), source_path, source_sha256, json.dumps(report, ensure_ascii=False, default=str)],
        )
        self.project.history.record("merge", description, [], undoable=False)

    def merges(self) -> list[dict]:
        cols = ("id", "at", "source_path", "source_sha256", "report")
        return [{**r, "report": json.loads(r["report"] or "{}")} for r in self.rows(f"SELECT {', '.join(cols)} FROM merges ORDER BY id", cols)]

    def write_sync(self, rows: list[dict]) -> None:
        self.db.conn.executemany(
            "INSERT INTO team_sync (kind, key, source, source_fp, target_fp) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, key, source) DO UPDATE SET source_fp = excluded.source_fp, target_fp = excluded.target_fp",
            [(r["kind"], r["key"], r["source"], r["source_fp"], r["target_fp"]) for r in rows],
        )

    def stamp_sources(self, label: str) -> list[str]:
        """Give codings created in this file (no source) the file's name as their origin; returns their uuids."""
        uuids = [r[0] for r in self.db.execute("SELECT uuid FROM codings WHERE source IS NULL OR source = ''")]
        self.db.execute("UPDATE codings SET source = ? WHERE source IS NULL OR source = ''", [label])
        return uuids

    def count_codings(self) -> int:
        return self.db.execute("SELECT count(*) FROM codings").fetchone()[0]

    def document_with_text(self, text: str, exclude: str | None = None) -> str | None:
        """The name of another document with exactly this text, if any."""
        row = self.db.execute("SELECT name FROM documents WHERE sha256 = ? AND uuid != ?",
                              [sha256_text(text), exclude or ""]).fetchone()
        return row[0] if row else None

    def clear_codings(self) -> None:
        self.db.execute("DELETE FROM codings")

    def clear_handout(self) -> None:
        self.db.execute("DELETE FROM meta WHERE key = 'handout'")
        self.db.execute("DELETE FROM handout_base")

    def restrict_documents(self, keep: set[str]) -> list[str]:
        """Delete every document not in ``keep`` with its turns, speakers, codings, aliases and attributes."""
        doomed = [u for (u,) in self.db.execute("SELECT uuid FROM documents") if u not in keep]
        for u in doomed:
            for table in ("codings", "turns", "speakers", "document_aliases"):
                self.db.execute(f"DELETE FROM [{table}] WHERE document = ?", [u])
            self.db.execute("DELETE FROM attributes WHERE owner_type = 'document' AND owner = ?", [u])
            self.db.execute("DELETE FROM memos WHERE target_type = 'document' AND target = ?", [u])
            self.db.execute("DELETE FROM suggestions WHERE document = ?", [u])
            self.db.execute("DELETE FROM coding_reviews WHERE document = ?", [u])
            self.db.execute("DELETE FROM documents WHERE uuid = ?", [u])
        return doomed

    def keep_codings_of(self, coders: set[str]) -> int:
        """Delete every coding (and open review) by a coder not in ``coders`` (compared case-insensitively)."""
        keys = {c.casefold() for c in coders}
        doomed = [u for u, c in self.db.execute("SELECT uuid, coder FROM codings") if c.casefold() not in keys]
        self.db.conn.executemany("DELETE FROM codings WHERE uuid = ?", [(u,) for u in doomed])
        for (rid, coder) in self.db.execute("SELECT id, coder FROM coding_reviews").fetchall():
            if coder.casefold() not in keys:
                self.db.execute("DELETE FROM coding_reviews WHERE id = ?", [rid])
        return len(doomed)

    def freeze_history(self) -> None:
        """Keep the history as an audit trail, but nothing before this point can be undone here."""
        self.db.execute("UPDATE history SET undoable = 0, state = 2 WHERE undoable = 1")

    def write_base(self, rows: list[tuple[str, str, str]]) -> None:
        self.db.execute("DELETE FROM handout_base")
        self.db.conn.executemany("INSERT INTO handout_base (kind, key, fp) VALUES (?, ?, ?)", rows)

    def replace_text(self, doc_uuid: str, text: str, turns: list, source_path: str | None,
                          source_format: str | None) -> None:
        """New canonical text, sha256 and turns for a document (the uuid, name and kind stay)."""
        self.db.execute(
            "UPDATE documents SET text = ?, sha256 = ?, words = ?, source_path = ?, source_format = ? WHERE uuid = ?",
            [text, sha256_text(text), len(text.split()), source_path, source_format, doc_uuid],
        )
        old_cases = dict(self.db.execute("SELECT name, case_uuid FROM speakers WHERE document = ?", [doc_uuid]).fetchall())
        self.db.execute("DELETE FROM turns WHERE document = ?", [doc_uuid])
        self.db.execute("DELETE FROM speakers WHERE document = ?", [doc_uuid])
        rows = []
        for idx, turn in enumerate(turns):
            case = None
            if turn.speaker:
                case = old_cases.get(turn.speaker)
                if case is None:
                    role = "interviewer" if turn.speaker.casefold() in INTERVIEWER_LABELS else "respondent"
                    case = old_cases[turn.speaker] = self.project.cases.ensure(turn.speaker, role).uuid
            rows.append((idx, turn.speaker, turn.start, turn.end, turn.timestamp_ms, case))
        self.insert_turns(doc_uuid, rows)

    def move_codings(self, moves: list[tuple[str, int, int, str]]) -> None:
        """Set new spans ``(uuid, start, end, text)``; two-step so spans may swap without a clash."""
        self.db.conn.executemany("UPDATE codings SET start = -1 - start, end = -1 - end WHERE uuid = ?",
                                 [(m[0],) for m in moves])
        self.db.conn.executemany("UPDATE codings SET start = ?, end = ?, text = ? WHERE uuid = ?",
                                 [(m[1], m[2], m[3], m[0]) for m in moves])

    def flag_codings(self, reviews: list[dict], remove: bool) -> None:
        """Store codings for review; with ``remove`` take them out of the codings table."""
        self.insert("coding_reviews", reviews)
        if remove:
            self.db.conn.executemany("DELETE FROM codings WHERE uuid = ?", [(r["coding"],) for r in reviews])

    def map_suggestions(self, doc_uuid: str, mapper) -> None:
        """Move the suggestion log's spans of a document with ``mapper(start, end) -> (start, end) | None``."""
        for sid, start, end in self.db.execute("SELECT id, start, end FROM suggestions WHERE document = ?", [doc_uuid]).fetchall():
            if start is None or end is None:
                continue
            span = mapper(start, end)
            if span is not None:
                self.db.execute("UPDATE suggestions SET start = ?, end = ? WHERE id = ?", [span[0], span[1], sid])
