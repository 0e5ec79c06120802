"""Documents besides transcripts: PDF (:mod:`pdf_text`), OpenDocument text (.odt) and RTF.

Each gives canonical text; turns come from :func:`transcript_shape.transcript_turns`, so a transcript
typed up in any of these formats still gets its speakers, and any other document (a report, a policy
paper) is kind ``text``, one turn per paragraph, with no speakers invented from label-like lines.
A ``speaker_pattern`` always parses speakers.

- ODT: the ``content.xml`` of the zip, read with lxml (no entities, no network); paragraphs and
  headings in document order, table rows as tab-separated cells; headers, footers and notes are not
  part of the text. (odfpy, the library for ODF, has had no release since 2020; the format's text is
  plain XML, so lxml reads it directly.)
- RTF: striprtf (maintained) turns it into text; a file that does not start with ``{\\rtf`` is refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from qualcode.errors import InputError
from qualcode.ingest.encoding import canonicalise
from qualcode.ingest.model import ParsedTranscript
from qualcode.ingest.transcript_shape import transcript_turns

MAX_BYTES = 100 * 1024 * 1024
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _parsed(text: str, fmt: str, speaker_pattern: str | None, pages=None) -> ParsedTranscript:
    if speaker_pattern is not None:
        from qualcode.ingest.turns import detect_turns

        turns, is_transcript = detect_turns(text, speaker_pattern), True
    else:
        turns, is_transcript = transcript_turns(text)
    return ParsedTranscript(text, turns, source_format=fmt, kind=None if is_transcript else "text",
                            pages=list(pages or []))


def read_pdf(path: Path, speaker_pattern: str | None = None) -> ParsedTranscript:
    from qualcode.ingest.pdf_text import pdf_text

    text, pages = pdf_text(path)
    return _parsed(text, "pdf", speaker_pattern, pages)


def _check(path: Path) -> None:
    if not path.is_file():
        raise InputError(path, "the file does not exist.")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(path, f"the file is larger than {MAX_BYTES // 2**20} MB; refusing to read it.")


def odt_text(path: Path) -> str:
    from lxml import etree

    _check(path)
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("content.xml")
            if info.file_size > MAX_BYTES:
                raise InputError(path, "content.xml is too large; refusing to read it.")
            data = zf.read(info)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(path, f"this is not a readable OpenDocument text (.odt) file ({type(exc).__name__}).") from None
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError(path, "content.xml declares a DTD; refusing it.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(path, f"content.xml is not well-formed XML ({exc.msg}).", line=exc.lineno) from None
    body = root.find(f"{{{OFFICE_NS}}}body")
    blocks: list[str] = []
    for el in (body.iter() if body is not None else []):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == f"{{{TABLE_NS}}}table-row":
            cells = [" ".join(_inline(p) for p in c.iter(f"{{{TEXT_NS}}}p")).strip()
                     for c in el if isinstance(c.tag, str) and c.tag.endswith("table-cell")]
            if any(cells):
                blocks.append("\t".join(c for c in cells if c))
        elif tag in (f"{{{TEXT_NS}}}p", f"{{{TEXT_NS}}}h") and not _inside(el, ("table-cell", "note", "p", "h")):
            blocks.append(_inline(el))
    text = canonicalise("\n\n".join(b.strip() for b in blocks if b.strip()))
    if not text.strip():
        raise InputError(path, "the OpenDocument file contains no text.")
    return text


def _inside(el, names: tuple[str, ...]) -> bool:
    parent = el.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and parent.tag.rsplit("}", 1)[-1] in names:
            return True
        parent = parent.getparent()
    return False


def _inline(el) -> str:
    """The text of a paragraph: <text:s/> spaces, tabs and line breaks, notes left out."""
    out: list[str] = [el.text or ""]
    for child in el:
        name = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if name == "s":
            out.append(" " * int(child.get(f"{{{TEXT_NS}}}c", "1") or 1))
        elif name == "tab":
            out.append("\t")
        elif name == "line-break":
            out.append("\n")
        elif name in ("note", "annotation", "bookmark", "bookmark-start", "bookmark-end"):
            pass
        elif name:
            out.append(_inline(child))
        out.append(child.tail or "")
    return "".join(out)


def read_odt(path: Path, speaker_pattern: str | None = None) -> ParsedTranscript:
    return _parsed(odt_text(path), "odt", speaker_pattern)


def rtf_text(path: Path) -> str:
    from striprtf.striprtf import rtf_to_text

    _check(path)
    raw = path.read_bytes()
    if not raw.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
        raise InputError(path, "this is not an RTF file (it does not start with '{\\rtf').")
    try:
        text = rtf_to_text(raw.decode("latin-1"), errors="ignore")
    except Exception as exc:
        raise InputError(path, f"the RTF file cannot be read ({type(exc).__name__}).") from None
    lines = [ln.rstrip() for ln in canonicalise(text).split("\n")]
    text = "\n".join(lines).strip("\n")
    if not text.strip():
        raise InputError(path, "the RTF file contains no text.")
    return text


def read_rtf(path: Path, speaker_pattern: str | None = None) -> ParsedTranscript:
    return _parsed(rtf_text(path), "rtf", speaker_pattern)


READERS = {".pdf": read_pdf, ".odt": read_odt, ".rtf": read_rtf}
