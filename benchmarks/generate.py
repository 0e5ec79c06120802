"""Synthetic projects at realistic and large scale, for the benchmarks.

    python benchmarks/generate.py out.qualcode --docs 200 --words 6000 --codings 50000

Transcripts are Dutch-like interview text built from the study codebook's keywords and common
words, with alternating speaker turns; codings fall on word boundaries inside turns, spread over
codes and coders (later coders copy an earlier coder's coding with some probability, so that
agreement figures are neither 0 nor 1).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FILLER = (
    "de het een en van in is dat op te zijn met voor niet aan er om ook als bij maar dan nog wel "
    "ik je we ze hij zij dit die naar uit kan moet wordt heeft hebben worden school klas kinderen "
    "leerlingen leraar juf meester groep dag week jaar tijd echt gewoon eigenlijk eh nou ja zeg "
    "maar dus toen want omdat heel veel weinig goed lastig fijn moeilijk samen team directeur "
    "ouders les lessen rekenen lezen taal instructie ondersteuning hulp werk taken uren"
).split()


def vocabulary() -> list[str]:
    words = list(FILLER)
    codebook = ROOT / "codebooks" / "onderwijsassistenten.yaml"
    if codebook.exists():
        import yaml

        def walk(codes):
            for c in codes:
                for k in c.get("keywords", []):
                    words.extend(k.split())
                walk(c.get("children", []))

        walk(yaml.safe_load(codebook.read_text(encoding="utf-8"))["codes"])
    return words


def transcript_text(rng: random.Random, words: int, vocab: list[str], speakers: list[str]) -> str:
    """A transcript of about ``words`` words as `Speaker: text` paragraphs."""
    parts, total, turn = [], 0, 0
    while total < words:
        n = rng.randint(8, 40) if turn % 2 == 0 else rng.randint(30, 220)
        n = min(n, words - total) or 1
        body = " ".join(rng.choice(vocab) for _ in range(n))
        sentences = body.split(" ")
        text = ""
        for i, w in enumerate(sentences):
            text += w + ("." if (i + 1) % rng.randint(9, 16) == 0 else "") + " "
        speaker = speakers[0] if turn % 2 == 0 else rng.choice(speakers[1:])
        parts.append(f"{speaker}: {text.strip().capitalize()}.")
        total += n
        turn += 1
    return "\n\n".join(parts) + "\n"


def generate_project(path: Path, docs: int = 100, words: int = 3000, codings: int = 20000,
                     coders: tuple[str, ...] = ("anna", "bram", "chris"), codes: int = 60,
                     seed: int = 1, focus_share: float = 0.2) -> Path:
    from qualcode.ingest.turns import detect_turns
    from qualcode.store.codings import NewCoding
    from qualcode.store.project import Project

    rng = random.Random(seed)
    vocab = vocabulary()
    path.unlink(missing_ok=True)
    project = Project.create(path, language="nl", name=f"synthetic {docs}x{words}")
    with project.transaction():
        themes = [project.codebook.add(f"Thema {t + 1}") for t in range(max(1, codes // 10))]
        code_ids = [t.uuid for t in themes]
        for i in range(codes - len(themes)):
            code_ids.append(project.codebook.add(f"Code {i + 1}", parent=themes[i % len(themes)].uuid).uuid)
        doc_turns = []
        for d in range(docs):
            focus = rng.random() < focus_share
            speakers = ["Interviewer"] + ([f"R{d}-{k}" for k in range(5)] if focus else [f"R{d}"])
            text = transcript_text(rng, words, vocab, speakers)
            turns = detect_turns(text)
            doc, _ = project.documents.add(f"Transcript {d + 1:04d}", text, turns,
                                          kind="focus_group" if focus else "interview")
            doc_turns.append((doc.uuid, text, [t for t in turns if t.speaker != "Interviewer"]))
    lengths = {doc_id: len(text) for doc_id, text, _ in doc_turns}
    items, seen = [], set()
    per_coder = max(1, codings // len(coders))
    first: list[tuple] = []
    for ci, coder in enumerate(coders):
        for k in range(per_coder):
            if ci > 0 and first and rng.random() < 0.6:
                doc_id, code, start, end = first[k % len(first)]
                start = max(0, start + rng.randint(-15, 15))
                end = min(lengths[doc_id], max(start + 1, end + rng.randint(-15, 15)))
            else:
                doc_id, text, turns = rng.choice(doc_turns)
                turn = rng.choice(turns)
                start = rng.randint(turn.start, max(turn.start, turn.end - 40))
                end = min(turn.end, start + rng.randint(40, 600))
                code = rng.choice(code_ids)
            key = (doc_id, code, coder, start, end)
            if key in seen or end <= start:
                continue
            seen.add(key)
            if ci == 0:
                first.append((doc_id, code, start, end))
            items.append(NewCoding(doc_id, code, coder, start, end))
    project.codings.add_many(items, skip_duplicates=True, undoable=False, description="synthetic codings")
    project.close()
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output", type=Path)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--words", type=int, default=3000)
    ap.add_argument("--codings", type=int, default=20000)
    ap.add_argument("--codes", type=int, default=60)
    ap.add_argument("--coders", default="anna,bram,chris")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    generate_project(a.output, a.docs, a.words, a.codings, tuple(a.coders.split(",")), a.codes, a.seed)
    print(f"wrote {a.output}")


if __name__ == "__main__":
    main()
