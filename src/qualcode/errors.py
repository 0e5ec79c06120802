"""Errors the user can cause. Each carries one clear sentence naming the file and line or field."""

from __future__ import annotations


class QualcodeError(Exception):
    """Base class: the CLI prints str(error) and exits non-zero."""

    exit_code = 2


class InputError(QualcodeError):
    """A file the user gave us is broken: transcript, CSV, codebook, REFI-QDA."""

    def __init__(self, path, message: str, line: int | None = None, field: str | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        self.detail = message
        where = []
        if self.path:
            where.append(self.path)
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ProjectError(QualcodeError):
    """A request the project cannot satisfy: unknown document or code, offset out of range, ..."""


class VersionError(QualcodeError):
    """The project file was written by a newer qualcode."""
