"""Writing a project as a REFI-QDA project (.qdpx), strictly.

The archive holds ``project.qde`` (valid against Project.xsd, UTF-8 without BOM, LF) and one
``sources/<GUID>.txt`` per document: the canonical text, so positions are code points with a
half-open end. GUIDs are stable: a code, document, case, coding or memo is written with its own
uuid; users (one per coder or memo author), variables, sets and selections get GUIDs derived from
their names or spans, so exporting twice gives the same identifiers (and, for the same project,
the same bytes). Each coding names its coder as ``creatingUser``. Coding memos go in the
selection's ``<Description>`` when every coding of that passage has the same memo, otherwise in a
note per coding. Case memos become the case's ``<Description>`` (REFI-QDA cases take no notes).
"""

from __future__ import annotations

import io
import json
import zipfile
from contextlib import nullcontext
from itertools import groupby
from pathlib import Path

from qualcode.refi.codebook import atomic_write, code_element, code_guid, valid_datetime, xml_bytes
from qualcode.refi.project_apply import KIND_VARIABLE, ROLE_VARIABLE, SET_PREFIX
from qualcode.refi.xml import derived_guid, norm_guid, xml_text

PROJECT_NS = "urn:QDA-XML:project:1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
TYPES = {"text": "Text", "integer": "Integer", "float": "Float", "boolean": "Boolean", "date": "Date"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _guid(value: str | None, *fallback: str) -> str:
    return norm_guid(value) or derived_guid(*fallback)


def _first_line(text: str) -> str:
    return (text.strip().split("\n", 1)[0].strip() or "memo")[:80]


class _Writer:
    def __init__(self, project):
        from lxml import etree

        self.E = etree
        self.project = project
        self.users: dict[str, str] = {}  # name -> guid
        self.notes: list[tuple[str, str, str | None, str | None]] = []  # (guid, text, author, created)

    def sub(self, parent, tag: str, text: str | None = None, **attrs):
        el = self.E.SubElement(parent, f"{{{PROJECT_NS}}}{tag}",
                               {k: xml_text(str(v)) for k, v in attrs.items() if v is not None})
        if text is not None:
            el.text = xml_text(text)
        return el

    def user(self, name: str | None) -> str | None:
        if not name:
            return None
        return self.users.setdefault(name, derived_guid("user", name))

    def note(self, guid: str, text: str, author: str | None, created: str | None) -> str:
        guid = _guid(guid, "note", guid)
        self.notes.append((guid, text, author, created))
        return guid

    # -- the whole project ---------------------------------------------------------------------------
    def build(self) -> tuple[bytes, dict[str, bytes], dict]:
        p, E = self.project, self.E
        from qualcode import __version__

        docs = [p.documents.get(d.uuid) for d in p.documents.list()]
        codings = p.codings.list()
        memos = [m for m in p.memos.list() if m.text and m.text.strip()]
        specs = p.codebook.specs()
        cases = p.cases.list()
        by_target: dict[tuple, list] = {}
        for m in memos:
            by_target.setdefault((m.target_type, m.target), []).append(m)
        for name in sorted({c.coder for c in codings} | {m.author for m in memos if m.author}):
            self.user(name)
        root = E.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS, "xsi": XSI})
        root.set("name", xml_text(p.meta("name") or p.path.stem))
        root.set("origin", f"qualcode {__version__}")
        created = valid_datetime(p.meta("created_at"))
        if created:
            root.set("creationDateTime", created)
        users_el = self.sub(root, "Users")
        if specs:
            codes_el = self.sub(self.sub(root, "CodeBook"), "Codes")

            def code_notes(uuid):
                return [self.note(m.uuid, m.text, m.author, m.created_at) for m in by_target.get(("code", uuid), [])]

            for spec in specs:
                code_element(codes_el, PROJECT_NS, spec, code_notes)
        self.has_documents = bool(docs)
        variables = self.variables(root, cases, p.attributes.of("document"))
        self.cases(root, cases, variables, by_target)
        files = self.sources(root, docs, codings, variables, by_target)
        self.sets(root, specs, docs)
        known = ({("code", c.uuid) for c in p.codebook.tree()} | {("document", d.uuid) for d in docs}
                 | {("case", c.uuid) for c in cases} | {("coding", c.uuid) for c in codings})
        loose = [m for key, ms in by_target.items() if key not in known for m in ms]
        project_refs = [self.note(m.uuid, m.text, m.author, m.created_at) for m in loose]
        if self.notes:
            notes_el = self.sub(root, "Notes")
            root.remove(notes_el)
            self._insert_before(root, notes_el, ("Links", "Sets", "Graphs", "Description", "NoteRef"))
            for guid, text, author, when in self.notes:
                el = self.sub(notes_el, "Note", guid=guid, name=_first_line(text),
                              creatingUser=self.user(author), creationDateTime=valid_datetime(when))
                self.sub(el, "PlainTextContent", text)
        for guid in project_refs:
            self.sub(root, "NoteRef", targetGUID=guid)
        for name, guid in sorted(self.users.items()):
            self.sub(users_el, "User", guid=guid, name=name)
        if not len(users_el):
            root.remove(users_el)
        summary = {"documents": len(docs), "codes": len(p.codebook.tree()), "codings": len(codings), "cases": len(cases),
                   "memos": len(memos), "users": len(self.users)}
        return xml_bytes(root), files, summary

    def _insert_before(self, root, el, later: tuple[str, ...]) -> None:
        for i, child in enumerate(root):
            if self.E.QName(child).localname in later:
                root.insert(i, el)
                return
        root.append(el)

    # -- variables and cases ----------------------------------------------------------------------------
    def variables(self, root, cases, doc_attrs) -> dict[str, tuple[str, str]]:
        types = self.project.attributes.types()
        keys = {k for c in cases for k in c.attributes} | {k for a in doc_attrs.values() for k in a}
        keys = sorted(k for k in keys if not k.startswith(SET_PREFIX))
        out = {k: (derived_guid("variable", k), TYPES.get(types.get(k, "text"), "Text")) for k in keys}
        if any(c.role != "respondent" for c in cases):
            out[ROLE_VARIABLE] = (derived_guid("variable", ROLE_VARIABLE), "Text")
        if self.has_documents:
            out[KIND_VARIABLE] = (derived_guid("variable", KIND_VARIABLE), "Text")
        if out:
            el = self.sub(root, "Variables")
            for name, (guid, type_) in sorted(out.items()):
                self.sub(el, "Variable", guid=guid, name=name, typeOfVariable=type_)
        return out

    def values(self, parent, attrs: dict, variables) -> None:
        for key in sorted(attrs):
            if key not in variables or attrs[key] is None:
                continue
            guid, type_ = variables[key]
            value = attrs[key]
            vv = self.sub(parent, "VariableValue")
            self.sub(vv, "VariableRef", targetGUID=guid)
            if isinstance(value, bool):
                self.sub(vv, "BooleanValue", "true" if value else "false")
            elif isinstance(value, int):
                self.sub(vv, "IntegerValue", str(value))
            elif isinstance(value, float):
                self.sub(vv, "FloatValue", repr(value) if value == value and abs(value) != float("inf") else "0")
            elif type_ == "Date":
                self.sub(vv, "DateValue", str(value))
            else:
                self.sub(vv, "TextValue", str(value))

    def cases(self, root, cases, variables, by_target) -> None:
        if not cases:
            return
        docs_of = self.project.cases.documents_of()
        el = self.sub(root, "Cases")
        for case in cases:
            c = self.sub(el, "Case", guid=_guid(case.uuid, "case", case.name), name=case.name)
            memos = by_target.get(("case", case.uuid), [])
            if memos:
                self.sub(c, "Description", "\n\n".join(m.text.strip() for m in memos))
            attrs = dict(case.attributes)
            if case.role != "respondent":
                attrs[ROLE_VARIABLE] = case.role
            self.values(c, attrs, variables)
            for doc in docs_of.get(case.uuid, []):
                self.sub(c, "SourceRef", targetGUID=_guid(doc, "document", doc))

    # -- sources and codings ------------------------------------------------------------------------------
    def sources(self, root, docs, codings, variables, by_target) -> dict[str, bytes]:
        files: dict[str, bytes] = {}
        if not docs:
            return files
        doc_attrs = self.project.attributes.of("document")
        by_doc = {k: list(g) for k, g in groupby(codings, key=lambda c: c.document)}
        sources_el = self.sub(root, "Sources")
        for doc in docs:
            guid = _guid(doc.uuid, "document", doc.uuid)
            files[f"sources/{guid}.txt"] = doc.text.encode("utf-8")
            src = self.sub(sources_el, "TextSource", guid=guid, name=doc.name, plainTextPath=f"internal://{guid}.txt",
                           creationDateTime=valid_datetime(doc.imported_at))
            spans = sorted(by_doc.get(doc.uuid, []), key=lambda c: (c.start, c.end, c.code, c.coder))
            for (start, end), group in groupby(spans, key=lambda c: (c.start, c.end)):
                self.selection(src, doc, start, end, list(group), by_target)
            for m in by_target.get(("document", doc.uuid), []):
                self.sub(src, "NoteRef", targetGUID=self.note(m.uuid, m.text, m.author, m.created_at))
            self.values(src, {**doc_attrs.get(doc.uuid, {}), KIND_VARIABLE: doc.kind}, variables)
        return files

    def selection(self, src, doc, start: int, end: int, group, by_target) -> None:
        coders = {c.coder for c in group}
        memos = {c.memo.strip() for c in group}
        shared = memos.pop() if len(memos) == 1 else None
        quote = " ".join(doc.text[start:end].split())
        sel = self.sub(src, "PlainTextSelection", guid=derived_guid("selection", doc.uuid, str(start), str(end)),
                       name=quote[:80] + ("…" if len(quote) > 80 else ""), startPosition=str(start),
                       endPosition=str(end), creatingUser=self.user(group[0].coder) if len(coders) == 1 else None,
                       creationDateTime=valid_datetime(min((c.created_at or "~") for c in group)))
        if shared:
            self.sub(sel, "Description", shared)
        for c in group:
            el = self.sub(sel, "Coding", guid=_guid(c.uuid, "coding", c.uuid), creatingUser=self.user(c.coder),
                          creationDateTime=valid_datetime(c.created_at))
            self.sub(el, "CodeRef", targetGUID=code_guid(self.project.codebook.tree().by_uuid[c.code]))
            if c.memo.strip() and not shared:
                note = self.note(derived_guid("coding memo", c.uuid), c.memo, c.coder, c.created_at)
                self.sub(el, "NoteRef", targetGUID=note)
            for m in by_target.get(("coding", c.uuid), []):
                self.sub(el, "NoteRef", targetGUID=self.note(m.uuid, m.text, m.author, m.created_at))

    # -- sets ----------------------------------------------------------------------------------------------
    def sets(self, root, specs, docs) -> None:
        registry = json.loads(self.project.meta("refi_sets") or "{}")
        members: dict[str, dict[str, list[str]]] = {name: {"codes": [], "docs": []} for name in registry}
        tree = self.project.codebook.tree()
        doc_ids = {d.uuid for d in docs}
        for owner_type, kind in (("code", "codes"), ("document", "docs")):
            for owner, attrs in sorted(self.project.attributes.of(owner_type).items()):
                for key, value in attrs.items():
                    if key.startswith(SET_PREFIX) and value:
                        if (owner_type == "code" and owner in tree) or (owner_type == "document" and owner in doc_ids):
                            members.setdefault(key[len(SET_PREFIX):], {"codes": [], "docs": []})[kind].append(owner)
        if not members:
            return
        el = self.sub(root, "Sets")
        for name in sorted(members):
            info = registry.get(name, {})
            s = self.sub(el, "Set", guid=_guid(info.get("guid"), "set", name), name=name)
            if info.get("description"):
                self.sub(s, "Description", info["description"])
            for code in members[name]["codes"]:
                self.sub(s, "MemberCode", targetGUID=code_guid(tree.by_uuid[code]))
            for doc in members[name]["docs"]:
                self.sub(s, "MemberSource", targetGUID=_guid(doc, "document", doc))


def export_refi_project(project, output) -> dict:
    """Write ``project`` to ``output`` (.qdpx), atomically. Returns what was written, as counts."""
    output = Path(output)
    guard = project.read_only() if hasattr(project, "read_only") else nullcontext()
    with guard:
        xml, files, summary = _Writer(project).build()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", xml), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    atomic_write(output, buf.getvalue())
    summary["output"] = str(output)
    return summary
