"""Store operations for team work: merge provenance, document aliases, re-anchoring."""

from __future__ import annotations


class TeamMixin:
    db: object
