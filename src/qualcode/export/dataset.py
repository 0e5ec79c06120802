"""The data every export starts from: passages with their respondents, turns and attributes.

:func:`load` reads the project once (read-only) and returns an :class:`ExportData`:

- *passages*: the selected coder's codings (identical spans of several coders once, or the
  consensus), each tied to the respondents whose turns it overlaps. A coding that spans turns of
  several speakers belongs to each respondent whose turn it overlaps; interviewer turns do not
  count. A coding that overlaps no respondent's turn (a header, an interviewer's question) goes to
  the document's respondent when the document has exactly one, and to no one otherwise.
- *cases* and *documents* with their attributes and (pseudonymised) labels;
- the ``--where`` filter, applied per (passage, respondent) pair: see :mod:`qualcode.export.filters`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from qualcode.export import consensus as cons
from qualcode.export.filters import Filter
from qualcode.export.options import ExportOptions
from qualcode.export.progress import of
from qualcode.export.pseudonym import Pseudonymiser


@dataclass
class CaseInfo:
    uuid: str
    name: str
    role: str
    attributes: dict
    label: str  # the name, or the pseudonym
    order: int
    documents: list[str] = field(default_factory=list)


@dataclass
class DocInfo:
    uuid: str
    name: str
    kind: str
    attributes: dict
    label: str
    order: int
    respondents: list[str] = field(default_factory=list)  # case uuids, in speaking order


@dataclass
class Passage:
    document: str
    code: str
    start: int
    end: int
    text: str
    members: list  # consensus.Member: the coders' codings behind it
    cases: tuple[str, ...]  # respondent case uuids
    turns: tuple[int, ...]  # 0-based turn indexes it overlaps
    speakers: tuple[str, ...]
    timestamp_ms: int | None
    by_turn: bool = True  # False: given to the document's only respondent, not spoken by them

    @property
    def coders(self) -> list[str]:
        return sorted({m.coder for m in self.members})

    @property
    def memos(self) -> list[str]:
        seen, out = set(), []
        for m in self.members:
            if m.memo and m.memo not in seen:
                seen.add(m.memo)
                out.append(m.memo)
        return out


@dataclass
class ExportData:
    project_name: str
    tree: object  # CodeTree
    options: ExportOptions
    pseudo: Pseudonymiser
    cases: dict[str, CaseInfo]
    documents: dict[str, DocInfo]
    passages: list[Passage]
    filter: Filter
    case_keys: list[str]
    document_keys: list[str]
    code_order: dict[str, int]
    unassigned: int = 0
    coder_mode: str | None = None  # None (all coders), "consensus", or the one coder's name

    # -- selection -------------------------------------------------------------------------------
    def pairs(self):
        """(passage, case uuid or None) for every passage and each of its respondents that the
        --where filter lets through."""
        for p in self.passages:
            doc = self.documents[p.document]
            for case in p.cases or (None,):
                if self.filter.passes(self.cases.get(case), doc):
                    yield p, case

    def selected_passages(self) -> list[Passage]:
        seen, out = set(), []
        for p, _ in self.pairs():
            if id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        return out

    def respondents(self) -> list[CaseInfo]:
        """Respondents the filter keeps, in stable (pseudonym) order."""
        out = []
        for case in self.cases.values():
            if case.role != "respondent":
                continue
            docs = [self.documents[d] for d in case.documents] or [None]
            if any(self.filter.passes(case, d) for d in docs):
                out.append(case)
        return sorted(out, key=lambda c: c.order)

    def document_rows(self) -> list[DocInfo]:
        out = []
        for doc in self.documents.values():
            cases = [self.cases[c] for c in doc.respondents] or [None]
            if any(self.filter.passes(c, doc) for c in cases):
                out.append(doc)
        return sorted(out, key=lambda d: d.name.casefold())

    # -- labels ----------------------------------------------------------------------------------
    def code_label(self, uuid: str) -> str:
        return self.tree.by_uuid[uuid].name

    def code_path(self, uuid: str) -> str:
        return self.tree.path(uuid)

    def theme_of(self, uuid: str):
        return self.tree.theme(uuid)

    def quote(self, p: Passage) -> str:
        return self.pseudo.text(p.text)

    def who(self, p: Passage, case: str | None = None) -> str:
        if not p.by_turn and p.speakers:  # e.g. the interviewer's question in a one-to-one interview
            return " & ".join(self.pseudo.speaker(s) for s in p.speakers)
        if case:
            return self.cases[case].label
        if p.cases:
            return " & ".join(self.cases[c].label for c in p.cases)
        return " & ".join(self.pseudo.speaker(s) for s in p.speakers)

    def turn_label(self, p: Passage) -> str:
        if not p.turns:
            return ""
        first, last = p.turns[0] + 1, p.turns[-1] + 1
        return f"turn {first}" if first == last else f"turns {first}–{last}"

    def reference(self, p: Passage, case: str | None = None) -> str:
        """'Sanne, Interview leraar 1, turn 12, 00:04:31' (the parts that are known)."""
        parts = [self.who(p, case), self.documents[p.document].label, self.turn_label(p), clock(p.timestamp_ms)]
        return ", ".join(x for x in parts if x)

    def attribute_text(self, case: str | None, keys: list[str]) -> str:
        info = self.cases.get(case) if case else None
        if info is None:
            return ""
        return "; ".join(f"{k}: {display(info.attributes[k])}" for k in keys if info.attributes.get(k) is not None)

    def about(self) -> list[tuple[str, str]]:
        """Provenance lines for an export's notes."""
        selected = self.selected_passages()
        rows = [("project", self.project_name), *self.options.describe(), ("passages", str(len(selected)))]
        unassigned = sum(1 for p in selected if not p.cases)
        if unassigned:
            rows.append(("passages without a respondent", f"{unassigned} (not in respondent rows or counts)"))
        return rows


