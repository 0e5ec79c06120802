"""Helpers for the REFI-QDA tests (imported by the other test_refi_* files), and their own checks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
REFI = SHARED / "interop" / "refi"
SAMPLES = REFI / "samples"
NS = "urn:QDA-XML:project:1.0"

needs_shared = pytest.mark.skipif(not REFI.is_dir(), reason="../shared/interop/refi is not available")


def make_qdpx(path: Path, qde: str | bytes, files: dict[str, bytes | str] | None = None,
              qde_name: str = "project.qde") -> Path:
    """A .qdpx with ``qde`` as its project XML and ``files`` (name -> content) beside it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(qde_name, qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (files or {}).items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    path.write_bytes(buf.getvalue())
    return path


def project_xml(sources: str = "", codes: str | None = None, extra: str = "", ns: str = NS,
                users: str = '<User guid="11111111-1111-1111-1111-111111111111" name="anna"/>') -> str:
    """A small project.qde: one code 'Werkdruk' (guid c0…01) unless ``codes`` is given."""
    codes = codes if codes is not None else (
        '<Code guid="C0000000-0000-0000-0000-000000000001" name="Werkdruk" isCodable="true" color="#FF0000">'
        '<Description>Wat het werk zwaar maakt.</Description></Code>')
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{ns}" name="test" origin="test tool">'
            f'<Users>{users}</Users><CodeBook><Codes>{codes}</Codes></CodeBook>'
            f'<Sources>{sources}</Sources>{extra}</Project>')


def text_source(guid: str, name: str, selections: str = "", path: str | None = None) -> str:
    path = path if path is not None else f"internal://{guid}.txt"
    return f'<TextSource guid="{guid}" name="{name}" plainTextPath="{path}">{selections}</TextSource>'


def selection(guid: str, start: int, end: int, code: str = "c0000000-0000-0000-0000-000000000001",
              user: str = "11111111-1111-1111-1111-111111111111", name: str = "") -> str:
    return (f'<PlainTextSelection guid="{guid}" name="{name}" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{guid[:-4]}ffff" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'
            '</PlainTextSelection>')


def validate(xml: bytes, schema: str) -> None:
    from lxml import etree

    xsd = etree.XMLSchema(etree.parse(str(REFI / schema)))
    doc = etree.fromstring(xml)
    assert xsd.validate(doc), xsd.error_log


def qde_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def test_make_qdpx_builds_a_readable_archive(tmp_path):
    from qualcode.refi.archive import RefiArchive

    path = make_qdpx(tmp_path / "x.qdpx", project_xml(), {"Sources/a.txt": "hallo"}, qde_name="Project.qde")
    with RefiArchive(path) as archive:
        assert archive.project_entry() == "Project.qde"
        assert archive.find_source("internal://A.TXT") == "Sources/a.txt"
        assert archive.find_source("a.txt") == "Sources/a.txt"
        assert archive.find_source("file:///C:/data/a.txt") == "Sources/a.txt"
        assert archive.read("Sources/a.txt") == b"hallo"
