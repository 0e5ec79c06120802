"""The project: the one way into a project file, as a set of repositories that each own some tables.

=====================  =========================================  ===================================
``project.``           tables                                     for
=====================  =========================================  ===================================
``documents``          documents, document_aliases, turns         import, show, text search
``cases``              cases, speakers                            respondents, interviewers
``attributes``         attributes                                 typed values on cases and documents
``codebook``           codes                                      the code tree and its edits
``codings``            codings                                    coding, reading codings
``memos``              memos                                      memos
``suggestions``        suggestions                                the log of suggestions shown
``models``             models                                     trained suggestion models
``history``            history                                    undo, redo, the audit trail
``reviews``            coding_reviews                             codings waiting to be placed
``team``               team_sync, handout_base, merges, aliases   merging coder files, handouts
``reads``              (all, read-only)                           bulk reads for exports
``sets``               sets, set_members                          groups of documents, cases, codes
``summaries``          summaries                                  summaries per case × code
``review_decisions``   review_decisions                           passages settled as not coded
``names``              names                                      names --pseudonymise replaces
``replica``            replica_state, _outbox, _applying, _log    being a replica of a team server
=====================  =========================================  ===================================

Metadata, settings, transactions, backups and the overview (:meth:`Project.status`) stay on the
project itself. Every repository returns domain objects or plain rows; all SQL lives in ``store/``.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.store.attributes import Attributes
from qualcode.store.cases import Cases
from qualcode.store.codebook import Codebook
from qualcode.store.codings import Codings
from qualcode.store.db import SCHEMA_VERSION, open_database
from qualcode.store.documents import Documents
from qualcode.store.history import History, now
from qualcode.store.memos import Memos
from qualcode.store.names import Names
from qualcode.store.reads import Reads
from qualcode.store.review_decisions import ReviewDecisions
from qualcode.store.reviews import Reviews
from qualcode.store.sets import Sets
from qualcode.store.suggestions import Models, Suggestions
from qualcode.store.summaries import Summaries
from qualcode.store.team import Team

LANGUAGES = ("nl", "en")


class Project:
    """A qualcode project file. Open with :meth:`open` or :meth:`create`; use as a context manager."""

    def __init__(self, db, path: Path, coder: str | None = None):
        self.db = db
        self.path = Path(path)
        self.coder = coder
        self.history = History(self)
        self.documents = Documents(self)
        self.cases = Cases(self)
        self.attributes = Attributes(self)
        self.codebook = Codebook(self)
        self.codings = Codings(self)
        self.memos = Memos(self)
        self.suggestions = Suggestions(self)
        self.models = Models(self)
        self.reviews = Reviews(self)
        self.team = Team(self)
        self.reads = Reads(self)
        self.sets = Sets(self)
        self.summaries = Summaries(self)
        self.review_decisions = ReviewDecisions(self)
        self.names = Names(self)
        self._embeddings = None

    @property
    def embeddings(self):
        """Sentence embeddings kept in the project (:class:`qualcode.store.embeddings.Embeddings`)."""
        if self._embeddings is None:
            from qualcode.store.embeddings import Embeddings

            self._embeddings = Embeddings(self)
        return self._embeddings

    # -- life cycle ----------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, language: str = "nl", name: str | None = None) -> "Project":
        if language not in LANGUAGES:
            raise ProjectError(f"unsupported language '{language}' (use one of {', '.join(LANGUAGES)}).")
        path = Path(path)
        db = open_database(path, create=True)
        project = cls(db, path)
        with db.atomic():
            project.set_meta("language", language)
            project.set_meta("name", name or path.stem)
            project.set_meta("created_at", now())
        return project

    @classmethod
    def open(cls, path: str | Path, coder: str | None = None) -> "Project":
        path = Path(path)
        return cls(open_database(path), path, coder)

    def close(self) -> None:
        # No explicit checkpoint: SQLite checkpoints when the last connection closes, and a
        # TRUNCATE checkpoint here would take the write lock from another open connection
        # (the TUI's workers) in the middle of its transaction.
        self.db.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        """All writes inside happen together or not at all."""
        try:
            with self.db.atomic():
                yield self
        finally:
            self._changed()

    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the project file (SQLite's online backup)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(str(target))
        try:
            self.db.conn.backup(dest)
        finally:
            dest.close()
        return target

    def digest(self) -> str:
        """A SHA-256 of the project's content, read through SQLite (an online backup into memory),
        never by opening the file: for merge provenance."""
        import hashlib

        mem = sqlite3.connect(":memory:")
        try:
            self.db.conn.backup(mem)
            return hashlib.sha256(mem.serialize()).hexdigest()
        finally:
            mem.close()

    def data_version(self) -> int:
        """Changes whenever another connection (another process, a worker) commits to the file."""
        return self.db.data_version()

    @property
    def read_only_file(self) -> bool:
        return self.db.read_only

    def copy_to(self, target: str | Path) -> Path:
        if Path(target).exists():
            raise ProjectError(f"{target}: a file already exists there; choose another name.")
        return self.backup(target)

    def _changed(self) -> None:
        """Forget cached state after a change (the code tree)."""
        self.codebook._tree = None

    @contextmanager
    def read_only(self):
        """Read one consistent snapshot and refuse every write while the block runs.

        The block is one read transaction (in WAL mode every read sees the file as it was when
        the first read began, whatever other processes commit meanwhile: an export never mixes
        before and after), with SQLite's ``query_only`` on."""
        before = self.db.execute("PRAGMA query_only").fetchone()[0]
        self.db.execute("PRAGMA query_only = ON")
        outer = not self.db.conn.in_transaction
        if outer:
            self.db.conn.execute("BEGIN DEFERRED")
        try:
            yield self
        finally:
            if outer and self.db.conn.in_transaction:
                self.db.conn.execute("COMMIT")
            self.db.execute(f"PRAGMA query_only = {'ON' if before else 'OFF'}")

    # -- interchange (users, placeholders, case origins, anchors) --------------------------------
    @cached_property
    def users(self):
        from qualcode.store.interop import Users

        return Users(self)

    @cached_property
    def placeholders(self):
        from qualcode.store.interop import Placeholders

        return Placeholders(self)

    @cached_property
    def case_origins(self):
        from qualcode.store.interop import CaseOrigins

        return CaseOrigins(self)

    @cached_property
    def anchors(self):
        from qualcode.store.interop import Anchors

        return Anchors(self)

    # -- team server ------------------------------------------------------------------------------
    @cached_property
    def replica(self):
        """The project's link to a team server (:class:`qualcode.store.replica.Replica`)."""
        from qualcode.store.replica import Replica

        return Replica(self)

    # -- metadata and settings -----------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @property
    def language(self) -> str:
        return self.meta("language", "nl")

    def settings(self) -> dict:
        return json.loads(self.meta("settings", "{}"))

    def set_setting(self, key: str, value) -> None:
        settings = self.settings()
        settings[key] = value
        with self.db.atomic():
            self.set_meta("settings", json.dumps(settings))

    # -- overview --------------------------------------------------------------------------------
    def status(self) -> dict:
        q = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        tree = self.codebook.tree()
        per_coder = dict(self.db.execute("SELECT coder, count(*) FROM codings GROUP BY coder").fetchall())
        used = q("SELECT count(DISTINCT code) FROM codings")
        docs = self.documents.list()
        total_chars = sum(d.length for d in docs)
        return {
            "project": str(self.path),
            "name": self.meta("name"),
            "language": self.language,
            "schema_version": SCHEMA_VERSION,
            "documents": len(docs),
            "documents_by_kind": {k: sum(1 for d in docs if d.kind == k) for k in sorted({d.kind for d in docs})},
            "words": sum(d.words for d in docs),
            "turns": q("SELECT count(*) FROM turns"),
            "respondents": q("SELECT count(*) FROM cases WHERE role = 'respondent'"),
            "interviewers": q("SELECT count(*) FROM cases WHERE role = 'interviewer'"),
            "codes": len(tree),
            "themes": len(tree.roots()),
            "codes_used": used,
            "codings": q("SELECT count(*) FROM codings"),
            "codings_by_coder": per_coder,
            "coded_share": (sum(d.coded_chars for d in docs) / total_chars) if total_chars else 0.0,
            "documents_coded": sum(1 for d in docs if d.codings),
            "memos": q("SELECT count(*) FROM memos"),
            "suggestions_logged": q("SELECT count(*) FROM suggestions"),
            "codings_flagged_for_review": q("SELECT count(*) FROM coding_reviews WHERE status = 'open'"),
            "sources_kept": self.placeholders.counts(),
        }
