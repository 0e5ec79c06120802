"""Sentence embeddings kept in the project (a cache: any of them can be computed again).

Rows are keyed by the embedding model's name and a hash of the exact text, so a vector stays valid
for as long as the text it was computed from, wherever that text occurs (a turn, a coded span, a
code's description); editing a text simply makes a new key. Vectors are float32, stored as bytes.
"""

from __future__ import annotations

import hashlib

EMBEDDINGS_TABLE = """CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL,
    key TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID"""
_CHUNK = 500


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Embeddings:
    def __init__(self, project):
        self.project = project
        self.db = project.db

    def get(self, model: str, texts: list[str]) -> dict[str, bytes]:
        """The stored vectors (as bytes) of those texts that have one: text key -> bytes."""
        keys = sorted({text_key(t) for t in texts})
        found: dict[str, bytes] = {}
        for i in range(0, len(keys), _CHUNK):
            part = keys[i:i + _CHUNK]
            marks = ",".join("?" * len(part))
            found.update(self.db.execute(
                f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})", [model, *part]).fetchall())
        return found

    def put(self, model: str, items: list[tuple[str, bytes]]) -> None:
        """Store (text, vector bytes) pairs; existing ones are kept."""
        if not items:
            return
        with self.db.atomic():
            self.db.conn.executemany("INSERT OR IGNORE INTO embeddings (model, key, vector) VALUES (?, ?, ?)",
                                [(model, text_key(t), v) for t, v in items])

    def count(self, model: str | None = None) -> int:
        if model is None:
            return self.db.execute("SELECT count(*) FROM embeddings").fetchone()[0]
        return self.db.execute("SELECT count(*) FROM embeddings WHERE model = ?", [model]).fetchone()[0]
