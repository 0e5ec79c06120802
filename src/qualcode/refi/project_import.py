"""Importing a REFI-QDA project (.qdpx) into a qualcode project: all of it or nothing.

The archive is read in memory (see :mod:`refi_archive`), the XML parsed safely (:mod:`refi_xml`),
positions mapped to the canonical text (:mod:`refi_positions`), and everything is written into a
temporary copy of the project that replaces the real file only when the whole import succeeded.
"""

from __future__ import annotations

import os
import posixpath
import uuid as uuidlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qualcode.errors import InputError, ProjectError
from qualcode.ingest.encoding import decode_bytes
from qualcode.refi.archive import RefiArchive
from qualcode.refi.positions import TextMap, choose_positions
from qualcode.refi.project_reader import RefiProject, RefiText, read_project_xml
from qualcode.refi.xml import parse_xml


@dataclass
class RefiImportReport:
    """What was read, what landed in the project, and what could not be imported (and why)."""

    source: str
    project: str
    created: bool = False
    origin: str = ""
    positions: str = "codepoints"  # or "utf16"
    positions_reason: str = ""
    counts: dict = field(default_factory=dict)  # what -> {"xml": n, "project": m}
    documents_created: int = 0
    not_imported: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, what: str, xml: int, project: int) -> None:
        self.counts[what] = {"xml": xml, "project": project}

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def complete(self) -> bool:
        return not self.not_imported


@dataclass
class LoadedText:
    text: RefiText
    entry: str | None
    tmap: TextMap
    document: str | None = None  # the project document it became


def import_refi_project(qdpx_path, project_path, lang: str = "nl", utf16: bool | None = None, *,
                        must_be_new: bool = False, name: str | None = None) -> RefiImportReport:
    """Import ``qdpx_path`` into ``project_path`` (created when it does not exist).

    ``utf16``: None detects how positions count (see :func:`choose_positions`), True reads them as
    UTF-16 code units (NVivo for Windows), False as code points (the standard). ``must_be_new``
    refuses an existing project file (``qualcode init --from-refi``). Raises InputError for a broken
    or unsafe file and ProjectError for a project problem; either way the project is unchanged.
    """
    from qualcode.refi.project_apply import apply_refi
    from qualcode.store.project import Project

    qdpx_path, project_path = Path(qdpx_path), Path(project_path)
    exists = project_path.exists() and project_path.stat().st_size > 0
    if exists and must_be_new:
        raise ProjectError(f"{project_path}: a file already exists there; choose another name.")
    report = RefiImportReport(str(qdpx_path), str(project_path), created=not exists)
    with RefiArchive(qdpx_path) as archive:
        entry = archive.project_entry()
        root = parse_xml(archive.read(entry), archive.where(entry), "Project")
        refi = read_project_xml(root, archive.where(entry))
        base = posixpath.dirname(entry)
        texts = _load_texts(archive, refi, base, report)
        notes = _load_notes(archive, refi, base, report)
    report.origin = refi.origin
    units = [(lt.tmap, [(s.start, s.end, s.name) for s in lt.text.selections
                        if s.start is not None and s.end is not None]) for lt in texts]
    use16, report.positions_reason = choose_positions(units, refi.origin, utf16)
    report.positions = "utf16" if use16 else "codepoints"
    tmp = project_path.with_name(f".{project_path.name}.refi-{uuidlib.uuid4().hex[:8]}.tmp")
    try:
        if exists:
            with Project.open(project_path) as original:
                original.backup(tmp)
            project = Project.open(tmp)
        else:
            project = Project.create(tmp, language=lang, name=name or refi.name or project_path.stem)
        try:
            with project.transaction():
                apply_refi(project, refi, texts, notes, use16, report, Path(qdpx_path).name)
        finally:
            project.close()
        os.replace(tmp, project_path)
    except BaseException:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        raise
    return report


def _read_text(archive: RefiArchive, path: str | None, inline: str | None, base: str,
               what: str, report: RefiImportReport) -> tuple[str | None, str | None]:
    """(text, entry) of a source or note; None text (with a reason reported) when it is missing."""
    if inline is not None and not path:
        return inline, None
    entry = archive.find_source(path, base)
    if entry is None:
        if inline is not None:
            return inline, None
        return None, None
    data = archive.read(entry)
    if not data.strip():
        return "", entry
    try:
        return decode_bytes(data, archive.where(entry)), entry
    except InputError as exc:
        report.warnings.append(f"{what}: {exc}")
        return None, entry


def _load_texts(archive: RefiArchive, refi: RefiProject, base: str, report: RefiImportReport) -> list[LoadedText]:
    loaded: list[LoadedText] = []
    missing: dict[str, list[RefiText]] = {"missing": [], "empty": []}
    for text in refi.texts:
        label = f"source '{text.name or text.guid}'"
        raw, entry = _read_text(archive, text.path, text.inline, base, label, report)
        if raw is None:
            missing["missing"].append(text)
            continue
        tmap = TextMap(raw)
        if not tmap.canonical.strip():
            missing["empty"].append(text)
            continue
        loaded.append(LoadedText(text, entry, tmap))
    kinds = {"text": "text source", "pdf": "PDF text", "transcript": "transcript"}
    for why, texts in missing.items():
        if not texts:
            continue
        what = ("whose text file is missing from the archive or unreadable" if why == "missing"
                else "whose text is empty (the exporting tool wrote no text)")
        by_kind = ", ".join(f"{sum(t.kind == k for t in texts)} {v}(s)" for k, v in kinds.items()
                            if any(t.kind == k for t in texts))
        names = ", ".join(f"'{t.name or t.guid}'" for t in texts[:8]) + (" …" if len(texts) > 8 else "")
        sels = sum(len(t.selections) for t in texts)
        codings = sum(len(s.codings) for t in texts for s in t.selections) + sum(len(t.whole) for t in texts)
        report.not_imported.append(f"{len(texts)} text(s) {what} — {by_kind}: {names}; with them {sels} "
                                   f"selection(s) holding {codings} coding(s).")
    return loaded


def _load_notes(archive: RefiArchive, refi: RefiProject, base: str, report: RefiImportReport) -> dict[str, str]:
    """The text of each note: its name (when the content does not start with it), description, content."""
    out: dict[str, str] = {}
    for i, note in enumerate(refi.notes):
        content = ""
        if note.inline is not None or note.path:
            raw, _ = _read_text(archive, note.path, note.inline, base, f"note '{note.name or note.guid}'", report)
            content = (raw or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        parts = []
        if note.name and not content.startswith(note.name):
            parts.append(note.name)
        if note.description.strip():
            parts.append(note.description.strip())
        if content:
            parts.append(content)
        out[note.guid or f"note-{i}"] = "\n\n".join(parts)
    return out
