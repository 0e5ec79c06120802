"""Read-only queries for reports and exports (matrix, quotes, frequencies, co-occurrence)."""

from __future__ import annotations


class QueriesMixin:
    db: object
