"""The project file's schema, as the list of migrations that build it (schema version = their count).

Each migration runs once, inside the transaction that opens an older file
(:func:`qualcode.store.db.open_database`); sqlite-utils is loaded only for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def _m1_initial(db: "sqlite_utils.Database") -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["documents"].create(
        {
            "uuid": str, "name": str, "kind": str, "text": str, "sha256": str,
            "source_path": str, "source_format": str, "imported_at": str, "words": int,
        },
        pk="uuid", not_null={"name", "kind", "text", "sha256"},
    )
    db["documents"].create_index(["name"], unique=True)
    db["documents"].create_index(["sha256"])
    db["document_aliases"].create(
        {"document": str, "name": str, "source": str},
        pk=("document", "name"), foreign_keys=[("document", "documents", "uuid")],
    )
    db["cases"].create({"uuid": str, "name": str, "role": str}, pk="uuid", not_null={"name", "role"})
    db["cases"].create_index(["name"], unique=True)
    db["turns"].create(
        {"document": str, "idx": int, "speaker": str, "start": int, "end": int,
         "timestamp_ms": int, "case_uuid": str},
        pk=("document", "idx"),
        foreign_keys=[("document", "documents", "uuid"), ("case_uuid", "cases", "uuid")],
    )
    db["speakers"].create(
        {"document": str, "name": str, "case_uuid": str},
        pk=("document", "name"),
        foreign_keys=[("document", "documents", "uuid"), ("case_uuid", "cases", "uuid")],
    )
    db["attributes"].create(
        {"owner_type": str, "owner": str, "key": str, "type": str, "value": str},
        pk=("owner_type", "owner", "key"),
    )
    db["codes"].create(
        {
            "uuid": str, "parent": str, "name": str, "label": str, "definition": str,
            "inclusion": str, "exclusion": str, "examples": str, "keywords": str,
            "colour": str, "position": int, "domain": str,
        },
        pk="uuid", not_null={"name"},
    )
    db["codes"].create_index(["parent"])
    db["codings"].create(
        {
            "uuid": str, "document": str, "code": str, "coder": str, "start": int, "end": int,
            "text": str, "memo": str, "origin": str, "created_at": str, "source": str,
        },
        pk="uuid", not_null={"document", "code", "coder", "start", "end"},
        foreign_keys=[("document", "documents", "uuid"), ("code", "codes", "uuid")],
    )
    db["codings"].create_index(["document", "code", "coder", "start", "end"], unique=True)
    db["codings"].create_index(["code"])
    db["codings"].create_index(["coder"])
    db["memos"].create(
        {"uuid": str, "target_type": str, "target": str, "author": str, "text": str,
         "created_at": str, "updated_at": str},
        pk="uuid",
    )
    db["history"].create(
        {"id": int, "at": str, "coder": str, "action": str, "description": str,
         "ops": str, "undoable": int, "state": int},
        pk="id",
    )
    db["suggestions"].create(
        {"id": int, "at": str, "document": str, "start": int, "end": int, "code": str,
         "score": float, "reason": str, "coder": str, "decision": str, "decided_at": str,
         "coding": str},
        pk="id",
    )
    db["suggestions"].create_index(["code"])
    db["merges"].create(
        {"id": int, "at": str, "source_path": str, "source_sha256": str, "report": str}, pk="id"
    )


def _m2_models(db: "sqlite_utils.Database") -> None:
    """Trained suggestion models live in the project file, so a copy carries its model along."""
    db["models"].create(
        {"name": str, "created_at": str, "data": bytes, "info": str}, pk="name"
    )


def _m3_team(db: "sqlite_utils.Database") -> None:
    """Team work: codings flagged for review, confirmed code aliases, merge bases, handout bases."""
    from qualcode.store.team import TEAM_TABLES

    for sql in TEAM_TABLES:
        db.execute(sql)


def _m4_history_index(db: "sqlite_utils.Database") -> None:
    """Recording a change marks the redoable entries (state 1) as superseded; without an index
    that scanned the whole history on every coding (10 ms at 100,000 entries instead of 1 ms)."""
    db.execute("CREATE INDEX IF NOT EXISTS history_redoable ON history (state) WHERE state = 1")


def _m5_interop(db: sqlite_utils.Database) -> None:
    """Interop without loss: REFI-QDA users with their GUIDs, sources qualcode cannot code kept as
    placeholders (their XML and files, handed back on export; a PDF whose text is a document is kept
    as the wrapper of that document), cases that came from a REFI file,
    and position anchors in a document's text (a PDF page starts there, a subtitle cue starts there)."""
    for sql in (
        "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, guid TEXT NOT NULL, refi_id TEXT)",
        "CREATE TABLE IF NOT EXISTS placeholders (guid TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, "
        "element TEXT NOT NULL, source TEXT, imported_at TEXT, document TEXT)",
        "CREATE TABLE IF NOT EXISTS placeholder_files (placeholder TEXT NOT NULL REFERENCES placeholders (guid), "
        "entry TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (placeholder, entry))",
        "CREATE TABLE IF NOT EXISTS case_origins (case_uuid TEXT PRIMARY KEY REFERENCES cases (uuid), "
        "origin TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS anchors (document TEXT NOT NULL, kind TEXT NOT NULL, pos INTEGER NOT NULL, "
        "value INTEGER NOT NULL, PRIMARY KEY (document, kind, pos))",
    ):
        db.execute(sql)