def clock(ms: int | None) -> str:
    if ms is None:
        return ""
    s = ms // 1000
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- loading ---------------------------------------------------------------------------------------
def load(project, options: ExportOptions | None = None, progress=None) -> ExportData:
    """Read everything an export needs, once, without changing the project."""
    options = options or ExportOptions()
    bar = of(progress)
    tree = project.codebook.tree()
    code_order = {c.uuid: i for i, c in enumerate(tree)}
    keys = project.reads.attribute_keys()
    case_attrs, doc_attrs = project.attributes.of("case"), project.attributes.of("document")
    pseudo = Pseudonymiser(project.reads.cases(), project.reads.speakers(), enabled=options.pseudonymise)
    cases = {
        uuid: CaseInfo(uuid, name, role, case_attrs.get(uuid, {}), pseudo.case(uuid, name), i)
        for i, (uuid, name, role) in enumerate(project.reads.cases())
    }
    documents = {
        uuid: DocInfo(uuid, name, kind, doc_attrs.get(uuid, {}), pseudo.text(name), i)
        for i, (uuid, name, kind, _at, _len) in enumerate(project.reads.documents())
    }
    turns: dict[str, list[tuple]] = {}
    for row in project.reads.turns():
        turns.setdefault(row[0], []).append(row)
        case, role = row[6], row[7]
        if case and role == "respondent":
            doc = documents[row[0]]
            if case not in doc.respondents:
                doc.respondents.append(case)
                cases[case].documents.append(doc.uuid)
    flt = Filter(options.where, cases, documents, list(keys.get("case", {})), list(keys.get("document", {})))

    allowed = _allowed_codes(project, options.codes)
    coder = cons.select_coder(options.coder, project.codings.coders())
    rows = project.reads.codings(coders=[coder] if coder not in (None, "consensus") else None,
                                  codes=sorted(allowed) if allowed is not None else None)
    if coder == "consensus":
        docs = sorted({r[1] for r in rows})
        groups = cons.consensus(rows, project.reads.coders_per_document(), project.reads.texts(docs))
    else:
        groups = cons.dedupe(rows)

    passages, unassigned = [], 0
    index = {doc: _TurnIndex(rows_) for doc, rows_ in turns.items()}
    for g in bar.track(groups, "linking passages to respondents"):
        idx = index.get(g.document)
        hit = idx.overlapping(g.start, g.end) if idx else []
        respondents = tuple(dict.fromkeys(t[6] for t in hit if t[6] and t[7] == "respondent"))
        by_turn = bool(respondents)
        if not respondents and len(documents[g.document].respondents) == 1:
            respondents = (documents[g.document].respondents[0],)
        if not respondents:
            unassigned += 1
        speakers = tuple(dict.fromkeys(t[2] for t in hit if t[2]))
        stamp = next((t[5] for t in hit if t[5] is not None), None)
        passages.append(Passage(g.document, g.code, g.start, g.end, g.text or "", g.members, respondents,
                                tuple(t[1] for t in hit), speakers, stamp, by_turn))
    passages.sort(key=lambda p: (documents[p.document].order, p.start, p.end, code_order.get(p.code, 0)))
    return ExportData(
        project_name=project.meta("name") or project.path.stem, tree=tree, options=options, pseudo=pseudo,
        cases=cases, documents=documents, passages=passages, filter=flt,
        case_keys=list(keys.get("case", {})), document_keys=list(keys.get("document", {})),
        code_order=code_order, unassigned=unassigned, coder_mode=coder,
    )


def _allowed_codes(project, refs: list[str]) -> set[str] | None:
    if not refs:
        return None
    tree = project.codebook.tree()
    out: set[str] = set()
    for ref in refs:
        code = project.codebook.get(ref)
        out.add(code.uuid)
        out.update(c.uuid for c in tree.descendants(code.uuid))
    return out


class _TurnIndex:
    """Turns of one document, for finding the turns a span overlaps."""

    def __init__(self, rows: list[tuple]):
        self.rows = sorted(rows, key=lambda r: r[3])
        self.ends = [r[4] for r in self.rows]
        # turns do not overlap, so ends are sorted along with starts
        self.sorted = all(a <= b for a, b in zip(self.ends, self.ends[1:]))

    def overlapping(self, start: int, end: int) -> list[tuple]:
        if not self.sorted:
            return [r for r in self.rows if r[3] < end and r[4] > start]
        out = []
        i = bisect_right(self.ends, start)
        while i < len(self.rows) and self.rows[i][3] < end:
            if self.rows[i][4] > start:
                out.append(self.rows[i])
            i += 1
        return out
