"""Helpers shared by the CLI command modules."""

from __future__ import annotations

from contextlib import contextmanager

from qualcode.config import default_coder
from qualcode.errors import ProjectError


@contextmanager
def opened(path: str, coder: str | None = None):
    from qualcode.store.project import Project

    project = Project.open(path, coder=coder)
    try:
        yield project
    finally:
        project.close()


def need_coder(explicit: str | None, project=None) -> str:
    """The coder: --coder, $QUALCODE_CODER, a handout copy's own coder, or the remembered name."""
    import os

    coder = explicit or os.environ.get("QUALCODE_CODER")
    if not coder and project is not None:
        coder = project.settings().get("coder")
    coder = coder or default_coder(None)
    if not coder:
        raise ProjectError("say who is coding: --coder NAME (or set QUALCODE_CODER).")
    return coder


def add_json(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
