"""The codebook tree: paths, lookup and ordering over a flat list of codes. No I/O."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from qualcode.domain.models import Code

SEP = "/"


def normalise_name(name: str) -> str:
    """Case-, accent-width- and space-insensitive key for a code name."""
    name = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"\s+", " ", name).strip()


def normalise_path(path: str) -> str:
    return SEP.join(normalise_name(part) for part in path.split(SEP) if part.strip())


class CodeTree:
    """An immutable view of the codebook: parents, children, paths and depth-first order."""

    def __init__(self, codes: Iterable[Code]):
        self.by_uuid: dict[str, Code] = {c.uuid: c for c in codes}
        self.children: dict[str | None, list[Code]] = {}
        for code in self.by_uuid.values():
            parent = code.parent if code.parent in self.by_uuid else None
            self.children.setdefault(parent, []).append(code)
        for kids in self.children.values():
            kids.sort(key=lambda c: (c.position, c.name.casefold()))
        self._paths: dict[str, str] = {}
        self._order: list[Code] = []
        self._depth: dict[str, int] = {}
        self._walk(None, "", 0)
        self._by_path = {normalise_path(p): u for u, p in self._paths.items()}

    def _walk(self, parent: str | None, prefix: str, depth: int) -> None:
        for code in self.children.get(parent, []):
            path = f"{prefix}{SEP}{code.name}" if prefix else code.name
            self._paths[code.uuid] = path
            self._depth[code.uuid] = depth
            self._order.append(code)
            self._walk(code.uuid, path, depth + 1)

    def __len__(self) -> int:
        return len(self.by_uuid)

    def __iter__(self) -> Iterator[Code]:
        """Depth-first, in codebook order."""
        return iter(self._order)

    def __contains__(self, uuid: str) -> bool:
        return uuid in self.by_uuid

    def path(self, uuid: str) -> str:
        return self._paths[uuid]

    def depth(self, uuid: str) -> int:
        return self._depth[uuid]

    def roots(self) -> list[Code]:
        return list(self.children.get(None, []))

    def kids(self, uuid: str | None) -> list[Code]:
        return list(self.children.get(uuid, []))

    def theme(self, uuid: str) -> Code:
        """The top-level ancestor of a code (itself when it is a root)."""
        code = self.by_uuid[uuid]
        while code.parent in self.by_uuid:
            code = self.by_uuid[code.parent]
        return code

    def ancestors(self, uuid: str) -> list[Code]:
        out = []
        code = self.by_uuid[uuid]
        while code.parent in self.by_uuid:
            code = self.by_uuid[code.parent]
            out.append(code)
        return out

    def descendants(self, uuid: str) -> list[Code]:
        out: list[Code] = []
        stack = list(reversed(self.kids(uuid)))
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(self.kids(code.uuid)))
        return out

    def find(self, ref: str) -> Code | None:
        """A code by uuid, by full path, or by a name (or path tail) that is unique."""
        if ref in self.by_uuid:
            return self.by_uuid[ref]
        key = normalise_path(ref)
        if key in self._by_path:
            return self.by_uuid[self._by_path[key]]
        hits = [u for p, u in self._by_path.items() if p == key or p.endswith(SEP + key)]
        if len(hits) == 1:
            return self.by_uuid[hits[0]]
        return None

    def candidates(self, ref: str) -> list[str]:
        """Paths that end with ``ref`` (to explain an ambiguous reference)."""
        key = normalise_path(ref)
        return sorted(self._paths[u] for p, u in self._by_path.items() if p.endswith(SEP + key) or p == key)
