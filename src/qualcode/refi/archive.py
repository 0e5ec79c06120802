"""A .qdpx archive read in memory: nothing is ever extracted to disk, sizes are bounded.

A .qdpx is a zip holding one ``project.qde`` (also seen: ``Project.qde``, ``<name>.qde``, or all of
it inside one folder) and a ``sources/`` (or ``Sources/``) folder with the texts. Entries whose
names point outside the archive (absolute paths, ``..``) make the whole file suspect and it is
refused; declared and actual sizes are checked against limits, and so is the compression ratio,
so a zip bomb ends in a clear error instead of filling memory.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path

from qualcode.errors import InputError

MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all entries together, uncompressed
MAX_ENTRY_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 50_000
_CHUNK = 1024 * 1024


class RefiArchive:
    """The entries of a .qdpx, looked up leniently and read with limits."""

    def __init__(self, path: str | Path, max_total: int | None = None):
        self.path = Path(path)
        self.max_total = max_total or MAX_TOTAL_BYTES
        self._read_total = 0
        if not self.path.is_file():
            raise InputError(self.path, "no such file." if not self.path.exists() else "this is not a file.")
        try:
            self.zip = zipfile.ZipFile(self.path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(self.path, "not a readable .qdpx (a .qdpx is a zip archive; this one is not a zip "
                             f"file or it is damaged or truncated: {exc}).") from None
        if len(infos) > MAX_ENTRIES:
            raise InputError(self.path, f"the archive holds {len(infos)} entries (more than {MAX_ENTRIES}); refusing it.")
        self.entries: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            name = self._check_name(info.filename)
            if info.is_dir() or not name:
                continue
            if info.flag_bits & 0x1:
                raise InputError(self.path, f"entry '{info.filename}' is encrypted; qualcode cannot read it.")
            declared += info.file_size
            if info.file_size > MAX_ENTRY_BYTES or declared > self.max_total:
                raise InputError(self.path, f"entry '{info.filename}' makes the archive larger than "
                                 f"{self.max_total // 2**20} MB uncompressed; refusing it (a zip bomb?).")
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise InputError(self.path, f"entry '{info.filename}' is compressed more than {MAX_RATIO}:1; "
                                 "refusing it (a zip bomb?).")
            self.entries[name] = info
        self._lower = {n.lower(): n for n in self.entries}

    def _check_name(self, raw: str) -> str:
        name = raw.replace("\\", "/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts:
            raise InputError(self.path, f"entry '{raw}' points outside the archive; the file is refused "
                             "(a well-formed .qdpx never contains such names).")
        return "/".join(parts)

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> "RefiArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading --------------------------------------------------------------------------------
    def read(self, name: str) -> bytes:
        """An entry's bytes, read in chunks and never beyond the declared size or the limits."""
        info = self.entries[name]
        limit = min(info.file_size, MAX_ENTRY_BYTES)
        chunks, size = [], 0
        try:
            with self.zip.open(info) as fh:
                while True:
                    chunk = fh.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    self._read_total += len(chunk)
                    if size > limit or self._read_total > self.max_total:
                        raise InputError(self.path, f"entry '{name}' is larger than the archive says or than "
                                         f"{self.max_total // 2**20} MB; refusing it (a zip bomb?).")
                    chunks.append(chunk)
        except InputError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise InputError(self.path, f"entry '{name}' cannot be read; the archive is damaged or truncated ({exc}).") from None
        return b"".join(chunks)

    def where(self, name: str) -> str:
        return f"{self.path} ({name})"

    # -- finding entries --------------------------------------------------------------------------
    def project_entry(self) -> str:
        """The project XML: project.qde (any case), else the only .qde at the top, else in one folder."""
        qdes = [n for n in self.entries if n.lower().endswith(".qde")]
        for depth in (0, 1):
            here = [n for n in qdes if n.count("/") == depth]
            named = [n for n in here if posixpath.basename(n).lower() == "project.qde"]
            if len(named) == 1:
                return named[0]
            if len(here) == 1:
                return here[0]
            if len(here) > 1:
                raise InputError(self.path, f"the archive holds several project files ({', '.join(sorted(here))}); "
                                 "expected one project.qde.")
        raise InputError(self.path, "the archive has no project.qde; this is not a REFI-QDA project (.qdpx).")

    def find_source(self, ref: str | None, base: str = "") -> str | None:
        """The entry a ``plainTextPath``/``path`` refers to: ``internal://x.txt``, ``x.txt``, ``sources/x.txt``
        (any case), or, for other schemes, a unique entry with the same file name under sources/."""
        if not ref:
            return None
        ref = ref.strip().replace("\\", "/")
        scheme, sep, rest = ref.partition("://")
        path = rest if sep else ref
        path = path.lstrip("/")
        prefix = f"{base}/" if base else ""
        candidates = [f"{prefix}sources/{path}", f"{prefix}{path}", f"sources/{path}", path]
        for cand in candidates:
            hit = self._lower.get(cand.lower())
            if hit:
                return hit
        name = posixpath.basename(path).lower()
        if not name:
            return None
        hits = [n for n in self.entries if posixpath.basename(n).lower() == name and "sources/" in n.lower()]
        hits = hits or [n for n in self.entries if posixpath.basename(n).lower() == name]
        return hits[0] if len(hits) == 1 else None
