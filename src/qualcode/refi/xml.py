"""REFI-QDA XML, read safely and leniently: the helpers shared by the .qdpx and .qdc readers.

Safety: lxml with ``resolve_entities=False, no_network=True, load_dtd=False``, and any document that
carries a DTD (the vehicle of entity bombs and external entities) is refused outright; REFI-QDA files
never have one. Leniency: elements are matched on their local names (every namespace variant seen in
the wild: ``urn:QDA-XML:project:1.0``, ``…:1:0``, ``…:0:4``, ``…:0:10``, or none); GUIDs are compared
in lower case without braces.
"""

from __future__ import annotations

import re
import uuid as uuidlib

from qualcode.errors import InputError
from qualcode.store.codebook import CodeSpec

MAX_XML_BYTES = 200 * 1024 * 1024
GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_RGB = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_XML_BAD = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A namespace for GUIDs qualcode derives itself (users, variables, sets, selections, notes).
QUALCODE_NS = uuidlib.UUID("6c1f6b5e-8f0a-5d4e-9b7a-2f3c4d5e6f70")

# Code fields that REFI-QDA has no place for travel in the code's <Description>, after the
# definition and a blank line, one "Label: value" line each (continuation lines indented by two).
CODE_FIELDS = (("label", "Label"), ("inclusion", "Inclusion"), ("exclusion", "Exclusion"),
               ("domain", "Domain"), ("keywords", "Keywords"), ("examples", "Example"))
_LABELS = {label.casefold(): key for key, label in CODE_FIELDS}
_FIELD_LINE = re.compile(r"^(Label|Inclusion|Exclusion|Domain|Keywords|Example):[ \t]?(.*)$", re.IGNORECASE)


def parse_xml(data: bytes, where: str, root_name: str):
    """Parse ``data`` (an XML document) safely; ``where`` names it in errors. Returns the root.

    The root element must have the local name ``root_name`` (Project or CodeBook).
    """
    from lxml import etree

    if len(data) > MAX_XML_BYTES:
        raise InputError(where, f"the XML is larger than {MAX_XML_BYTES // 2**20} MB; refusing to read it.")
    if not data.strip():
        raise InputError(where, "the XML document is empty.")
    if _declares_dtd(data):
        raise InputError(where, _DTD_REFUSED)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if getattr(exc, "lineno", None) else None
        msg = (getattr(exc, "msg", None) or str(exc)).strip().rstrip(".")
        raise InputError(where, f"not well-formed XML ({msg}).", line=line) from None
    except ValueError as exc:
        raise InputError(where, f"not readable XML ({exc}).") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise InputError(where, _DTD_REFUSED)
    if local(root) != root_name:
        raise InputError(where, f"the root element is <{local(root)}>, not <{root_name}>; this is not a "
                         f"REFI-QDA {'project' if root_name == 'Project' else 'codebook'}.", line=root.sourceline)
    return root


_DTD_REFUSED = ("the XML declares a DTD (<!DOCTYPE …>); REFI-QDA files never do, and DTD entities can be "
                "used to attack a reader, so the file is refused.")


def _declares_dtd(data: bytes) -> bool:
    """A DOCTYPE or ENTITY declaration anywhere (checked before parsing, in UTF-8/ASCII or UTF-16)."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) == 4 and (head[0] == 0 or head[1] == 0)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = data.decode("utf-16-le", errors="ignore")
        return "<!DOCTYPE" in text or "<!ENTITY" in text
    return b"<!DOCTYPE" in data or b"<!ENTITY" in data


def local(el) -> str:
    """The local name of an element ('' for comments and processing instructions)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def kids(el, *names: str) -> list:
    if el is None:
        return []
    return [c for c in el if local(c) in names]


def kid(el, name: str):
    for c in kids(el, name):
        return c
    return None


def child_text(el, name: str) -> str:
    c = kid(el, name)
    return (c.text or "") if c is not None else ""


def norm_guid(value: str | None) -> str | None:
    """'{ABCDEF01-…}' → 'abcdef01-…'; None for a missing or malformed GUID."""
    if not value:
        return None
    m = GUID_RE.match(value.strip())
    return m.group(1).lower() if m else None


def derived_guid(*parts: str) -> str:
    """A stable GUID derived from names (uuid5 in qualcode's own namespace)."""
    return str(uuidlib.uuid5(QUALCODE_NS, "\x1f".join(parts)))


def norm_colour(value: str | None) -> str | None:
    """'#abc' / 'ABCDEF' → '#aabbcc'; None when it is not an RGB colour."""
    if not value:
        return None
    m = _RGB.match(value.strip())
    if not m:
        return None
    hexes = m.group(1).lower()
    if len(hexes) == 3:
        hexes = "".join(ch * 2 for ch in hexes)
    return "#" + hexes


def xml_text(value: str | None) -> str:
    """Text made safe for XML 1.0 (characters XML cannot carry are dropped)."""
    return _XML_BAD.sub("", value or "")


def as_int(el, name: str) -> int | None:
    value = el.get(name)
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


# --- code descriptions ---------------------------------------------------------------------------


