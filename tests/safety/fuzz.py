"""Feeding broken input to every reader (issue 12): each must end in one clear sentence, a
non-zero exit and the project unchanged, never a traceback.

    python tests/safety/fuzz.py [N]     # N random mutations per input kind; prints the counts
"""

from __future__ import annotations

import io
import json
import random
import sys
import tempfile
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ATTRIBUTES = "respondent,role,years:integer\nKarin,leraar,12\nPetra,\"onderwijs, assistent\",3\n"
CODINGS = ('{"document": "Interview test 1", "code": "Administratieve last", "coder": "anna", "start": 40, "end": 60}\n'
           '{"document": "Interview test 1", "code": "Vrijstelling", "coder": "anna", "text": "vrijstelling"}\n')
CODEBOOK = "codebook:\n  name: T\ncodes:\n  - name: A\n    keywords: [x, y]\n    children:\n      - name: B\n"
TRANSCRIPT = "Interviewer: Hoe gaat het?\n\nKarin: Goed, de werkdruk is hoog. Café, één keer.\n"


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(6)
        i = rng.randrange(len(b) + 1)
        if op == 0 and b:
            del b[i % len(b)]
        elif op == 1:
            b[i:i] = bytes([rng.randrange(256)])
        elif op == 2:
            b[i:i] = rng.choice([b'"', b",", b";", b"\n", b"\t", b"{", b"[", b":", b"\xff", b"\x00", b"- ", b"  "])
        elif op == 3 and b:
            j = rng.randrange(len(b))
            b[j] = rng.randrange(256)
        elif op == 4:
            b[i:i] = b[: rng.randrange(1, 40)]
        else:
            b = b[: rng.randrange(len(b) + 1)]
    return bytes(b)


def _docx_bytes() -> bytes:
    from docx import Document

    buf = io.BytesIO()
    d = Document()
    d.add_paragraph("Interviewer: Hoe gaat het?")
    d.add_paragraph("Karin: Goed.")
    d.save(buf)
    return buf.getvalue()


def _damage_docx(data: bytes, rng: random.Random) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "word/document.xml":
                content = mutate(content, rng)
            z.writestr(info.filename, content)
    return out.getvalue()


def run_one(args: list[str]) -> tuple[int, str]:
    from qualcode.cli.main import main

    err, out = io.StringIO(), io.StringIO()
    with redirect_stderr(err), redirect_stdout(out):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        except BaseException as exc:  # noqa: BLE001 - a traceback is what we count
            import traceback

            return -1, "".join(traceback.format_exception(exc))
    return code, err.getvalue()


def fuzz(n: int, seed: int = 1) -> dict:
    from qualcode.cli.main import main
    from qualcode.store.project import Project

    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="qualcode-fuzz-"))
    project = folder / "p.qualcode"
    (folder / "cb.yaml").write_text(
        "codebook:\n  name: Test\ncodes:\n  - name: Oorzaken\n    children:\n      - name: Administratieve last\n"
        "  - name: EVC\n    children:\n      - name: Vrijstelling\n", encoding="utf-8")
    (folder / "t.txt").write_text("Interview test 1\n\nInterviewer: Wat?\n\nKarin: De administratie en een "
                                  "vrijstelling, registratie van toetsen en nog veel meer.\n", encoding="utf-8")
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        main(["init", str(project), "--codebook", str(folder / "cb.yaml")])
        main(["import", str(project), str(folder / "t.txt"), "--name", "Interview test 1"])
    with Project.open(project) as p:
        before = p.digest()
    docx = _docx_bytes()
    kinds = {
        "attributes": (ATTRIBUTES.encode(), ".csv", lambda f: ["attributes", str(project), str(f), "--create-missing"]),
        "codings": (CODINGS.encode(), ".jsonl", lambda f: ["import-codings", str(project), str(f)]),
        "codebook": (CODEBOOK.encode(), ".yaml", lambda f: ["codebook", "import", str(project), str(f)]),
        "transcript": (TRANSCRIPT.encode("utf-8"), ".txt", lambda f: ["import", str(project), str(f), "--name", f.stem]),
        "docx": (docx, ".docx", lambda f: ["import", str(project), str(f), "--name", f.stem]),
    }
    counts = {"inputs": 0, "accepted": 0, "clean_errors": 0, "tracebacks": 0, "unclear": 0, "examples": []}
    for kind, (data, suffix, cmd) in kinds.items():
        for i in range(n):
            f = folder / f"{kind}_{i}{suffix}"
            f.write_bytes(_damage_docx(data, rng) if kind == "docx" else mutate(data, rng))
            with Project.open(project) as p:
                start = p.digest()
            code, err = run_one(cmd(f))
            counts["inputs"] += 1
            if code == -1 or "Traceback" in err:
                counts["tracebacks"] += 1
                counts["examples"].append(f"{kind}: {err[-400:]}")
                continue
            if code == 0:
                counts["accepted"] += 1
                continue
            with Project.open(project) as p:
                unchanged = p.digest() == start
            clear = err.strip().startswith("error:") and len(err.strip().splitlines()) <= 3 and unchanged
            if clear:
                counts["clean_errors"] += 1
            else:
                counts["unclear"] += 1
                counts["examples"].append(f"{kind}: {err[-300:]} (unchanged: {unchanged})")
    counts["project_digest_before"] = before
    return counts


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    result = fuzz(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    print(json.dumps({k: v for k, v in result.items() if k != "examples"}, indent=1))
    for e in result["examples"][:10]:
        print("---", e)
