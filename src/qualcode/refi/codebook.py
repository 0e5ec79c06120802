"""REFI-QDA codebooks (.qdc): read leniently, write strictly.

Reading takes any namespace variant and GUIDs in any case; the definition and the fields REFI-QDA
has no place for (label, inclusion, exclusion, domain, keywords, examples) travel in each code's
``<Description>`` (see :func:`qualcode.refi.xml.describe_code`), so a qualcode codebook
survives a round trip and other tools still show all of it. Writing: valid against Codebook.xsd,
UTF-8 without BOM, LF line ends, no empty ``<Sets/>``, every code's GUID its qualcode uuid.
"""

from __future__ import annotations

import os
import re
import uuid as uuidlib
from pathlib import Path

from qualcode.errors import InputError, ProjectError
from qualcode.refi.xml import CodeReader, describe_code, kid, norm_colour, norm_guid, parse_xml, xml_text
from qualcode.store.codebook import CodeSpec

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
MAX_QDC_BYTES = 50 * 1024 * 1024
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def read_qdc(path) -> tuple[dict, list[CodeSpec]]:
    """Parse a .qdc into (header, code specs). Raises InputError naming the file (and line)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "no such codebook file.")
    if path.stat().st_size > MAX_QDC_BYTES:
        raise InputError(path, f"the codebook is larger than {MAX_QDC_BYTES // 2**20} MB; refusing to read it.")
    root = parse_xml(path.read_bytes(), str(path), "CodeBook")
    codes = kid(root, "Codes")
    reader = CodeReader(str(path))
    specs = reader.read(codes) if codes is not None else []
    if not specs:
        raise InputError(path, "the codebook has no codes (a <Codes> element with <Code>s is required).",
                         line=root.sourceline)
    header: dict = {}
    if root.get("origin"):
        header["origin"] = root.get("origin").strip()
    return header, specs


def code_guid(spec: CodeSpec) -> str:
    """The GUID a code is written with: its uuid when that is a GUID, else one derived from it."""
    return norm_guid(spec.uuid) or str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"qualcode:code:{spec.uuid or spec.name}"))


def colour_hex(colour: str | None) -> str | None:
    """A colour as #rrggbb: hex colours as they are, colour names through rich (None if unknown)."""
    hexed = norm_colour(colour)
    if hexed or not colour:
        return hexed
    try:
        from rich.color import Color

        return Color.parse(colour).get_truecolor().hex
    except Exception:
        return None


def code_element(parent, ns: str, spec: CodeSpec, note_refs=None):
    """Append <Code> for ``spec`` (and its children) under ``parent``. ``note_refs(uuid)`` lists the
    GUIDs of notes on the code (project files only; codebooks have no NoteRef)."""
    from lxml import etree

    el = etree.SubElement(parent, f"{{{ns}}}Code", guid=code_guid(spec), name=xml_text(spec.name), isCodable="true")
    colour = colour_hex(spec.colour)
    if colour:
        el.set("color", colour)
    description = xml_text(describe_code(spec))
    if description:
        etree.SubElement(el, f"{{{ns}}}Description").text = description
    for guid in (note_refs(spec.uuid) if note_refs else []):
        etree.SubElement(el, f"{{{ns}}}NoteRef", targetGUID=guid)
    for child in spec.children:
        code_element(el, ns, child, note_refs)
    return el


def xml_bytes(root) -> bytes:
    """Serialised strictly: UTF-8 without BOM, LF line ends, an XML declaration."""
    from lxml import etree

    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.replace(b"\r\n", b"\n")


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuidlib.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def valid_datetime(value: str | None) -> str | None:
    return value if value and _DATETIME.match(value) else None


def codebook_root(header: dict, specs: list[CodeSpec]):
    from lxml import etree

    from qualcode import __version__

    if not specs:
        raise ProjectError("the codebook is empty; a REFI-QDA codebook needs at least one code.")
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", f"qualcode {__version__}")
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    for spec in specs:
        code_element(codes, CODEBOOK_NS, spec)
    return root


def write_qdc(path, header: dict, specs: list[CodeSpec]) -> None:
    """Write ``specs`` as a .qdc (atomically: a temporary file, then a rename)."""
    atomic_write(Path(path), xml_bytes(codebook_root(header, specs)))
