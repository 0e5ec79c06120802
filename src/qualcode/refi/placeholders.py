"""Writing back the sources kept as placeholders (see :mod:`qualcode.refi.keep`).

Each is the element the other tool wrote, moved into the project namespace, with the files it refers
to put back under ``sources/``. References that would dangle in the new file are taken out: codings
of codes no longer in the codebook, values of variables not written, notes not written.
"""

from __future__ import annotations

from qualcode.refi.xml import local, norm_guid


def placeholder_sources(project, ns: str, code_guids: set[str], variable_guids: set[str], wrappers: bool = False):
    """[(element, {file name: bytes}, row)] for every placeholder of ``project`` (or every wrapper)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    out = []
    for row in project.placeholders.all(wrappers=wrappers):
        el = etree.fromstring(row["element"].encode("utf-8"), parser)
        for node in el.iter():
            if isinstance(node.tag, str):
                node.tag = f"{{{ns}}}{local(node)}"
        for coding in [n for n in el.iter(f"{{{ns}}}Coding")]:
            ref = next((c for c in coding if local(c) == "CodeRef"), None)
            if ref is None or norm_guid(ref.get("targetGUID")) not in code_guids:
                coding.getparent().remove(coding)
        for value in [n for n in el.iter(f"{{{ns}}}VariableValue")]:
            ref = next((c for c in value if local(c) == "VariableRef"), None)
            if ref is None or norm_guid(ref.get("targetGUID")) not in variable_guids:
                value.getparent().remove(value)
        etree.cleanup_namespaces(el)
        files = {name: project.placeholders.file(row["guid"], name) for name in row["files"]}
        out.append((el, files, row))
    return out


def wrap(wrapper, text_source, ns: str) -> None:
    """Put a document's <TextSource> into its PDF's element as the <Representation> (after the
    Description and the PDF regions, as the schema orders it)."""
    text_source.getparent().remove(text_source)
    text_source.tag = f"{{{ns}}}Representation"
    at = sum(1 for c in wrapper if local(c) in ("Description", "PDFSelection"))
    wrapper.insert(at, text_source)


def prune_note_refs(elements, ns: str, note_guids: set[str]) -> None:
    """Take out NoteRefs (in placeholder elements) to notes the file does not hold."""
    for el in elements:
        for ref in [n for n in el.iter(f"{{{ns}}}NoteRef")]:
            if norm_guid(ref.get("targetGUID")) not in note_guids:
                ref.getparent().remove(ref)
