"""Which codes become columns: ``themes``, ``codes`` or named code paths (each with its sub-codes)."""

from __future__ import annotations

from dataclasses import dataclass

from qualcode.errors import ProjectError


@dataclass(frozen=True)
class Column:
    label: str
    code: str  # the code the column is named after
    codes: frozenset[str]  # that code and the sub-codes rolled up into it
    theme: str  # uuid of its top-level theme

    @property
    def rollup(self) -> bool:
        return len(self.codes) > 1


def resolve_columns(data, spec: list[str] | None, used_only: bool = True) -> list[Column]:
    """``["themes"]``, ``["codes"]`` (every code with passages, or every code with
    ``used_only=False``) or a list of code references (each rolls up its sub-codes)."""
    spec = list(spec or ["themes"])
    tree = data.tree
    keywords = [s for s in spec if s.casefold() in ("themes", "codes")]
    if keywords and len(spec) > 1:
        raise ProjectError("--columns takes either 'themes', 'codes' or a list of code paths, not a mix.")
    if not len(tree):
        raise ProjectError("the project has no codebook yet; load one with 'qualcode codebook import'.")
    if keywords and keywords[0].casefold() == "themes":
        return [_subtree(tree, root.uuid, root.name) for root in tree.roots()]
    if keywords:
        used = {p.code for p in data.passages}
        codes = [c for c in tree if not used_only or c.uuid in used]
        return [Column(label(tree, c.uuid), c.uuid, frozenset([c.uuid]), tree.theme(c.uuid).uuid) for c in codes]
    out = []
    for ref in spec:
        code = tree.find(ref)
        if code is None:
            options = tree.candidates(ref)
            if len(options) > 1:
                raise ProjectError(f"code '{ref}' is ambiguous: it could be {', '.join(options[:5])}.")
            raise ProjectError(f"no code '{ref}' in the codebook (see 'qualcode codebook show').")
        out.append(_subtree(tree, code.uuid, label(tree, code.uuid)))
    return out


def theme_columns(data, theme_uuid: str) -> list[Column]:
    """The columns of one theme's sheet: the theme's own codings (if any), then each sub-code."""
    tree = data.tree
    theme = tree.by_uuid[theme_uuid]
    out = []
    if any(p.code == theme_uuid for p in data.passages) or not tree.kids(theme_uuid):
        out.append(Column(theme.name, theme.uuid, frozenset([theme.uuid]), theme.uuid))
    out += [_subtree(tree, kid.uuid, kid.name) for kid in tree.kids(theme_uuid)]
    return out


def _subtree(tree, uuid: str, name: str) -> Column:
    codes = frozenset([uuid] + [c.uuid for c in tree.descendants(uuid)])
    return Column(name, uuid, codes, tree.theme(uuid).uuid)


def label(tree, uuid: str) -> str:
    """A code's name, or its path when another code has the same name."""
    return labels(tree)[uuid]


_LABELS: dict[int, tuple[object, dict[str, str]]] = {}


def labels(tree) -> dict[str, str]:
    """Every code's display label (see :func:`label`), computed once per code tree."""
    cached = _LABELS.get(id(tree))
    if cached is not None and cached[0] is tree:
        return cached[1]
    counts: dict[str, int] = {}
    for c in tree:
        counts[c.name.casefold()] = counts.get(c.name.casefold(), 0) + 1
    out = {c.uuid: (tree.path(c.uuid) if counts[c.name.casefold()] > 1 else c.name) for c in tree}
    _LABELS.clear()
    _LABELS[id(tree)] = (tree, out)
    return out
