"""Importing transcript files into a project: one transaction per file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import InputError, QualcodeError
from qualcode.ingest.readers import read_transcript

KIND_ALIASES = {
    "interview": "interview", "focus-group": "focus_group", "focus_group": "focus_group",
    "focusgroup": "focus_group", "other": "other",
}
FOCUS_HINTS = ("focusgroep", "focus group", "focus_group", "focusgroup", "groepsgesprek")


@dataclass
class ImportResult:
    path: str
    name: str
    status: str  # imported | unchanged | failed
    turns: int = 0
    speakers: list[str] = field(default_factory=list)
    error: str | None = None


def document_name(path: Path) -> str:
    """'interview_leraar_2.docx' -> 'Interview leraar 2'."""
    stem = path.stem.replace("_", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else path.name


def guess_kind(path: Path, speakers: int) -> str:
    low = path.stem.lower().replace("-", " ").replace("_", " ")
    if any(h.replace("_", " ") in low for h in FOCUS_HINTS) or speakers > 3:
        return "focus_group"
    return "interview"


def normalise_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    try:
        return KIND_ALIASES[kind.lower()]
    except KeyError:
        raise QualcodeError(f"unknown document kind '{kind}' (use interview, focus-group or other).") from None


def import_files(
    project,
    paths: Iterable[str | Path],
    kind: str | None = None,
    speaker_pattern: str | None = None,
    interviewers: Iterable[str] = (),
    name: str | None = None,
    keep_going: bool = False,
    progress: Callable[[ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Read and store each file. Each file is one transaction: all of it or none of it.

    Without ``keep_going`` the first broken file stops the import (files before it stay imported)
    and its error is raised; with it, failures are reported in the results.
    """
    kind = normalise_kind(kind)
    paths = [Path(p) for p in paths]
    if name and len(paths) != 1:
        raise QualcodeError("--name can only be used when importing a single file.")
    results = []
    for path in paths:
        doc_name = name or document_name(path)
        try:
            parsed = read_transcript(path, speaker_pattern=speaker_pattern)
            if not parsed.text.strip():
                raise InputError(path, "the transcript has no text")
            speakers = sorted({t.speaker for t in parsed.turns if t.speaker})
            with project.transaction():
                doc, created = project.documents.add(
                    doc_name, parsed.text, parsed.turns,
                    kind=kind or guess_kind(path, len(speakers)),
                    source_path=str(path), source_format=parsed.source_format,
                    interviewers=interviewers,
                )
            result = ImportResult(str(path), doc.name, "imported" if created else "unchanged",
                                  len(parsed.turns), speakers)
        except QualcodeError as exc:
            if not keep_going:
                raise
            result = ImportResult(str(path), doc_name, "failed", error=str(exc))
        results.append(result)
        if progress:
            progress(result)
    return results
