"""Words in the material that may be names of people or places, for ``qualcode names``.

A candidate is a capitalised word (``Priscilla``, ``Zwolle``; not ALL-CAPS) that

- is not at the start of a sentence, a line or a quotation (where every word is capitalised),
- is not in the language's word list (spaCy's lemma tables from ``spacy-lookups-data``, which
  qualcode already needs), and
- never occurs in lower case in the project (``Werkdruk`` in a heading is still a word),

and runs of such words (``Van der Berg`` is one candidate when the particles join them) count as
one. Speakers (their labels) are listed too. Candidates already in the names list, or that are
respondents' or speakers' names (replaced anyway), are marked as such.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from qualcode.ingest.turns import is_role_label

WORD = re.compile(r"[^\W\d_][\w'’-]*")
SENTENCE_END = set(".!?:;…\"“”‘'([—–-•*")
PARTICLES = {"van", "de", "der", "den", "ten", "ter", "te", "von", "da", "di", "du", "le", "la", "del", "dos"}


@dataclass
class Candidate:
    name: str
    count: int = 0
    documents: set[str] = field(default_factory=set)
    contexts: list[str] = field(default_factory=list)
    status: str = ""  # "", "listed" (in the names list), "speaker" (replaced as a speaker)


@lru_cache(maxsize=4)
def word_list(language: str) -> frozenset[str]:
    """Lower-case words (and their lemmas) of the language; empty when the tables are missing."""
    try:
        import spacy_lookups_data
    except ImportError:
        return frozenset()
    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{language}_lemma_lookup.json.gz"
    if not path.exists():
        return frozenset()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    words = {k.casefold() for k in table}
    words.update(v.casefold() for v in table.values())
    return frozenset(words)


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    return text[i] in SENTENCE_END


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width):start].split("\n")[-1]
    right = text[end:end + width].split("\n")[0]
    return f"…{left}{text[start:end]}{right}…".replace("\t", " ")


def find_candidates(texts: dict[str, str], language: str, known: dict[str, str] | None = None,
                    contexts: int = 3) -> list[Candidate]:
    """Candidates over ``texts`` (document label -> text), most frequent first. ``known`` maps
    names (folded) to a status ("listed", "speaker") to mark."""
    known = known or {}
    words = word_list(language)
    lower_seen: set[str] = set()
    tokens: list[tuple[str, int, int, str]] = []  # (document, start, end, word)
    for doc, text in texts.items():
        for m in WORD.finditer(text):
            w = m.group(0)
            if w[0].islower():
                lower_seen.add(w.casefold())
            tokens.append((doc, m.start(), m.end(), w))
    found: dict[str, Candidate] = {}

    def looks_like_name(w: str) -> bool:
        core = w[:-2] if w.endswith(("'s", "’s")) else w
        if len(core) < 2 or not core[0].isupper() or core.isupper():
            return False
        parts = [x for x in core.split("-") if x]
        if len(parts) > 1 and any(x[0].islower() or x.isupper() for x in parts):
            return False  # 'NPO-geld', 'Excel-lijst', 'EVC-traject': compounds, not names
        return core.casefold() not in words and core.casefold() not in lower_seen and not is_role_label(core)

    i = 0
    while i < len(tokens):
        doc, start, end, w = tokens[i]
        text = texts[doc]
        if not looks_like_name(w) or _sentence_initial(text, start):
            i += 1
            continue
        # join a following run: "Van der Berg", "De Wit" after a name, "Den Haag"
        j, last_end = i + 1, end
        while j < len(tokens) and tokens[j][0] == doc and text[last_end:tokens[j][1]] == " ":
            nxt = tokens[j][3]
            if looks_like_name(nxt):
                last_end, j = tokens[j][2], j + 1
                continue
            if nxt.casefold() in PARTICLES and j + 1 < len(tokens) and looks_like_name(tokens[j + 1][3]) \
                    and text[tokens[j][2]:tokens[j + 1][1]] == " ":
                last_end, j = tokens[j + 1][2], j + 2
                continue
            break
        if i > 0 and tokens[i - 1][0] == doc and tokens[i - 1][3].casefold() in PARTICLES \
                and tokens[i - 1][3][0].isupper() and text[tokens[i - 1][2]:start] == " " \
                and not _sentence_initial(text, tokens[i - 1][1]):
            start = tokens[i - 1][1]  # 'Den Haag', 'Van Dijk' in mid-sentence
        name = text[start:last_end]
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        cand = found.setdefault(name, Candidate(name))
        cand.count += 1
        cand.documents.add(doc)
        if len(cand.contexts) < contexts:
            cand.contexts.append(_context(text, start, last_end))
        i = j
    for cand in found.values():
        cand.status = known.get(cand.name.casefold(), "")
    return sorted(found.values(), key=lambda c: (-c.count, c.name.casefold()))


def project_candidates(project, contexts: int = 3) -> list[Candidate]:
    """Candidates in every document of the project, plus the speakers who are people."""
    docs = project.reads.documents()
    texts_by_uuid = project.reads.texts([d[0] for d in docs])
    labels = {d[0]: d[1] for d in docs}
    texts = {labels[u]: t for u, t in texts_by_uuid.items()}
    known: dict[str, str] = {}
    people = set()
    for _uuid, name, role in project.reads.cases():
        if not is_role_label(name):
            people.add(name)
    for _doc, label, _case in project.reads.speakers():
        if not is_role_label(label):
            people.add(label)
    for name in people:
        known[name.casefold()] = "speaker"
        for part in name.split():
            if part[:1].isupper() and part.casefold() not in PARTICLES:
                known.setdefault(part.casefold(), "speaker")
    for entry in project.names.all():
        known[entry.name.casefold()] = "listed"
    out = find_candidates(texts, project.language, known, contexts)
    present = {c.name.casefold() for c in out}
    for name in sorted(people, key=str.casefold):  # speakers, even when never named in the text
        if name.casefold() not in present:
            out.append(Candidate(name, 0, set(), [], "speaker"))
    return out
