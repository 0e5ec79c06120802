"""Where outputs may go: never over a project file, never into a folder that does not exist
unless the user asked for it (``--mkdir``), and always atomically (a temporary file next to the
target, renamed over it only when complete).

Whether a file is a project is asked through SQLite (:func:`qualcode.store.db.is_project_file`),
never by opening it: an ``open()``/``close()`` of a project file this process holds through
SQLite would drop SQLite's locks on it.
"""

from __future__ import annotations

import contextvars
import os
from contextlib import contextmanager
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.store.db import is_project_file

MAKE_FOLDERS: contextvars.ContextVar[bool] = contextvars.ContextVar("qualcode_make_folders", default=False)


def allow_new_folders(allow: bool = True) -> None:
    """Let outputs create missing folders (the CLI's ``--mkdir``; the TUI's export screen)."""
    MAKE_FOLDERS.set(allow)


def prepare_output(target: str | Path, folder: bool = False) -> Path:
    """Check an output path before anything is written; returns it as a Path.

    Refuses a project file (the project itself or any other), a folder where a file is meant,
    and a missing parent folder unless new folders are allowed."""
    target = Path(target)
    if folder:
        if target.exists() and not target.is_dir():
            raise ProjectError(f"{target}: this output is a folder, and a file is there; name a folder instead.")
        if not target.exists():
            _need_folder(target.parent)
            target.mkdir(parents=MAKE_FOLDERS.get(), exist_ok=True)
        return target
    if target.is_dir():
        raise ProjectError(f"{target}: a folder; name a file to write.")
    if is_project_file(target):
        raise ProjectError(
            f"{target}: a qualcode project; an output never overwrites a project. Choose another file name."
        )
    _need_folder(target.parent)
    return target


def _need_folder(folder: Path) -> None:
    if str(folder) in ("", ".") or folder.is_dir():
        return
    if folder.exists():
        raise ProjectError(f"{folder}: not a folder.")
    if not MAKE_FOLDERS.get():
        raise ProjectError(f"{folder}: no such folder; create it first (or add --mkdir).")
    folder.mkdir(parents=True, exist_ok=True)


@contextmanager
def atomic_output(target: str | Path):
    """Yield a temporary path next to ``target`` (checked with :func:`prepare_output`); it replaces
    ``target`` only if the block succeeds."""
    import tempfile

    target = prepare_output(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{target.suffix}", dir=target.parent or ".")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The mode a new file would get (mkstemp makes its files private), or the existing file's."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
