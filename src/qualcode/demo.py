"""Building the demo project from the shipped transcripts and codebook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.errors import ProjectError

TRANSCRIPT_SUFFIXES = {".txt", ".md", ".docx", ".vtt", ".srt"}


def find_demo_root(start: Path | None = None) -> Path:
    """The folder holding `transcripts/` and `codebooks/`: the checkout this package runs from,
    or the current folder."""
    candidates = [Path.cwd()] + list(Path(__file__).resolve().parents)
    if start:
        candidates.insert(0, start)
    for folder in candidates:
        if (folder / "transcripts").is_dir() and (folder / "codebooks").is_dir():
            return folder
    raise ProjectError("cannot find the demo material (folders transcripts/ and codebooks/); "
                       "run this from the qualcode checkout or pass --root.")


def demo_files(root: Path) -> dict:
    transcripts = sorted(p for p in (root / "transcripts").iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES)
    codebooks = sorted((root / "codebooks").glob("*.yaml"))
    if not transcripts or not codebooks:
        raise ProjectError(f"{root}: the demo needs transcripts in transcripts/ and a codebook in codebooks/.")
    coder_files = sorted((root / "transcripts" / "coders").glob("*.jsonl")) if (root / "transcripts" / "coders").is_dir() else []
    respondents = root / "transcripts" / "respondents.csv"
    return {
        "transcripts": transcripts,
        "codebook": codebooks[0],
        "respondents": respondents if respondents.exists() else None,
        "coder_files": coder_files,
    }


def build_demo(target: Path, root: Path, say: Callable[[str], None] = lambda s: None) -> Path:
    """Build the demo project at ``target`` (written to a temporary file first, then moved)."""
    from qualcode.ingest.attributes import apply_attributes, read_attributes
    from qualcode.ingest.codebook_yaml import read_codebook
    from qualcode.ingest.codings_io import read_codings
    from qualcode.ingest.importer import import_files
    from qualcode.store.project import Project

    files = demo_files(root)
    tmp = target.with_name(target.name + ".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    header, specs = read_codebook(files["codebook"])
    project = Project.create(tmp, language=header.get("language", "nl"), name="Demo: " + header.get("name", "study"))
    try:
        with project.transaction():
            project.apply_codebook(specs, header)
        say(f"codebook {files['codebook'].name}: {len(project.tree())} codes")
        for r in import_files(project, files["transcripts"]):
            say(f"imported {r.name} ({r.turns} turns)")
        if files["respondents"]:
            table = read_attributes(files["respondents"])
            with project.transaction():
                result = apply_attributes(project, table, files["respondents"])
            say(f"attributes for {result['rows']} respondents")
        for coder_file in files["coder_files"]:
            added, _ = project.add_codings(read_codings(project, coder_file), skip_duplicates=True,
                                           description=f"demo codings from {coder_file.name}")
            say(f"codings from {coder_file.name}: {len(added)}")
    finally:
        project.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(target)
    return target
