"""The quote book as a Word document: a title, a table of contents, a heading per theme and
code, each quote in the Quote style followed by its citation (and, on request, memo).

The table of contents is a TOC field whose result is written out (one entry per heading, a
link to its bookmark), so it reads in any viewer as it is; Word rebuilds it with page numbers
when the document is opened (``updateFields``), LibreOffice with Tools ▸ Update.

Paragraphs are built as WordprocessingML elements directly: python-docx's ``add_paragraph``
searches the body on every call, which makes books of tens of thousands of quotes take minutes.
"""

from __future__ import annotations

import re
from pathlib import Path

from qualcode.export.progress import of
from qualcode.export.writers import atomic_path

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
GREY = "595959"


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


class _Builder:
    def __init__(self, document):
        from lxml import etree

        self.etree = etree
        self.sect = document.element.body.sectPr
        self.styles = {}
        for name in ("Title", "Quote", "Heading 1", "Heading 2", "Heading 3", "TOC Heading", "Normal"):
            try:
                self.styles[name] = document.styles[name].style_id
            except KeyError:
                self.styles[name] = None

    def paragraph(self, text: str = "", style: str | None = None, italic: bool = False, size: float | None = None,
                  colour: str | None = None, keep_next: bool = False, runs: list | None = None,
                  bookmark: str | None = None):
        se = self.etree.SubElement
        p = self.etree.Element(_q("p"), nsmap={"w": W})
        style_id = self.styles.get(style) if style else None
        if style_id or keep_next:
            ppr = se(p, _q("pPr"))
            if style_id:
                se(ppr, _q("pStyle")).set(_q("val"), style_id)
            if keep_next:
                se(ppr, _q("keepNext"))
        for run_text, bold in runs or [(text, False)]:
            r = se(p, _q("r"))
            if italic or size or colour or bold:
                rpr = se(r, _q("rPr"))
                if bold:
                    se(rpr, _q("b"))
                if italic:
                    se(rpr, _q("i"))
                if colour:
                    se(rpr, _q("color")).set(_q("val"), colour)
                if size:
                    se(rpr, _q("sz")).set(_q("val"), str(int(size * 2)))
            for i, line in enumerate(_ILLEGAL.sub("", run_text).split("\n")):
                if i:
                    se(r, _q("br"))
                t = se(r, _q("t"))
                t.set(XML_SPACE, "preserve")
                t.text = line
        if bookmark:
            self._bookmarks = getattr(self, "_bookmarks", 0) + 1
            start = self.etree.Element(_q("bookmarkStart"))
            start.set(_q("id"), str(self._bookmarks))
            start.set(_q("name"), bookmark)
            first_run = p.find(_q("r"))
            if first_run is not None:
                first_run.addprevious(start)
            else:
                p.append(start)
            se(p, _q("bookmarkEnd")).set(_q("id"), str(self._bookmarks))
        self.sect.addprevious(p)
        return p

    def toc_entries(self, entries: list[tuple[int, str, str]]) -> None:
        """A TOC field with its result written out: (level, text, bookmark) per heading."""
        se = self.etree.SubElement

        def field_char(p, kind):
            se(se(p, _q("r")), _q("fldChar")).set(_q("fldCharType"), kind)

        def instr(p, text):
            t = se(se(p, _q("r")), _q("instrText"))
            t.set(XML_SPACE, "preserve")
            t.text = text

        def run(parent, text):
            r = se(parent, _q("r"))
            t = se(r, _q("t"))
            t.set(XML_SPACE, "preserve")
            t.text = _ILLEGAL.sub("", text)
            return r

        if not entries:
            entries = [(1, "", "")]
        for i, (level, text, mark) in enumerate(entries):
            p = self.etree.Element(_q("p"), nsmap={"w": W})
            ppr = se(p, _q("pPr"))
            spacing = se(ppr, _q("spacing"))
            spacing.set(_q("before"), "60" if level == 1 else "0")
            spacing.set(_q("after"), "0")
            se(ppr, _q("ind")).set(_q("left"), str(360 * (level - 1)))
            if i == 0:
                field_char(p, "begin")
                instr(p, 'TOC \\o "1-3" \\h \\z \\u')
                field_char(p, "separate")
            if mark:  # the heading, linked to its bookmark; Word adds page numbers when it updates the field
                link = se(p, _q("hyperlink"))
                link.set(_q("anchor"), mark)
                link.set(_q("history"), "1")
                r = run(link, text)
                if level == 1:
                    rpr = self.etree.Element(_q("rPr"))
                    se(rpr, _q("b"))
                    r.insert(0, rpr)
            if i == len(entries) - 1:
                field_char(p, "end")
            self.sect.addprevious(p)

    def page_break(self) -> None:
        se = self.etree.SubElement
        p = self.etree.Element(_q("p"), nsmap={"w": W})
        se(se(p, _q("r")), _q("br")).set(_q("type"), "page")
        self.sect.addprevious(p)


