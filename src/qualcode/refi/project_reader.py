"""Reading a REFI-QDA project (project.qde) into plain objects: no database, no positions mapped.

Everything text-based is kept: text sources, the text representation of a PDF, the transcripts of
audio and video (their selections placed through sync points), codes, codings with users and
dates, cases with variables, notes, sets. What qualcode cannot hold (pictures, audio and video
regions, PDF regions, graphs, links, codes on cases) is counted in ``skipped`` so the import can
name it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qualcode.refi.xml import CodeReader, as_int, child_text, kid, kids, local, norm_guid

MEDIA = {"PictureSource": "picture", "PDFSource": "PDF", "AudioSource": "audio", "VideoSource": "video"}
REGION = {"PictureSelection": "picture region", "PDFSelection": "PDF region",
          "AudioSelection": "audio segment", "VideoSelection": "video segment"}
VALUE_TAGS = {"TextValue": "Text", "BooleanValue": "Boolean", "IntegerValue": "Integer",
              "FloatValue": "Float", "DateValue": "Date", "DateTimeValue": "DateTime"}


@dataclass
class RefiCoding:
    guid: str | None
    code: str | None  # normalised code GUID
    user: str | None
    created: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str | None
    start: int | None
    end: int | None
    name: str | None
    description: str
    user: str | None
    created: str | None
    line: int | None
    codings: list[RefiCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RefiText:
    """A text qualcode can import as a document: a TextSource, a PDF's text, a media transcript."""

    guid: str | None
    name: str
    kind: str  # text | pdf | transcript
    path: str | None  # plainTextPath
    inline: str | None  # PlainTextContent
    description: str
    line: int | None
    owner: str | None = None  # the PDF/audio/video source GUID this text belongs to
    selections: list[RefiSelection] = field(default_factory=list)
    whole: list[RefiCoding] = field(default_factory=list)  # codings of the whole source
    notes: list[str] = field(default_factory=list)
    values: list[tuple[str | None, str, str]] = field(default_factory=list)  # (variable GUID, type, value)


