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


def _coder_of(path: Path) -> str:
    """The coder a coder file belongs to: its first record's coder, else the file name."""
    import json

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                return json.loads(line).get("coder") or path.stem
    return path.stem


def build_demo(target: Path, root: Path, say: Callable[[str], None] = lambda s: None) -> Path:
    """Build the demo project at ``target`` the way a team works.

    The lead prepares the study (codebook, transcripts, attributes); each demo coder gets a
    handout copy in which their coder file is loaded; then the copies are merged into the demo
    project. Everything is built in a temporary folder and moved into place when complete.
    """
    import shutil
    import tempfile

    from qualcode.ingest.attributes import apply_attributes, read_attributes
    from qualcode.ingest.codebook_yaml import read_codebook
    from qualcode.ingest.codings_io import read_codings
    from qualcode.ingest.importer import import_files
    from qualcode.store.project import Project
    from qualcode.merge.handout import handout
    from qualcode.merge.run import merge

    files = demo_files(root)
    work = Path(tempfile.mkdtemp(prefix="qualcode-demo-"))
    try:
        study = work / "study.qualcode"
        header, specs = read_codebook(files["codebook"])
        project = Project.create(study, language=header.get("language", "nl"),
                                 name="Demo: " + header.get("name", "study"))
        try:
            with project.transaction():
                project.codebook.apply(specs, header)
            say(f"codebook {files['codebook'].name}: {len(project.codebook.tree())} codes")
            for r in import_files(project, files["transcripts"]):
                say(f"imported {r.name} ({r.turns} turns)")
            if files["respondents"]:
                table = read_attributes(files["respondents"])
                with project.transaction():
                    result = apply_attributes(project, table, files["respondents"])
                say(f"attributes for {result['rows']} respondents")
        finally:
            project.close()
        copies = []
        for coder_file in files["coder_files"]:
            coder = _coder_of(coder_file)
            copy = work / f"{coder_file.stem}.qualcode"
            handout(study, copy, coder)
            with Project.open(copy, coder=coder) as p:
                added, _ = p.codings.add_many(read_codings(p, coder_file), skip_duplicates=True,
                                         description=f"codings from {coder_file.name}")
            say(f"{coder} coded {len(added)} passages in a handout copy ({coder_file.name})")
            copies.append(copy)
        built = work / "merged.qualcode"
        merge(built, [study, *copies])
        if copies:
            say(f"merged {len(copies)} coder file(s) into the project")
        Project.open(built).close()  # checkpoint the WAL into the file before moving it
        for suffix in ("-wal", "-shm"):
            Path(str(built) + suffix).unlink(missing_ok=True)
        tmp = target.with_name(target.name + ".building")
        shutil.copyfile(built, tmp)
        tmp.replace(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
