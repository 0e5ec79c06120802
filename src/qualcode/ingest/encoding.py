"""Reading text files whatever their encoding, and the canonical form every document is stored in.

Canonical text: NFC, ``\\n`` line endings, no BOM, no control characters except ``\\n`` and ``\\t``.
All offsets in qualcode are code-point indices into this canonical text.
"""

from __future__ import annotations

import codecs
import contextvars
import re
import unicodedata
from pathlib import Path

from qualcode.errors import InputError

# Magic numbers of common binary formats someone might hand us by mistake, with a hint.
_MAGIC = [
    (b"%PDF", "a PDF document, not a plain-text file; export it as .txt or .docx first"),
    (b"PK\x03\x04", "a zip archive (perhaps a Word file); give it a .docx suffix or save it as .txt"),
    (b"\xd0\xcf\x11\xe0", "an old binary Word/Office file; save it as .docx or .txt first"),
    (b"\x89PNG", "a PNG image, not a transcript"),
    (b"\xff\xd8\xff", "a JPEG image, not a transcript"),
    (b"GIF8", "a GIF image, not a transcript"),
    (b"\x1f\x8b", "a gzip archive, not a transcript"),
    (b"ID3", "an audio file, not a transcript"),
]

_BOMS = [  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

_LINE_BREAK_RE = re.compile("\r\n?|[\u2028\u2029\x85]")
# C0/C1 controls except \t and \n, the BOM / zero-width no-break space, lone surrogates.
_DROP_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ufeff\ud800-\udfff]")
_MAX_CONTROL_SHARE = 0.05  # more control characters than this means "binary"


def read_text_file(path: str | Path) -> str:
    """Read ``path`` and return its text in canonical form (see :func:`canonicalise`).

    Raises InputError for a missing, empty, binary or undecodable file.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "the file does not exist.")
    if path.is_dir():
        raise InputError(path, "this is a folder, not a file.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"the file cannot be read ({exc.strerror or exc}).") from exc
    text = canonicalise(decode_bytes(data, path))
    if not text.strip():
        raise InputError(path, "the file contains no text.")
    return text


def detect_encoding(data: bytes) -> str | None:
    """Return the codec name for ``data`` from its BOM or UTF-16 NUL pattern, or None if neither."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if len(data) >= 4 and b"\x00" in data:
        even, odd = data[0::2], data[1::2]
        even_nul = even.count(0) / len(even)
        odd_nul = odd.count(0) / len(odd)
        # Mostly-Latin UTF-16: every other byte is NUL.
        if odd_nul > 0.3 and even_nul < 0.05:
            return "utf-16-le"
        if even_nul > 0.3 and odd_nul < 0.05:
            return "utf-16-be"
    return None


FORCED_ENCODING: contextvars.ContextVar[str | None] = contextvars.ContextVar("qualcode_encoding", default=None)
NOTES: contextvars.ContextVar[list | None] = contextvars.ContextVar("qualcode_encoding_notes", default=None)
_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _note(message: str) -> None:
    notes = NOTES.get()
    if notes is not None:
        notes.append(message)


def _decode_8bit(data: bytes, path) -> str:
    """UTF-8 or Windows-1252, decided per file from the evidence: the bytes above 127 that form
    valid UTF-8 sequences against those that do not. A few broken bytes in a UTF-8 file stay
    UTF-8 (the broken bytes become U+FFFD); when the evidence is mixed, the choice is said."""
    forced = FORCED_ENCODING.get()
    if forced:
        try:
            return data.decode(forced)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(path, f"cannot be read as {forced} ({exc}).") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    high = sum(1 for b in data if b >= 0x80)
    utf8_bytes = sum(len(m) for m in _UTF8_SEQ.findall(data))
    bad = high - utf8_bytes
    line = data.count(b"\n", 0, first_bad) + 1
    if utf8_bytes and utf8_bytes >= 2 * bad:
        _note(f"{path}: read as UTF-8, but {bad} byte(s) are not valid UTF-8 (first on line {line}); they are "
              "shown as \ufffd. If the file is Windows-1252, import it again with --encoding cp1252.")
        return data.decode("utf-8", errors="replace")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"the text is neither UTF-8 nor Windows-1252 (byte {exc.start} cannot be decoded); "
            "save it as UTF-8 and try again (or name the encoding with --encoding).",
        ) from exc
    if utf8_bytes:
        _note(f"{path}: read as Windows-1252 ({bad} byte(s) are not UTF-8, first on line {line}), although "
              f"{utf8_bytes} byte(s) look like UTF-8; if accents look wrong, import it again with --encoding utf-8.")
    return text


def decode_bytes(data: bytes, path: str | Path | None = None) -> str:
    """Decode raw bytes: BOM → that encoding; UTF-16 by NUL pattern; else UTF-8, else Windows-1252.

    The result is *not* canonicalised (the BOM is removed, nothing else).
    """
    if not data:
        raise InputError(path, "the file is empty.")
    for magic, hint in _MAGIC:
        if data.startswith(magic):
            raise InputError(path, f"this looks like {hint}.")
    encoding = detect_encoding(data)
    if encoding is not None:
        bom_free = data
        for bom, name in _BOMS:
            if name == encoding and data.startswith(bom):
                bom_free = data[len(bom) :]
                break
        try:
            text = bom_free.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(
                path, f"the file looks like {encoding.upper()} but byte {exc.start} cannot be decoded."
            ) from exc
    elif b"\x00" in data:
        raise InputError(path, "this is a binary file, not a text transcript (it contains NUL bytes).")
    else:
        text = _decode_8bit(data, path)
    if _looks_binary(text):
        raise InputError(path, "this is a binary file, not a text transcript.")
    return text


# Characters of category Cc or Cs other than \t \n \v \f \r: one regex pass instead of a
# unicodedata.category() call per character (that took 70% of import time in the benchmark).
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = len(_CONTROL_RE.findall(text))
    return controls / len(text) > _MAX_CONTROL_SHARE


def canonicalise(text: str) -> str:
    """NFC; ``\\r\\n``, ``\\r`` and Unicode line separators → ``\\n``; no BOM; no control characters
    other than ``\\n`` and ``\\t``. Idempotent: ``canonicalise(canonicalise(t)) == canonicalise(t)``."""
    text = _LINE_BREAK_RE.sub("\n", text)
    text = _DROP_RE.sub("", text)
    # NFC never introduces controls, BOMs or line breaks, so one pass is enough.
    return unicodedata.normalize("NFC", text)
