"""Sources of a REFI-QDA project that qualcode cannot code, kept as placeholders.

A picture, a PDF without a text representation, an audio or video file without a transcript, or a
text source whose text file is missing or empty cannot become a document. Dropping it would delete
it from the other tool's project at the next exchange, so it is kept as it was: its XML element
(with its selections and codings) and the files it refers to inside the archive. An export writes
it back (see :mod:`qualcode.refi.placeholders`).
"""

from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field

from qualcode.refi.xml import derived_guid, local

FILE_ATTRIBUTES = ("path", "plainTextPath", "richTextPath")


@dataclass
class KeptSource:
    guid: str
    name: str
    kind: str
    element: str  # the source's XML, as in the file
    files: dict[str, bytes] = field(default_factory=dict)  # file name under sources/ -> bytes
    why: str = ""
    wraps: bool = False  # a PDF whose text representation became a document: kept around that document


def _internal(ref: str) -> bool:
    ref = ref.strip()
    return ref.lower().startswith("internal://") or "://" not in ref


def keep_unimported(archive, refi, loaded, base: str, report) -> list[KeptSource]:
    """Placeholders for the sources none of whose texts loaded; fills ``report.kept`` and ``not_imported``."""
    from lxml import etree

    imported = {id(lt.text.source) for lt in loaded}
    kept: list[KeptSource] = []
    lost_texts = [t for t in refi.texts if t.missing and id(t.source) in imported]
    for src in refi.sources:
        if id(src) in imported:
            for label, n in src.skipped.items():
                refi.skipped[label] += n
            if src.kind == "PDF" and src.guid:
                kept.append(_wrapper(archive, src, base))
            continue
        files: dict[str, bytes] = {}
        for el in src.element.iter():
            for attr in FILE_ATTRIBUTES:
                ref = el.get(attr)
                if ref and _internal(ref):
                    entry = archive.find_source(ref, base)
                    if entry:
                        files[posixpath.basename(entry)] = archive.read(entry)
        texts = [t for t in refi.texts if t.source is src]
        why = ("its text file is missing from the archive" if any(t.missing == "missing" for t in texts)
               else "its text is empty" if texts else "qualcode codes texts only")
        guid = src.guid or derived_guid("placeholder", src.name, str(src.element.sourceline))
        kept.append(KeptSource(guid, src.name or guid, src.kind,
                               etree.tostring(src.element, encoding="unicode", with_tail=False), files, why))
    wrappers = [k for k in kept if k.wraps]
    kept = [k for k in kept if not k.wraps]
    if kept:
        kinds = Counter(k.kind for k in kept)
        sels = sum(1 for k in kept for e in _elements(k) if local(e).endswith("Selection"))
        codings = sum(1 for k in kept for e in _elements(k) if local(e) == "Coding")
        names = ", ".join(f"'{k.name}' ({k.kind}: {k.why})" for k in kept[:8]) + (" …" if len(kept) > 8 else "")
        report.kept.append(f"{len(kept)} source(s) kept as placeholders, not codable in qualcode but handed "
                           f"back by 'export refi' ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
                           f"with their {sels} selection(s) and {codings} coding(s): {names}.")
    if lost_texts:
        names = ", ".join(f"'{t.name or t.guid}'" for t in lost_texts[:8])
        report.not_imported.append(f"{len(lost_texts)} text(s) of an imported source with a missing or empty "
                                   f"file: {names}.")
    return kept + wrappers


def _wrapper(archive, src, base: str) -> KeptSource:
    """The PDFSource element without its <Representation> (that text is a document), and the PDF file."""
    from copy import deepcopy

    from lxml import etree

    el = deepcopy(src.element)
    for rep in [c for c in el if local(c) == "Representation"]:
        el.remove(rep)
    files: dict[str, bytes] = {}
    ref = el.get("path")
    if ref and _internal(ref):
        entry = archive.find_source(ref, base)
        if entry:
            files[posixpath.basename(entry)] = archive.read(entry)
    return KeptSource(src.guid, src.name or src.guid, src.kind, etree.tostring(el, encoding="unicode", with_tail=False),
                      files, "its text is a document", wraps=True)


def _elements(kept: KeptSource):
    from lxml import etree

    return etree.fromstring(kept.element.encode("utf-8")).iter()
