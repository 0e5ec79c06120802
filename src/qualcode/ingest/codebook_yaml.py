"""Reading and writing codebook YAML files, with errors that name the file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from qualcode.errors import InputError
from qualcode.store.codebook import CodeSpec

CODE_FIELDS = {
    "name", "label", "definition", "inclusion", "exclusion", "examples", "keywords",
    "colour", "color", "domain", "uuid", "children",
}
HEADER_FIELDS = {"name", "label", "language", "description", "version", "authors"}
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
STRING_FIELDS = ("label", "definition", "inclusion", "exclusion", "domain", "uuid")


def _scalar(node, path, field) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(path, "expected a text value", line=node.start_mark.line + 1, field=field)
    return str(node.value).strip() if node.value is not None else ""


def _strings(node, path, field) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        return [node.value.strip()] if node.value.strip() else []
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(path, "expected a list of texts", line=node.start_mark.line + 1, field=field)
    return [_scalar(item, path, field) for item in node.value if _scalar(item, path, field)]


def _mapping(node, path, what) -> list[tuple[str, yaml.Node, int]]:
    if not isinstance(node, yaml.MappingNode):
        raise InputError(path, f"expected {what} (a mapping of fields)", line=node.start_mark.line + 1)
    seen: dict = {}
    out = []
    for k, v in node.value:
        line = k.start_mark.line + 1
        if k.value in seen:
            raise InputError(path, f"the field '{k.value}' appears twice in {what} (first on line {seen[k.value]}); "
                             "keep one", line=line, field=str(k.value))
        seen[k.value] = line
        out.append((k.value, v, line))
    return out


def _code(node, path, trail: str) -> CodeSpec:
    fields = _mapping(node, path, "a code")
    line0 = node.start_mark.line + 1
    keys = [k for k, _, _ in fields]
    if "name" not in keys:
        raise InputError(path, f"a code has no name (under '{trail or 'codes'}')", line=line0, field="name")
    spec = CodeSpec(name="")
    for key, value, line in fields:
        where = f"{trail}/{key}" if trail else key
        if key not in CODE_FIELDS:
            close = [f for f in CODE_FIELDS if f[:3] == key[:3]]
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise InputError(path, f"unknown field '{key}'{hint}", line=line, field=key)
        if key == "name":
            spec.name = _scalar(value, path, key)
            if not spec.name or "/" in spec.name:
                raise InputError(path, "a code name must be non-empty and may not contain '/'", line=line, field="name")
        elif key in ("examples", "keywords"):
            setattr(spec, key, _strings(value, path, key))
        elif key in ("colour", "color"):
            colour = _scalar(value, path, key)
            if colour and not COLOUR.match(colour):
                raise InputError(path, f"colour '{colour}' is not of the form #rrggbb", line=line, field=key)
            spec.colour = colour or None
        elif key == "children":
            if not isinstance(value, yaml.SequenceNode):
                raise InputError(path, "children must be a list of codes", line=line, field=where)
        else:
            setattr(spec, key, _scalar(value, path, key) or ("" if key not in ("domain", "uuid") else None))
    for key, value, line in fields:
        if key == "children":
            spec.children = _codes(value, path, f"{trail}/{spec.name}" if trail else spec.name)
    return spec


def _codes(node, path, trail: str) -> list[CodeSpec]:
    if not isinstance(node, yaml.SequenceNode):
        raise InputError(path, "expected a list of codes", line=node.start_mark.line + 1, field=trail or "codes")
    out = [_code(item, path, trail) for item in node.value]
    seen: dict[str, int] = {}
    for item, spec in zip(node.value, out):
        key = spec.name.casefold()
        if key in seen:
            raise InputError(path, f"the code name '{spec.name}' appears twice under '{trail or 'the top level'}'",
                             line=item.start_mark.line + 1, field="name")
        seen[key] = 1
    return out


def read_codebook(path: str | Path) -> tuple[dict, list[CodeSpec]]:
    """Parse a codebook YAML file into (header, code specs). Raises InputError on any problem."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(path, "no such codebook file") from None
    except UnicodeDecodeError:
        raise InputError(path, "the codebook is not UTF-8 text") from None
    try:
        root = yaml.compose(raw, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(path, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    if root is None:
        raise InputError(path, "the codebook file is empty")
    top = _mapping(root, path, "a codebook with 'codebook' and 'codes'")
    header: dict = {}
    codes: list[CodeSpec] | None = None
    for key, value, line in top:
        if key == "codebook":
            for hk, hv, hline in _mapping(value, path, "the codebook header"):
                if hk not in HEADER_FIELDS:
                    raise InputError(path, f"unknown header field '{hk}'", line=hline, field=f"codebook.{hk}")
                header[hk] = _scalar(hv, path, hk) if isinstance(hv, yaml.ScalarNode) else _strings(hv, path, hk)
        elif key == "codes":
            codes = _codes(value, path, "")
        else:
            raise InputError(path, f"unknown top-level field '{key}' (expected 'codebook' and 'codes')", line=line, field=key)
    if not codes:
        raise InputError(path, "the codebook has no codes (a 'codes' list is required)", field="codes")
    return header, codes


def _spec_dict(spec: CodeSpec) -> dict:
    out: dict = {"name": spec.name}
    for key in ("label", "definition", "inclusion", "exclusion"):
        if getattr(spec, key):
            out[key] = getattr(spec, key)
    for key in ("examples", "keywords"):
        if getattr(spec, key):
            out[key] = list(getattr(spec, key))
    if spec.colour:
        out["colour"] = spec.colour
    if spec.domain:
        out["domain"] = spec.domain
    if spec.uuid:
        out["uuid"] = spec.uuid
    if spec.children:
        out["children"] = [_spec_dict(c) for c in spec.children]
    return out


def write_codebook(path: str | Path, header: dict, specs: list[CodeSpec]) -> None:
    """Write a codebook YAML file (atomically: a temporary file, then a rename)."""
    path = Path(path)
    doc = {"codebook": {k: v for k, v in header.items() if k in HEADER_FIELDS and v},
           "codes": [_spec_dict(s) for s in specs]}
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    from qualcode.store.files import atomic_output

    with atomic_output(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
