"""The Project repository: the one way into a project file. Returns domain objects."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from qualcode.domain.codebook import CodeTree
from qualcode.errors import ProjectError
from qualcode.store.agreement import AgreementStoreMixin
from qualcode.store.codebook import CodebookMixin
from qualcode.store.codings import CodingsMixin, ModelsMixin
from qualcode.store.db import SCHEMA_VERSION, open_database
from qualcode.store.documents import DocumentsMixin
from qualcode.store.history import HistoryMixin, now
from qualcode.store.queries import QueriesMixin
from qualcode.store.refi import RefiMixin
from qualcode.store.team import TeamMixin
from qualcode.store.tui_queries import TuiQueriesMixin

LANGUAGES = ("nl", "en")


class Project(HistoryMixin, DocumentsMixin, CodebookMixin, CodingsMixin, ModelsMixin, QueriesMixin, TeamMixin, RefiMixin, AgreementStoreMixin, TuiQueriesMixin):
    """A qualcode project file. Open with :meth:`open` or :meth:`create`; use as a context manager."""

    def __init__(self, db, path: Path, coder: str | None = None):
        self.db = db
        self.path = Path(path)
        self.coder = coder
        self._tree: CodeTree | None = None

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

    def copy_to(self, target: str | Path) -> Path:
        if Path(target).exists():
            raise ProjectError(f"{target}: a file already exists there; choose another name.")
        return self.backup(target)

    def _changed(self) -> None:
        self._tree = None

    @property
    def replica(self):
        """The project's link to a team server (store/replica.py), created on first use."""
        if getattr(self, "_replica", None) is None:
            from qualcode.store.replica import Replica

            self._replica = Replica(self)
        return self._replica

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
        tree = self.tree()
        per_coder = dict(self.db.execute("SELECT coder, count(*) FROM codings GROUP BY coder").fetchall())
        used = q("SELECT count(DISTINCT code) FROM codings")
        docs = self.documents()
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
        }
