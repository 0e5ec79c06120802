"""The merge mapping: which codes are the same (a CSV with columns from,to) and which coder name
a file's codings belong to (``--coder-map`` or ``coder:`` rows in the same CSV).

CSV rows (an optional ``kind`` column may say ``code`` or ``coder``; otherwise a ``from`` value
starting with ``coder:`` is a coder row):

    from,to
    werkdruk / Administratieve last,Werkdruk/Administratie     # merge this code into that one
    Loopbaan/Scholing,                                          # empty `to`: a different code; stop reporting it
    coder:coders/anna.qualcode,anna2                            # every coding made in that file is by anna2
    coder:bram.qualcode:default,bram                            # only its codings by "default"

Code ``from`` values are code paths (or uuids) in an input file or in the target; ``to`` is a
code path (or uuid) in the target or in an input. Coder ``FILE`` is an input as given on the
command line or its file name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.domain.codebook import normalise_path
from qualcode.errors import InputError, ProjectError


@dataclass(frozen=True)
class CodeRule:
    source: str  # normalised path or uuid
    target: str | None  # normalised path or uuid; None = keep separate
    line: int | None = None
    raw_from: str = ""
    raw_to: str = ""


@dataclass(frozen=True)
class CoderRule:
    file: str
    old: str | None  # None: every coding made in the file
    new: str
    origin: str = "--coder-map"


@dataclass
class Mapping:
    codes: list[CodeRule] = field(default_factory=list)
    coders: list[CoderRule] = field(default_factory=list)
    path: str | None = None


def _key(value: str) -> str:
    value = value.strip()
    return value if _looks_like_uuid(value) else normalise_path(value)


def _looks_like_uuid(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


def read_mapping(path: str | Path) -> Mapping:
    from qualcode.ingest.encoding import canonicalise, read_text_file

    path = Path(path)
    if not path.is_file():
        raise InputError(path, "the mapping file does not exist.")
    reader = csv.DictReader(io.StringIO(canonicalise(read_text_file(path))))
    cols = [c.strip().lower() for c in reader.fieldnames or []]
    if "from" not in cols or "to" not in cols:
        raise InputError(path, "a mapping file needs the columns from,to", line=1, field="from" if "from" not in cols else "to")
    out = Mapping(path=str(path))
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        src, dst, kind = row.get("from", ""), row.get("to", ""), row.get("kind", "").lower()
        if not src and not dst:
            continue
        if not src:
            raise InputError(path, "the 'from' value is empty", line=line, field="from")
        if kind == "coder" or (kind in ("", "coder") and src.lower().startswith("coder:")):
            if not dst:
                raise InputError(path, "a coder row needs the new coder name in 'to'", line=line, field="to")
            body = src[6:] if src.lower().startswith("coder:") else src
            out.coders.append(_coder_rule(body, dst, f"{path.name} line {line}"))
        elif kind in ("", "code"):
            target = None if dst in ("", "-") else _key(dst)
            out.codes.append(CodeRule(_key(src), target, line, src, dst))
        else:
            raise InputError(path, f"unknown kind '{kind}' (use code or coder)", line=line, field="kind")
    return out


def _coder_rule(body: str, new: str, origin: str) -> CoderRule:
    file, sep, old = body.rpartition(":")
    if not sep or not file or "/" in old or "\\" in old or old.endswith(".qualcode"):
        file, old = body, None
    return CoderRule(file.strip(), (old or "").strip() or None, new.strip(), origin)


def parse_coder_maps(values: list[str]) -> list[CoderRule]:
    """``FILE=NAME`` or ``FILE:OLD=NEW`` (from ``--coder-map``)."""
    rules = []
    for value in values:
        body, sep, new = value.rpartition("=")
        if not sep or not body.strip() or not new.strip():
            raise ProjectError(f"--coder-map '{value}': write FILE=NAME or FILE:OLD=NEW.")
        rules.append(_coder_rule(body, new, f"--coder-map {value}"))
    return rules


def match_file(rule_file: str, labels: list[str]) -> str | None:
    """The input label a coder rule names: the same path as given, or the same file name."""
    for label in labels:
        if rule_file == label or Path(rule_file) == Path(label):
            return label
    hits = [label for label in labels if Path(label).name.casefold() == Path(rule_file).name.casefold()]
    if len(hits) > 1:
        raise ProjectError(f"coder mapping '{rule_file}' matches several inputs ({', '.join(hits)}); give the path.")
    return hits[0] if hits else None