def describe_code(spec: CodeSpec) -> str:
    """The text of a code's <Description>: the definition, then the fields REFI-QDA lacks."""
    lines: list[str] = []

    def add(label: str, value: str) -> None:
        first, *rest = value.strip().split("\n")
        lines.append(f"{label}: {first}".rstrip())
        lines.extend(f"  {r}" for r in rest)

    for key, label in CODE_FIELDS:
        value = getattr(spec, key)
        if key == "keywords" and value:
            add(label, "; ".join(value))
        elif key == "examples":
            for example in value or []:
                add(label, example)
        elif value:
            add(label, value)
    parts = [p for p in (spec.definition.strip(), "\n".join(lines)) if p]
    return "\n\n".join(parts)


def parse_code_description(text: str) -> dict:
    """The inverse of :func:`describe_code`: definition plus any trailing field lines."""
    out: dict = {"definition": "", "label": "", "inclusion": "", "exclusion": "", "domain": None,
                 "keywords": [], "examples": []}
    lines = (text or "").strip().replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = None
    for i in range(len(lines) - 1, -1, -1):
        if (i == 0 or not lines[i - 1].strip()) and _FIELD_LINE.match(lines[i]):
            if all(_FIELD_LINE.match(x) or x.startswith("  ") for x in lines[i:]):
                start = i
            break
        if not (_FIELD_LINE.match(lines[i]) or lines[i].startswith("  ")):
            break
    if start is None:
        out["definition"] = "\n".join(lines).strip()
        return out
    out["definition"] = "\n".join(lines[:start]).strip()
    fields: list[tuple[str, list[str]]] = []
    for line in lines[start:]:
        m = _FIELD_LINE.match(line)
        if m:
            fields.append((_LABELS[m.group(1).casefold()], [m.group(2)]))
        else:
            fields[-1][1].append(line[2:])
    for key, parts in fields:
        value = "\n".join(parts).strip()
        if key == "keywords":
            out["keywords"].extend(k.strip() for k in value.split(";") if k.strip())
        elif key == "examples":
            if value:
                out["examples"].append(value)
        else:
            out[key] = value or (None if key == "domain" else "")
    return out


# --- the code tree -----------------------------------------------------------------------------


class CodeReader:
    """Turns <Codes> into CodeSpecs with project-safe names and unique uuids.

    ``by_guid`` maps each normalised XML GUID to its spec; ``paths`` maps spec ids to name paths;
    ``notes`` maps a code's GUID to the GUIDs of notes it references; ``warnings`` explains every
    change made to fit qualcode (a renamed duplicate, a '/' in a name, a missing GUID).
    """

    def __init__(self, where: str):
        self.where = where
        self.by_guid: dict[str, CodeSpec] = {}
        self.paths: dict[int, str] = {}
        self.notes: dict[str, list[str]] = {}
        self.warnings: list[str] = []
        self.count = 0
        self.not_codable = 0

    def read(self, codes_el) -> list[CodeSpec]:
        return self._level(kids(codes_el, "Code"), "")

    def _level(self, elements, prefix: str) -> list[CodeSpec]:
        specs: list[CodeSpec] = []
        seen: dict[str, int] = {}
        from qualcode.domain.codebook import normalise_name

        for el in elements:
            self.count += 1
            raw_name = (el.get("name") or "").strip()
            name = raw_name.replace("/", "∕") or "(unnamed code)"
            if name != raw_name:
                self.warnings.append(f"code '{raw_name}' (line {el.sourceline}) renamed '{name}' "
                                     "(qualcode code names cannot be empty or contain '/').")
            key = normalise_name(name)
            if key in seen:
                seen[key] += 1
                new = f"{name} ({seen[key]})"
                self.warnings.append(f"code '{name}' appears twice under '{prefix or 'the top level'}' "
                                     f"(line {el.sourceline}); the second is imported as '{new}'.")
                name = new
            else:
                seen[key] = 1
            if (el.get("isCodable") or "true").strip().lower() in ("false", "0"):
                self.not_codable += 1
            guid = norm_guid(el.get("guid"))
            if guid is None or guid in self.by_guid:
                what = "has no valid GUID" if guid is None else f"repeats the GUID {guid}"
                self.warnings.append(f"code '{name}' (line {el.sourceline}) {what}; it gets a new one.")
                uid = str(uuidlib.uuid4())
            else:
                uid = guid
            fields = parse_code_description(child_text(el, "Description"))
            spec = CodeSpec(name=name, label=fields["label"], definition=fields["definition"],
                            inclusion=fields["inclusion"], exclusion=fields["exclusion"],
                            examples=fields["examples"], keywords=fields["keywords"],
                            colour=norm_colour(el.get("color")), domain=fields["domain"], uuid=uid)
            if guid is not None and guid not in self.by_guid:
                self.by_guid[guid] = spec
            path = f"{prefix}/{name}" if prefix else name
            self.paths[id(spec)] = path
            refs = [g for g in (norm_guid(n.get("targetGUID")) for n in kids(el, "NoteRef")) if g]
            if refs:
                self.notes[uid] = refs
            spec.children = self._level(kids(el, "Code"), path)
            specs.append(spec)
        return specs
