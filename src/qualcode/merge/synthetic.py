"""Synthetic studies and coder copies for the team tests and benchmarks (no randomness outside ``seed``)."""

from __future__ import annotations

import random
import re
from pathlib import Path

WORDS = ("werkdruk administratie klas leerlingen leraar onderwijsassistent school team directeur ouders "
         "rekenen lezen taal instructie ondersteuning hulp taken uren pabo scholing loopbaan salaris schaal "
         "begeleiding groepje zorg tekort invaller vervanging overleg vergadering toetsen plannen rapport").split()
CODES = ("Werkdruk", "Werkdruk/Administratie", "Werkdruk/Lerarentekort", "Toegevoegde waarde",
         "Toegevoegde waarde/Extra handen", "Loopbaan", "Loopbaan/Scholing")


def transcript(rng: random.Random, turns: int = 12, respondent: str = "Sanne") -> str:
    parts = []
    for i in range(turns):
        who = "Interviewer" if i % 2 == 0 else respondent
        n = rng.randint(6, 14) if i % 2 == 0 else rng.randint(20, 60)
        words = [rng.choice(WORDS) + (str(rng.randint(1, 999)) if rng.random() < 0.3 else "") for _ in range(n)]
        parts.append(f"{who}: " + " ".join(words).capitalize() + ".")
    return "\n\n".join(parts) + "\n"


def make_study(path: str | Path, docs: int = 3, turns: int = 12, seed: int = 0, codes=CODES) -> Path:
    from qualcode.ingest.turns import detect_turns
    from qualcode.store.project import Project

    rng = random.Random(seed)
    with Project.create(path, language="nl", name="synthetic study") as project, project.transaction():
        for code in codes:
            parent, _, name = code.rpartition("/")
            project.codebook.add(name, parent=parent or None, definition=f"definitie van {name.lower()}")
        for d in range(docs):
            text = transcript(rng, turns, respondent=f"R{d + 1}")
            project.documents.add(f"Interview {d + 1}", text, detect_turns(text))
    return Path(path)


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+", text)]


def random_codings(project, coder: str, n: int, seed: int, max_words: int = 25, docs: list | None = None) -> list:
    """``n`` codings on word boundaries (whole words, 1..max_words), spread over documents and codes."""
    from qualcode.store.codings import NewCoding

    rng = random.Random(seed)
    documents = [project.documents.get(d) for d in (docs or project.documents.names())]
    words = {d.uuid: word_spans(d.text) for d in documents}
    codes = [c.uuid for c in project.codebook.tree()]
    items, seen = [], set()
    for _ in range(n * 3):
        if len(items) >= n:
            break
        doc = rng.choice(documents)
        spans = words[doc.uuid]
        i = rng.randrange(len(spans))
        j = min(len(spans) - 1, i + rng.randint(0, max_words - 1))
        key = (doc.uuid, rng.choice(codes), spans[i][0], spans[j][1])
        if key in seen:
            continue
        seen.add(key)
        items.append(NewCoding(key[0], key[1], coder, key[2], key[3]))
    return items
