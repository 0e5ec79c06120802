"""Writing a read REFI-QDA project into a qualcode project (inside the caller's transaction).

Mapping: codes keep their GUIDs as uuids (a code that comes back keeps its identity); text sources
become documents (speaker turns detected as for any transcript); each Coding of a selection becomes
a coding by its user; cases become cases with their variables as typed attributes and their
documents linked; notes become memos on what they are attached to; sets become boolean attributes
``set/<name>`` on their member documents or codes, with the set's GUID and description kept in the
project meta ``refi_sets`` so an export writes the same set back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from qualcode.domain.models import CASE_ROLES, DOCUMENT_KINDS
from qualcode.errors import ProjectError
from qualcode.ingest.importer import guess_kind
from qualcode.ingest.turns import detect_turns
from qualcode.store.codings import NewCoding

SET_PREFIX = "set/"
ROLE_VARIABLE = "qualcode_role"
KIND_VARIABLE = "qualcode_kind"
UNKNOWN_CODER = "unknown coder"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def attribute_value(type_: str, raw: str) -> tuple[object, str]:
    """A REFI-QDA value → (value, qualcode attribute type); text when it does not parse."""
    raw = raw.strip()
    try:
        if type_ == "Boolean" and raw.lower() in ("true", "1", "false", "0"):
            return raw.lower() in ("true", "1"), "boolean"
        if type_ == "Integer":
            return int(raw), "integer"
        if type_ == "Float":
            return float(raw), "float"
    except ValueError:
        pass
    if type_ == "Date" and _DATE.match(raw):
        return raw[:10], "date"
    return raw, "text"


class _Apply:
    def __init__(self, project, refi, texts, notes, utf16: bool, report, file_name: str):
        self.project, self.refi, self.texts, self.notes = project, refi, texts, notes
        self.utf16, self.report, self.file_name = utf16, report, file_name
        self.code_map: dict[str, str] = {}  # XML code GUID -> project code uuid
        self.doc_map: dict[str, str] = {}  # XML source GUID (also of a PDF/media owner) -> document uuid
        self.sel_doc: dict[str, str] = {}  # XML selection GUID -> document uuid
        self.used_notes: set[str] = set()
        self.memos = 0

    def run(self) -> None:
        self.codes()
        self.documents()
        self.codings()
        self.cases()
        self.memos_from_notes()
        self.sets()
        for label, n in sorted(self.refi.skipped.items()):
            self.report.not_imported.append(f"{n} × {label}")
        self.report.warnings[:0] = self.refi.warnings

    # -- codes ------------------------------------------------------------------------------------
    def codes(self) -> None:
        reader = self.refi.code_reader
        if self.refi.codes:
            self.project.codebook.apply(self.refi.codes, None)
        tree = self.project.codebook.tree()
        by_spec: dict[int, str] = {}

        def walk(specs) -> None:
            for spec in specs:
                code = tree.by_uuid.get(spec.uuid) or tree.find(reader.paths[id(spec)])
                if code is None:  # pragma: no cover - apply_codebook places every spec
                    raise ProjectError(f"code '{reader.paths[id(spec)]}' could not be placed in the codebook.")
                by_spec[id(spec)] = code.uuid
                walk(spec.children)

        walk(self.refi.codes)
        self.code_map = {guid: by_spec[id(spec)] for guid, spec in reader.by_guid.items()}
        self.code_notes = {by_spec[id(s)]: reader.notes[s.uuid] for s in _all(self.refi.codes) if s.uuid in reader.notes}
        self.report.count("codes", reader.count, len(set(by_spec.values())))
        if reader.not_codable:
            self.report.warnings.append(f"{reader.not_codable} code(s) marked not codable (folders) are ordinary codes in qualcode.")

    # -- documents ----------------------------------------------------------------------------------
    def documents(self) -> None:
        p = self.project
        names = {n.casefold() for n in p.documents.names().values()}
        ids = set(p.documents.names())
        created = 0
        for lt in self.texts:
            t = lt.text
            base = t.name or (Path(lt.entry).stem if lt.entry else "") or "Document"
            name, n = base, 1
            while name.casefold() in names:
                n += 1
                name = f"{base} ({n})"
            turns = detect_turns(lt.tmap.canonical)
            speakers = {x.speaker for x in turns if x.speaker}
            doc_uuid = t.guid if t.guid and t.guid not in ids else None
            kind = self.variable(t.values, KIND_VARIABLE)
            kind = kind if kind in DOCUMENT_KINDS else guess_kind(Path(name), len(speakers))
            doc, new = p.documents.add(name, lt.tmap.canonical, turns, kind=kind,
                                      source_path=f"{self.file_name}:{lt.entry or t.guid}", source_format="refi-qda",
                                      doc_uuid=doc_uuid)
            if new:
                created += 1
                names.add(name.casefold())
                ids.add(doc.uuid)
                if name != base:
                    self.report.warnings.append(f"source '{base}' imported as '{name}' (the name was taken).")
            else:
                self.report.warnings.append(f"source '{base}' has the same text as document '{doc.name}', already "
                                            "in the project; qualcode keeps one document per text, so they are one.")
            for guid in (t.guid, t.owner):
                if guid:
                    self.doc_map[guid] = doc.uuid
            lt.document = doc.uuid
            if t.description.strip():
                self.memo("document", doc.uuid, t.description.strip(), self.refi.creator)
            self.attributes("document", doc.uuid, t.values, skip=KIND_VARIABLE)
        self.report.count("sources", sum(self.refi.source_counts.values()), len(set(self.doc_map.values())))
        self.report.documents_created = created

    # -- codings -------------------------------------------------------------------------------------
    def codings(self) -> None:
        p, items = self.project, []
        taken = set() if self.report.created else {c.uuid for c in p.codings.list()}
        placed = xml_codings = 0
        for lt in self.texts:
            doc, tm = lt.document, lt.tmap
            for sel in lt.text.selections:
                xml_codings += len(sel.codings)
                if sel.guid:
                    self.sel_doc.setdefault(sel.guid, doc)
                where = f"selection {sel.start}-{sel.end} in '{lt.text.name}' (line {sel.line})"
                if sel.start is None or sel.end is None:
                    self.report.warnings.append(f"{where} has no valid positions; its {len(sel.codings)} coding(s) skipped.")
                    continue
                start, end, problem = tm.span(sel.start, sel.end, self.utf16)
                if end <= start:
                    self.report.warnings.append(f"{where}: {problem}; its {len(sel.codings)} coding(s) skipped.")
                    continue
                if problem:
                    self.report.warnings.append(f"{where}: {problem}.")
                placed += 1
                memo = self.note_texts(sel.notes, [sel.description])
                if not sel.codings and memo:
                    quote = tm.canonical[start:end]
                    self.memo("document", doc, f"[{start}-{end}] “{quote[:300]}”\n\n{memo}", sel.user)
                for c in sel.codings:
                    items.append(self.new_coding(c, doc, start, end, memo, sel, taken, where))
            for c in lt.text.whole:
                xml_codings += 1
                items.append(self.new_coding(c, doc, 0, len(tm.canonical), "", None, taken, f"'{lt.text.name}'"))
        items = [i for i in items if i is not None]
        added, dupes = p.codings.add_many(items, skip_duplicates=True, undoable=False,
                                     description=f"imported {len(items)} codings from {self.file_name}") if items else (0, 0)
        if dupes:
            self.report.warnings.append(f"{dupes} coding(s) repeat another (same coder, code and passage) and were kept once.")
        xml_sels = sum(len(t.selections) for t in self.refi.texts)
        xml_all = sum(len(s.codings) for t in self.refi.texts for s in t.selections) + sum(len(t.whole) for t in self.refi.texts)
        self.report.count("text selections", xml_sels, placed)
        self.report.count("codings", xml_all, added)

    def new_coding(self, c, doc, start, end, memo, sel, taken, where):
        code = self.code_map.get(c.code)
        if code is None:
            self.report.warnings.append(f"a coding in {where} refers to code {c.code}, which is not in the codebook; skipped.")
            return None
        user = c.user or (sel.user if sel else None) or self.refi.creator
        coder = self.refi.user_name(user) or UNKNOWN_CODER
        uid = c.guid if c.guid and c.guid not in taken else None
        if uid:
            taken.add(uid)
        full_memo = "\n\n".join(x for x in (memo, self.note_texts(c.notes, [])) if x)
        created = c.created or (sel.created if sel else None)
        return NewCoding(doc, code, coder, start, end, full_memo, "human", uid, created, f"refi:{self.file_name}")

    def note_texts(self, guids, extra) -> str:
        parts = [x.strip() for x in extra if x and x.strip()]
        for g in guids:
            if g in self.notes:
                self.used_notes.add(g)
                if self.notes[g]:
                    parts.append(self.notes[g])
        return "\n\n".join(parts)

    # -- cases and attributes ---------------------------------------------------------------------------
    def cases(self) -> None:
        p = self.project
        link = p.link_case_document
        seen, unresolved = set(), 0
        for case in self.refi.cases:
            name = case.name or f"Case {(case.guid or '?')[:8]}"
            role = self.variable(case.values, ROLE_VARIABLE)
            role = role if role in CASE_ROLES else None
            c = p.cases.ensure(name, role or "respondent")
            if role and c.role != role:
                p.cases.set_role(c.uuid, role)
            seen.add(c.uuid)
            self.attributes("case", c.uuid, case.values, skip=ROLE_VARIABLE)
            if case.description.strip():
                self.memo("case", c.uuid, case.description.strip(), self.refi.creator)
            docs = [self.doc_map.get(g) for g in case.sources] + [self.sel_doc.get(g) for g in case.selections]
            unresolved += sum(1 for d in docs if d is None)
            for d in dict.fromkeys(d for d in docs if d):
                link(c.uuid, d, name)
            if case.codes:
                self.refi.skipped["code assigned to a case as a whole"] += case.codes
        if unresolved:
            self.report.warnings.append(f"{unresolved} link(s) from cases to sources or selections point to "
                                        "something not imported; those links are left out.")
        self.report.count("cases", len(self.refi.cases), len(seen))

    def variable(self, values, name: str) -> str | None:
        """The value of the variable ``name`` among ``values`` (lower case), if it is there."""
        return next((v.strip().lower() for g, _, v in values
                     if self.refi.variables.get(g, ("",))[0].lower() == name), None)

    def attributes(self, owner_type: str, owner: str, values, skip: str = "") -> None:
        for guid, type_, raw in values:
            name = self.refi.variables.get(guid, (f"variable {(guid or '?')[:8]}", type_))[0]
            if name.lower() == skip:
                continue
            value, qtype = attribute_value(type_, raw)
            self.project.attributes.set(owner_type, owner, name, value, qtype)

    # -- memos ----------------------------------------------------------------------------------------
    def memo(self, target_type: str, target, text: str, user) -> None:
        self.project.memos.add(target_type, target, self.refi.user_name(user) or UNKNOWN_CODER, text)
        self.memos += 1

    def memos_from_notes(self) -> None:
        targets: dict[str, list] = {}
        for g in self.refi.project_notes:
            targets.setdefault(g, []).append(("project", None))
        for lt in self.texts:
            for g in lt.text.notes:
                targets.setdefault(g, []).append(("document", lt.document))
        for code, guids in self.code_notes.items():
            for g in guids:
                targets.setdefault(g, []).append(("code", code))
        made = 0
        for i, note in enumerate(self.refi.notes):
            key = note.guid or f"note-{i}"
            text = self.notes.get(key, "")
            if note.selections:
                self.refi.skipped["coding inside a note"] += note.selections
            where = targets.get(key) or ([] if key in self.used_notes else [("project", None)])
            if not text:
                self.report.warnings.append(f"note '{note.name or key}' is empty; no memo made.")
                continue
            for target_type, target in dict.fromkeys(where):
                self.memo(target_type, target, text, note.user or self.refi.creator)
            made += 1
        self.report.count("notes", len(self.refi.notes), made)

    # -- sets -----------------------------------------------------------------------------------------
    def sets(self) -> None:
        p = self.project
        registry = json.loads(p.meta("refi_sets") or "{}")
        unresolved = 0
        for s in self.refi.sets:
            key = SET_PREFIX + s.name
            for g in s.codes:
                if g in self.code_map:
                    p.attributes.set("code", self.code_map[g], key, True, "boolean")
                else:
                    unresolved += 1
            for g in s.sources:
                if g in self.doc_map:
                    p.attributes.set("document", self.doc_map[g], key, True, "boolean")
                else:
                    unresolved += 1
            if s.notes:
                self.refi.skipped["note as a member of a set"] += s.notes
            registry[s.name] = {"guid": s.guid, "description": s.description.strip()}
        if self.refi.sets:
            p.set_meta("refi_sets", json.dumps(registry, ensure_ascii=False, sort_keys=True))
        if unresolved:
            self.report.warnings.append(f"{unresolved} set member(s) are sources or codes that were not imported "
                                        "(pictures, audio, video, missing texts); they are left out of their sets.")
        self.report.count("sets", len(self.refi.sets), len(self.refi.sets))


def _all(specs):
    for spec in specs:
        yield spec
        yield from _all(spec.children)


def apply_refi(project, refi, texts, notes, utf16: bool, report, file_name: str) -> None:
    """Store ``refi`` (with its loaded ``texts`` and ``notes``) in ``project``; fills ``report``."""
    _Apply(project, refi, texts, notes, utf16, report, file_name).run()
