"""Retrieval: text search across the study, auto-coding of hits, passages of a code with context."""
