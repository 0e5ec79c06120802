"""Decoding transcript files and the canonical text form."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.errors import InputError
from qualcode.ingest.encoding import canonicalise, decode_bytes, detect_encoding, read_text_file

SAMPLE = "Interviewer: Hoe ervaart u de werkdruk?\nR1: Café, één, naïef \u2013 “zeker”.\n"


def write(tmp_path, data: bytes, name: str = "t.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + SAMPLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + SAMPLE.encode("utf-16-be"),
        SAMPLE.encode("utf-16"),  # platform BOM
        SAMPLE.encode("utf-16-le"),  # no BOM: detected from the NUL pattern
        SAMPLE.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + SAMPLE.encode("utf-32-le"),
        SAMPLE.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16", "utf16le", "utf16be", "utf32", "cp1252"],
)
def test_encodings_decode_to_the_same_canonical_text(tmp_path, data):
    assert read_text_file(write(tmp_path, data)) == SAMPLE


def test_detect_encoding():
    assert detect_encoding(codecs.BOM_UTF8 + b"x") == "utf-8"
    assert detect_encoding("abc".encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding("abc".encode("utf-16-be")) == "utf-16-be"
    assert detect_encoding(b"plain ascii") is None


def test_crlf_and_cr_become_lf(tmp_path):
    path = write(tmp_path, b"I: one\r\nR: two\rI: three\r\n")
    assert read_text_file(path) == "I: one\nR: two\nI: three\n"


def test_bom_is_stripped(tmp_path):
    text = read_text_file(write(tmp_path, codecs.BOM_UTF8 + b"hello"))
    assert text == "hello" and "\ufeff" not in text


def test_cp1252_smart_quotes(tmp_path):
    text = read_text_file(write(tmp_path, b"\x93Nee\x94, zei ze \x85 \x80 5"))
    assert text == "“Nee”, zei ze … € 5"


def test_nfc(tmp_path):
    text = read_text_file(write(tmp_path, "e\u0301e\u0308n".encode("utf-8")))
    assert text == "éën" and unicodedata.is_normalized("NFC", text)


def test_empty_file(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_text_file(write(tmp_path, b""))


def test_whitespace_only_file(tmp_path):
    with pytest.raises(InputError, match="no text"):
        read_text_file(write(tmp_path, b"  \n\r\n\t"))


def test_binary_with_nuls(tmp_path):
    data = bytes(range(256)) * 4
    with pytest.raises(InputError, match="binary") as info:
        read_text_file(write(tmp_path, data))
    assert info.value.path.endswith("t.txt")


def test_binary_without_nuls(tmp_path):
    data = bytes(b for b in range(1, 256) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)) * 4
    with pytest.raises(InputError, match="binary"):
        read_text_file(write(tmp_path, data))


@pytest.mark.parametrize("magic", [b"%PDF-1.7\n", b"PK\x03\x04rest", b"\x89PNG\r\n\x1a\n"])
def test_known_binary_formats_get_a_hint(tmp_path, magic):
    with pytest.raises(InputError, match="looks like"):
        read_text_file(write(tmp_path, magic + b"0" * 100))


def test_undecodable(tmp_path):
    # Not UTF-8, and 0x81 is undefined in Windows-1252.
    with pytest.raises(InputError, match="neither UTF-8 nor Windows-1252"):
        read_text_file(write(tmp_path, b"caf\xe9 \x81 text"))


def test_bad_utf16(tmp_path):
    data = codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(InputError, match="UTF-16"):
        read_text_file(write(tmp_path, data))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_text_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="folder"):
        read_text_file(tmp_path)


def test_canonicalise_drops_controls_but_keeps_tabs():
    assert canonicalise("a\x00b\x07c\td\x0be\ufefff\u2028g") == "abc\tdef\ng"


def test_decode_bytes_without_path():
    with pytest.raises(InputError) as info:
        decode_bytes(b"")
    assert info.value.path is None


@given(st.text())
def test_canonicalise_is_idempotent(text):
    once = canonicalise(text)
    assert canonicalise(once) == once
    assert "\r" not in once and "\ufeff" not in once
    assert unicodedata.is_normalized("NFC", once)
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in once)


_TEXTY = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff\u2028\u2029"),
    min_size=1,
)


@given(_TEXTY, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_round_trip_through_bytes(text, encoding):
    assert canonicalise(decode_bytes(text.encode(encoding))) == canonicalise(text)
