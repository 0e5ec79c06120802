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
from qualcode.export.citations import chosen_keys
from qualcode.export.filters import Filter
from qualcode.export.gcpause import without_gc
from qualcode.export.options import ExportOptions, display  # noqa: F401 (display: imported from here too)
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
    sets: list[str] = field(default_factory=list)  # names of the sets the respondent is in


@dataclass
class DocInfo:
    uuid: str
    name: str
    kind: str
    attributes: dict
    label: str
    order: int
    respondents: list[str] = field(default_factory=list)  # case uuids, in speaking order
    sets: list[str] = field(default_factory=list)  # names of the sets the document is in


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
    page: str = ""  # 'p. 12' / 'pp. 12–13' for a passage of a PDF

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
    summaries: dict[tuple[str, str], str] = field(default_factory=dict)  # (case uuid, code uuid) -> text
    code_memos: dict[str, list] = field(default_factory=dict)  # code uuid -> its memos (Memo objects)
    citation_keys: list[str] = field(default_factory=list)  # respondent attributes quotes are cited with
    language: str = "en"  # the project's language (labels of report exports)

    # -- selection -------------------------------------------------------------------------------
    def pairs(self):
        """(passage, case uuid or None) for every passage and each of its respondents that the
        --where filter lets through."""
        if not self.filter.active:
            for p in self.passages:
                for case in p.cases or (None,):
                    yield p, case
            return
        for p in self.passages:
            doc = self.documents[p.document]
            for case in p.cases or (None,):
                if self.filter.passes(self.cases.get(case), doc):
                    yield p, case

    def selected_passages(self) -> list[Passage]:
        if not self.filter.active:
            return list(self.passages)
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

    def turn_label(self, p: Passage, words: dict | None = None) -> str:
        if not p.turns or (p.page and self.documents[p.document].kind == "text"):
            return ""  # a report's passage is found by its page, not by a paragraph count
        first, last = p.turns[0] + 1, p.turns[-1] + 1
        one, many = (words["turn"], words["turns"]) if words else ("turn", "turns")
        return f"{one} {first}" if first == last else f"{many} {first}–{last}"

    def reference(self, p: Passage, case: str | None = None, words: dict | None = None) -> str:
        """'Sanne, Interview leraar 1, turn 12, 00:04:31' (the parts that are known)."""
        parts = [self.who(p, case), self.documents[p.document].label, p.page, self.turn_label(p, words),
                 clock(p.timestamp_ms)]
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
        if self.pseudo.enabled and self.pseudo.listed:
            rows.append(("names list", f"{len(self.pseudo.listed)} confirmed name(s) replaced as well"))
        unassigned = sum(1 for p in selected if not p.cases)
        if unassigned:
            rows.append(("passages without a respondent", f"{unassigned} (not in respondent rows or counts)"))
        return rows


def page_label(first: int | None, last: int | None) -> str:
    """'p. 12', 'pp. 12–13', or '' when the document has no pages."""
    if first is None:
        return ""
    return f"p. {first}" if last in (None, first) else f"pp. {first}–{last}"


def clock(ms: int | None) -> str:
    if ms is None:
        return ""
    s = ms // 1000
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


# -- loading ---------------------------------------------------------------------------------------
@without_gc
def load(project, options: ExportOptions | None = None, progress=None) -> ExportData:
    """Read everything an export needs, once, without changing the project."""
    options = options or ExportOptions()
    bar = of(progress)
    tree = project.codebook.tree()
    code_order = {c.uuid: i for i, c in enumerate(tree)}
    keys = project.reads.attribute_keys()
    case_attrs, doc_attrs = project.attributes.of("case"), project.attributes.of("document")
    pseudo = Pseudonymiser(project.reads.cases(), project.reads.speakers(), enabled=options.pseudonymise,
                           names=project.names.all() if options.pseudonymise else ())
    cases = {
        uuid: CaseInfo(uuid, name, role, case_attrs.get(uuid, {}), pseudo.case(uuid, name), i)
        for i, (uuid, name, role) in enumerate(project.reads.cases())
    }
    documents = {
        uuid: DocInfo(uuid, name, kind, doc_attrs.get(uuid, {}), pseudo.text(name), i)
        for i, (uuid, name, kind, _at, _len) in enumerate(project.reads.documents())
    }
    for kind, infos in (("case", cases), ("document", documents)):
        for member, names in project.sets.names_of(kind).items():
            if member in infos:
                infos[member].sets = names
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
        if coder is None and options.merge_overlaps:
            texts = project.reads.texts(cons.documents_with_overlaps(groups))
            groups = cons.merge_overlapping(groups, texts)

    passages, unassigned = [], 0
    index = {doc: _TurnIndex(rows_) for doc, rows_ in turns.items()}
    pages, times = project.anchors.index("page"), project.anchors.index("time")
    one_turn: dict[int, tuple] = {}  # most passages lie in one turn: link each turn once
    for g in bar.track(groups, "linking passages to respondents"):
        idx = index.get(g.document)
        hit = idx.overlapping(g.start, g.end) if idx else []
        doc = documents[g.document]
        if len(hit) == 1:
            t = hit[0]
            linked = one_turn.get(id(t))
            if linked is None:
                respondents = (t[6],) if t[6] and t[7] == "respondent" else ()
                linked = (respondents, (t[1],), (t[2],) if t[2] else (), t[5])
                one_turn[id(t)] = linked
            respondents, turn_ids, speakers, stamp = linked
        else:
            respondents = tuple(dict.fromkeys(t[6] for t in hit if t[6] and t[7] == "respondent"))
            turn_ids = tuple(t[1] for t in hit)
            speakers = tuple(dict.fromkeys(t[2] for t in hit if t[2]))
            stamp = next((t[5] for t in hit if t[5] is not None), None)
        by_turn = bool(respondents)
        if not respondents and len(doc.respondents) == 1:
            respondents = (doc.respondents[0],)
        if not respondents:
            unassigned += 1
        cue = times.at(g.document, g.start)  # the subtitle cue the passage starts in
        if cue is not None:
            stamp = cue
        passages.append(Passage(g.document, g.code, g.start, g.end, g.text or "", g.members, respondents,
                                turn_ids, speakers, stamp, by_turn,
                                page_label(*pages.span(g.document, g.start, g.end))))
    passages.sort(key=lambda p: (documents[p.document].order, p.start, p.end, code_order.get(p.code, 0)))
    return ExportData(
        project_name=project.meta("name") or project.path.stem, tree=tree, options=options, pseudo=pseudo,
        cases=cases, documents=documents, passages=passages, filter=flt,
        case_keys=list(keys.get("case", {})), document_keys=list(keys.get("document", {})),
        code_order=code_order, unassigned=unassigned, coder_mode=coder,
        summaries={key: s.text for key, s in project.summaries.cells().items()},
        code_memos=_code_memos(project) if options.code_memos else {},
        citation_keys=chosen_keys(project, options.citation_attributes), language=project.language,
    )


def _code_memos(project) -> dict[str, list]:
    out: dict[str, list] = {}
    for m in project.memos.list("code"):
        if m.text.strip():
            out.setdefault(m.target, []).append(m)
    return out


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
