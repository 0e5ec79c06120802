"""A bare project.qde: the REFI-QDA project XML exchanged on its own, without the .qdpx zip.

The standard allows it. Texts are then inline (``PlainTextContent``) or files beside the XML, in a
``sources/`` (or ``Sources/``) folder next to it; only files inside that folder are ever read, so a
path in the XML cannot reach anywhere else on the disk. :func:`open_refi_file` picks the reader
for a path (a zip is a .qdpx, anything else is taken as the XML).
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from qualcode.errors import InputError
from qualcode.refi.archive import MAX_ENTRY_BYTES, RefiArchive


def open_refi_file(path):
    path = Path(path)
    if path.is_file():
        with open(path, "rb") as fh:
            head = fh.read(64)
        looks_xml = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
        if not head.startswith(b"PK") and (path.suffix.lower() == ".qde" or looks_xml):
            return BareQde(path)
    return RefiArchive(path)


class BareQde:
    """The same lookups as :class:`RefiArchive`, over one XML file and the sources folder beside it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.entry = self.path.name
        self.entries: dict[str, Path] = {self.entry: self.path}
        folder = next((self.path.parent / n for n in ("sources", "Sources") if (self.path.parent / n).is_dir()), None)
        if folder is not None:
            root = folder.resolve()
            for f in sorted(folder.iterdir()):
                if f.is_file() and not f.is_symlink() and f.resolve().parent == root:
                    self.entries[f"sources/{f.name}"] = f
        self._lower = {n.lower(): n for n in self.entries}

    def __enter__(self) -> BareQde:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def project_entry(self) -> str:
        return self.entry

    def read(self, name: str) -> bytes:
        f = self.entries[name]
        if f.stat().st_size > MAX_ENTRY_BYTES:
            raise InputError(f, f"the file is larger than {MAX_ENTRY_BYTES // 2**20} MB; refusing to read it.")
        return f.read_bytes()

    def where(self, name: str) -> str:
        return str(self.entries.get(name, self.path))

    def find_source(self, ref: str | None, base: str = "") -> str | None:
        """``internal://x.txt``, ``x.txt`` or ``sources/x.txt`` → the file in the sources folder."""
        if not ref:
            return None
        ref = ref.strip().replace("\\", "/")
        _scheme, sep, rest = ref.partition("://")
        name = posixpath.basename(rest if sep else ref)
        return self._lower.get(f"sources/{name}".lower()) if name else None