@dataclass
class RefiCase:
    guid: str | None
    name: str
    description: str
    values: list[tuple[str | None, str, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)
    codes: int = 0


@dataclass
class RefiNote:
    guid: str | None
    name: str
    description: str
    inline: str | None
    path: str | None
    user: str | None
    created: str | None
    selections: int = 0


@dataclass
class RefiSet:
    guid: str | None
    name: str
    description: str
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    notes: int = 0


@dataclass
class RefiProject:
    name: str
    origin: str
    creator: str | None
    users: dict[str, str] = field(default_factory=dict)
    codes: list = field(default_factory=list)  # CodeSpec tree
    code_reader: CodeReader | None = None
    variables: dict[str, tuple[str, str]] = field(default_factory=dict)  # guid -> (name, type)
    texts: list[RefiText] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    source_counts: Counter = field(default_factory=Counter)  # kind -> number of sources in the XML
    skipped: Counter = field(default_factory=Counter)  # what cannot be imported -> how many
    warnings: list[str] = field(default_factory=list)

    def user_name(self, guid: str | None) -> str | None:
        if guid is None:
            return None
        return self.users.get(guid) or f"user {guid[:8]}"


def _guids(el, tag: str, attr: str = "targetGUID") -> list[str]:
    return [g for g in (norm_guid(r.get(attr)) for r in kids(el, tag)) if g]


def _coding(el) -> RefiCoding:
    ref = kid(el, "CodeRef")
    return RefiCoding(norm_guid(el.get("guid")), norm_guid(ref.get("targetGUID")) if ref is not None else None,
                      norm_guid(el.get("creatingUser")), el.get("creationDateTime"), _guids(el, "NoteRef"))


def _values(el) -> list[tuple[str | None, str, str]]:
    out = []
    for vv in kids(el, "VariableValue"):
        ref = kid(vv, "VariableRef")
        for c in vv:
            if local(c) in VALUE_TAGS:
                out.append((norm_guid(ref.get("targetGUID")) if ref is not None else None,
                            VALUE_TAGS[local(c)], (c.text or "").strip()))
                break
    return out


def _selection(el, start: int | None, end: int | None) -> RefiSelection:
    return RefiSelection(norm_guid(el.get("guid")), start, end, el.get("name"), child_text(el, "Description"),
                         norm_guid(el.get("creatingUser")), el.get("creationDateTime"), el.sourceline,
                         [_coding(c) for c in kids(el, "Coding")], _guids(el, "NoteRef"))


def _text(el, name: str, kind: str, owner: str | None = None) -> RefiText:
    inline = kid(el, "PlainTextContent")
    text = RefiText(norm_guid(el.get("guid")), name, kind, el.get("plainTextPath"),
                    inline.text or "" if inline is not None else None, child_text(el, "Description"),
                    el.sourceline, owner, notes=_guids(el, "NoteRef"), values=_values(el))
    for sel in kids(el, "PlainTextSelection"):
        text.selections.append(_selection(sel, as_int(sel, "startPosition"), as_int(sel, "endPosition")))
    text.whole = [_coding(c) for c in kids(el, "Coding")]
    return text


class _Reader:
    def __init__(self, root, where: str):
        self.where = where
        self.p = RefiProject(name=(root.get("name") or "").strip(), origin=(root.get("origin") or "").strip(),
                             creator=norm_guid(root.get("creatingUserGUID")))
        self.root = root

    def run(self) -> RefiProject:
        p, root = self.p, self.root
        for user in kids(kid(root, "Users"), "User"):
            guid = norm_guid(user.get("guid"))
            if guid:
                p.users[guid] = (user.get("name") or user.get("id") or "").strip() or f"user {guid[:8]}"
        p.code_reader = CodeReader(self.where)
        codes = kid(kid(root, "CodeBook"), "Codes")
        p.codes = p.code_reader.read(codes) if codes is not None else []
        p.warnings.extend(p.code_reader.warnings)
        for var in kids(kid(root, "Variables"), "Variable"):
            guid = norm_guid(var.get("guid"))
            if guid:
                p.variables[guid] = ((var.get("name") or "").strip() or f"variable {guid[:8]}",
                                     (var.get("typeOfVariable") or "Text").strip())
        for case in kids(kid(root, "Cases"), "Case"):
            p.cases.append(RefiCase(norm_guid(case.get("guid")), (case.get("name") or "").strip(),
                                    child_text(case, "Description"), _values(case), _guids(case, "SourceRef"),
                                    _guids(case, "SelectionRef"), len(kids(case, "CodeRef"))))
        for source in kid(root, "Sources") if kid(root, "Sources") is not None else []:
            self._source(source)
        for note in kids(kid(root, "Notes"), "Note"):
            inline = kid(note, "PlainTextContent")
            p.notes.append(RefiNote(norm_guid(note.get("guid")), (note.get("name") or "").strip(),
                                    child_text(note, "Description"), inline.text or "" if inline is not None else None,
                                    note.get("plainTextPath"), norm_guid(note.get("creatingUser")),
                                    note.get("creationDateTime"), len(kids(note, "PlainTextSelection"))))
        p.project_notes = _guids(root, "NoteRef")
        for s in kids(kid(root, "Sets"), "Set"):
            p.sets.append(RefiSet(norm_guid(s.get("guid")), (s.get("name") or "").strip() or "(unnamed set)",
                                  child_text(s, "Description"), _guids(s, "MemberCode"), _guids(s, "MemberSource"),
                                  len(kids(s, "MemberNote"))))
        for link in kids(kid(root, "Links"), "Link"):
            p.skipped["link between objects"] += 1
        for graph in kids(kid(root, "Graphs"), "Graph"):
            p.skipped["graph (network view)"] += 1
        return p

    def _count_codings(self, label: str, elements) -> None:
        for el in elements:
            self.p.skipped[label] += 1
            n = len(kids(el, "Coding"))
            if n:
                self.p.skipped[f"coding on a {label}"] += n

    def _source(self, el) -> None:
        p, tag = self.p, local(el)
        name = (el.get("name") or "").strip()
        guid = norm_guid(el.get("guid"))
        if tag == "TextSource":
            p.source_counts["text"] += 1
            p.texts.append(_text(el, name, "text"))
            return
        if tag not in MEDIA:
            if tag:
                p.source_counts[tag] += 1
                p.skipped[f"<{tag}> source"] += 1
            return
        kind = MEDIA[tag]
        p.source_counts[kind] += 1
        p.skipped[f"{kind} file"] += 1
        for region in REGION:
            self._count_codings(REGION[region], kids(el, region))
        whole = [_coding(c) for c in kids(el, "Coding")]
        texts: list[RefiText] = []
        if tag == "PDFSource":
            for rep in kids(el, "Representation"):
                texts.append(_text(rep, name or (rep.get("name") or ""), "pdf", owner=guid))
        elif tag in ("AudioSource", "VideoSource"):
            for tr in kids(el, "Transcript"):
                texts.append(self._transcript(tr, name, owner=guid))
        elif tag == "PictureSource":
            for td in kids(el, "TextDescription"):
                self._count_codings("text in a picture description", kids(td, "PlainTextSelection"))
        if texts:
            texts[0].whole.extend(whole)
            texts[0].values.extend(_values(el))
            texts[0].notes.extend(_guids(el, "NoteRef"))
            if not texts[0].description:
                texts[0].description = child_text(el, "Description")
            p.texts.extend(texts)
        elif whole:
            p.skipped[f"coding of a whole {kind} file"] += len(whole)

    def _transcript(self, el, media_name: str, owner: str | None) -> RefiText:
        name = (el.get("name") or "").strip() or f"{media_name} (transcript)"
        text = _text(el, name, "transcript", owner=owner)
        points = {norm_guid(sp.get("guid")): as_int(sp, "position") for sp in kids(el, "SyncPoint")}
        for sel in kids(el, "TranscriptSelection"):
            start, end = points.get(norm_guid(sel.get("fromSyncPoint"))), points.get(norm_guid(sel.get("toSyncPoint")))
            if start is None or end is None:
                self._count_codings("transcript selection without sync-point positions", [sel])
                continue
            text.selections.append(_selection(sel, start, end))
        return text


def read_project_xml(root, where: str) -> RefiProject:
    """The objects of a parsed <Project> element (see :func:`qualcode.refi.xml.parse_xml`)."""
    return _Reader(root, where).run()