def headings(groups: list) -> list[tuple[int, str, str]]:
    """(level, text, bookmark) of every heading the book will have, in order."""
    out, theme = [], None
    for i, g in enumerate(groups):
        if g.theme != theme:
            theme = g.theme
            out.append((1, theme, f"_Toc_qc_t{i}"))
        if g.depth > 0:
            out.append((min(3, g.depth + 1), f"{g.name} ({len(g.quotes)})", f"_Toc_qc_c{i}"))
    return out


def write_docx(output: str | Path, data, groups: list, progress=None, words: dict | None = None) -> None:
    from docx import Document

    from qualcode.export.labels import labels_for

    words = words or labels_for(data.language)
    document = Document()
    document.core_properties.title = f"{words['quote_book']} — {data.project_name}"
    b = _Builder(document)
    b.paragraph(f"{words['quote_book']} — {data.project_name}", "Title")
    for label, value in data.about():
        b.paragraph(runs=[(f"{label}: ", True), (value, False)], size=9, colour=GREY)
    b.paragraph(words["contents"], "TOC Heading")
    b.toc_entries(headings(groups))
    b.page_break()
    theme = None
    for i, g in enumerate(of(progress).track(groups, "writing the quote book")):
        if g.theme != theme:
            theme = g.theme
            b.paragraph(theme, "Heading 1", keep_next=True, bookmark=f"_Toc_qc_t{i}")
        if g.depth > 0:
            b.paragraph(f"{g.name} ({len(g.quotes)})", f"Heading {min(3, g.depth + 1)}", keep_next=True,
                        bookmark=f"_Toc_qc_c{i}")
        if g.definition:
            b.paragraph(g.definition.strip(), italic=True, size=9, colour=GREY)
        for memo in g.memos:
            who, _, text = memo.partition(": ")
            b.paragraph(runs=[(f"Memo ({who}): ", True), (text, False)], size=9)
        for q in g.quotes:
            b.paragraph(q.text, "Quote", keep_next=True)
            coded = f" · {words['coded_by']} {', '.join(q.coders)}" if q.coders else ""
            b.paragraph(f"— {q.citation()}{coded}", size=9, colour=GREY, keep_next=bool(q.memos))
            for memo in q.memos:
                b.paragraph(runs=[(f"{words['memo']}: ", True), (memo, False)], size=9, italic=True, colour=GREY)
    _update_fields_on_open(document)
    with atomic_path(output) as tmp:
        document.save(str(tmp))


def _update_fields_on_open(document) -> None:
    from lxml import etree

    settings = document.settings.element
    if settings.find(_q("updateFields")) is not None:
        return
    element = etree.Element(_q("updateFields"), nsmap={"w": W})
    element.set(_q("val"), "true")
    later = {_q(t) for t in _AFTER_UPDATE_FIELDS}
    follower = next((child for child in settings if child.tag in later), None)
    if follower is not None:
        follower.addprevious(element)  # the schema fixes the order of settings; Word checks it
    else:
        settings.append(element)


_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)