def _m6_sets_summaries(db: "sqlite_utils.Database") -> None:
    """Sets (groups) of documents, cases and codes; summaries per case x code (the matrix's own
    cells); memos get an index on their target (memos on codes, documents, cases, the project)."""
    db.execute("CREATE TABLE IF NOT EXISTS sets (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, "
               "description TEXT, created_at TEXT)")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS sets_name ON sets (name)")
    db.execute("CREATE TABLE IF NOT EXISTS set_members (set_uuid TEXT NOT NULL REFERENCES sets(uuid), "
               "member_type TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (set_uuid, member_type, member))")
    db.execute("CREATE TABLE IF NOT EXISTS summaries (uuid TEXT PRIMARY KEY, case_uuid TEXT NOT NULL, "
               "code TEXT NOT NULL, author TEXT, text TEXT NOT NULL, created_at TEXT, updated_at TEXT)")
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS summaries_cell ON summaries (case_uuid, code)")
    db.execute("CREATE INDEX IF NOT EXISTS memos_target ON memos (target_type, target)")


def _m7_embeddings(db: "sqlite_utils.Database") -> None:
    """Sentence embeddings of passages (turns, coded spans, code descriptions), computed once in the
    background and kept with the project: keyed by the embedding model and a hash of the text."""
    from qualcode.store.embeddings import EMBEDDINGS_TABLE

    db.execute(EMBEDDINGS_TABLE)


def _m8_review_decisions(db: "sqlite_utils.Database") -> None:
    """Review decisions that leave no coding behind (a passage settled as not coded), so that
    they are kept and undoable like the settlements that do."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS review_decisions (uuid TEXT PRIMARY KEY, document TEXT NOT NULL, "
        "code TEXT NOT NULL, start INTEGER NOT NULL, [end] INTEGER NOT NULL, decision TEXT NOT NULL, "
        "coder TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS review_decisions_document ON review_decisions (document, code)")


def _m9_names(db: "sqlite_utils.Database") -> None:
    """The names list that --pseudonymise replaces (third parties and places named in speech)."""
    from qualcode.store.names import NAMES_TABLE

    db.execute(NAMES_TABLE)


def _m10_replica(db: "sqlite_utils.Database") -> None:
    """A project file can be a replica of a project on a team server (store/replica.py): its
    server link and position, the outbox of changes to send, the log of syncs."""
    from qualcode.store.replica import REPLICA_TABLES

    for sql in REPLICA_TABLES:
        db.execute(sql)


MIGRATIONS = [_m1_initial, _m2_models, _m3_team, _m4_history_index, _m5_interop, _m6_sets_summaries,
              _m7_embeddings, _m8_review_decisions, _m9_names, _m10_replica]
SCHEMA_VERSION = len(MIGRATIONS)
