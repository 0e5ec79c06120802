"""Small helpers shared by merge, handout and re-anchoring: fingerprints and file identities."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

# The code fields a merge compares (position is layout, not content; colour is compared too).
CODE_FIELDS = ("name", "parent", "label", "definition", "inclusion", "exclusion", "examples", "keywords",
               "colour", "domain")
SEP = "\x1f"


def fingerprint(*values) -> str:
    """A short, stable hash of a version of something (to tell whether it changed); None and ""
    count as the same (an empty memo or definition). Values are strings, numbers and None."""
    data = repr(tuple("" if v is None else v for v in values))
    return hashlib.blake2b(data.encode("utf-8"), digest_size=8).hexdigest()


def coding_fp(row: dict) -> str:
    return fingerprint(row["document"], row["code"], row["coder"], row["start"], row["end"], row.get("memo") or "")


def attr_key(owner_type: str, owner: str, key: str) -> str:
    return SEP.join((owner_type, owner or "", key))


@lru_cache(maxsize=4096)
def source_key(label: str | None) -> str:
    """The identity of an origin file: its file name, case-insensitive (paths differ between runs)."""
    return Path(label).name.casefold() if label else ""


def file_sha256(path: str | Path) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None


def base_rows(snap: dict) -> list[tuple[str, str, str]]:
    """Fingerprints of everything a project holds, for a handout's base."""
    rows = [("document", u, d["sha256"]) for u, d in snap["documents"].items()]
    rows += [("coding", u, coding_fp(c)) for u, c in snap["codings"].items()]
    rows += [(f"code:{f}", u, fingerprint(c[f])) for u, c in snap["codes"].items() for f in CODE_FIELDS]
    rows += [("memo", u, fingerprint(m["text"])) for u, m in snap["memos"].items()]
    rows += [("attribute", attr_key(*k), fingerprint(*v)) for k, v in snap["attributes"].items()]
    return rows


class Source:
    """One input of a merge: its label (the path as given), identity key and snapshot."""

    def __init__(self, label: str, snap: dict, sha256: str | None = None):
        self.label = label
        self.key = source_key(label)
        self.snap = snap
        self.sha256 = sha256
        handout = snap.get("handout") or {}
        self.owner: str | None = handout.get("coder")
        self.base: dict = snap.get("base") or {}

    def __repr__(self) -> str:
        return f"Source({self.label!r})"


def display_paths(codes: dict) -> dict[str, str]:
    """Display path (``Theme/Code``) of every code row, following parent links."""
    out: dict[str, str] = {}
    for uuid in codes:
        chain, cur = [], uuid
        while cur in codes and cur not in out and cur not in chain:
            chain.append(cur)
            cur = codes[cur]["parent"]
        prefix = out.get(cur, "") if cur in out else ""
        for u in reversed(chain):
            prefix = f"{prefix}/{codes[u]['name']}" if prefix else codes[u]["name"]
            out[u] = prefix
    return out


def depth_order(codes: dict) -> list[str]:
    """Code uuids with every parent before its children."""
    paths = display_paths(codes)
    return sorted(codes, key=lambda u: (paths[u].count("/"), paths[u], u))
