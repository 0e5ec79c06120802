"""Quote books: the coded passages grouped by theme and code, each with its citation.

:func:`build_quote_book` gives the groups (for the TUI or any writer); :func:`export_quotes`
writes .docx (see :mod:`qualcode.export.quotes_docx`), .md, .csv or .xlsx.

A quote is cited with the respondent's label and the attributes chosen for citations (see
:mod:`qualcode.export.citations`); coders' memos are left out unless asked for (``memos=True``):
they hold the team's working notes. Fixed words follow the project's language (or ``language``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualcode.export.citations import identifying
from qualcode.export.columns import labels
from qualcode.export.dataset import ExportData, Passage, clock, display, load
from qualcode.export.labels import labels_for
from qualcode.export.options import ExportOptions
from qualcode.export.progress import of
from qualcode.export.writers import Table, Written, atomic_write_text, check_suffix, write_tables
from qualcode.export.gcpause import without_gc

SUFFIXES = (".docx", ".md", ".csv", ".xlsx")


@dataclass
class Quote:
    passage: Passage
    text: str
    respondent: str  # pseudonym or name(s); the speaker when no respondent said it
    attributes: dict[str, str]  # attribute -> value(s) of the respondent(s)
    document: str
    turn: str
    timestamp: str
    coders: list[str]
    memos: list[str]
    page: str = ""  # 'p. 12' for a passage of a PDF
    cases: list[str] = field(default_factory=list)  # respondent case uuids

    def citation(self) -> str:
        """'R01 (role: leraar, perspective: primair proces), Interview leraar 1, turn 12, 00:04:31'."""
        attrs = ", ".join(f"{k}: {v}" for k, v in self.attributes.items() if v)
        who = f"{self.respondent} ({attrs})" if attrs and self.respondent else (self.respondent or attrs)
        return ", ".join(x for x in (who, self.document, self.page, self.turn, self.timestamp) if x)


@dataclass
class QuoteGroup:
    theme: str  # theme name
    code: str  # code uuid
    name: str  # code label
    path: str
    depth: int  # 0 for a theme's own codings
    definition: str
    quotes: list[Quote] = field(default_factory=list)
    memos: list[str] = field(default_factory=list)  # memos on the code ('author, date: text'), with --memos


def build_quote_book(source, options: ExportOptions | None = None, attributes: list[str] | None = None,
                     progress=None, memos: bool = False,
                     language: str | None = None) -> tuple[ExportData, list[QuoteGroup]]:
    """The quote groups in codebook order (empty codes left out), quotes in text order."""
    if isinstance(source, ExportData):
        data = source
    else:
        with source.read_only():
            data = load(source, options, progress)
    keys = citation_keys(data, attributes)
    words = labels_for(language or data.language)
    names = labels(data.tree)
    groups: dict[str, QuoteGroup] = {}
    for code in data.tree:
        groups[code.uuid] = QuoteGroup(
            data.tree.theme(code.uuid).name, code.uuid, names[code.uuid], data.tree.path(code.uuid),
            data.tree.depth(code.uuid), code.definition,
        )
    passing: dict[int, list[str]] = {}
    order: list[Passage] = []
    for p, case in data.pairs():
        if id(p) not in passing:
            passing[id(p)] = []
            order.append(p)
        if case:
            passing[id(p)].append(case)
    for p in of(progress).track(order, "collecting quotes"):
        group = groups.get(p.code)
        if group is not None:
            group.quotes.append(_quote(data, p, passing[id(p)], keys, memos, words))
    for code, code_memos in data.code_memos.items():
        if code in groups:
            groups[code].memos = [f"{m.author}, {(m.updated_at or m.created_at or '')[:10]}: "
                                  f"{data.pseudo.text(m.text.strip())}" for m in code_memos]
    return data, [g for g in groups.values() if g.quotes]


def citation_keys(data: ExportData, attributes: list[str] | None) -> list[str]:
    if attributes is None:
        return list(data.citation_keys)
    return [data.filter.resolve(k, "--attributes") for k in attributes]


def _quote(data: ExportData, p: Passage, cases: list[str], keys: list[str], memos: bool, words: dict) -> Quote:
    attrs = {}
    for key in keys:
        values = [display(data.cases[c].attributes.get(key)) for c in cases]
        attrs[key] = " / ".join(dict.fromkeys(v for v in values if v))
    who = data.who(p, cases[0]) if len(cases) == 1 else data.who(p)
    if not p.by_turn and p.speakers and cases:  # the interviewer's words, in a respondent's interview
        who = f"{who} {words['to']} {' & '.join(data.cases[c].label for c in cases)}"
    return Quote(
        passage=p, text=data.quote(p), respondent=who, attributes=attrs,
        document=data.documents[p.document].label, turn=data.turn_label(p, words), timestamp=clock(p.timestamp_ms),
        coders=p.coders, memos=[data.pseudo.text(m) for m in p.memos] if memos else [], page=p.page,
        cases=list(cases),
    )


def quote_table(groups: list[QuoteGroup], keys: list[str], memos: bool = False) -> Table:
    columns = ["Theme", "Code", "Code path", "Respondent", *keys, "Document", "Page", "Turn", "Timestamp",
               "Quote", "Coders", *(["Memo"] if memos else []), "Start", "End"]
    rows = []
    for g in groups:
        for q in g.quotes:
            rows.append([g.theme, g.name, g.path, q.respondent, *[q.attributes.get(k, "") for k in keys],
                         q.document, q.page, q.turn, q.timestamp, q.text, ", ".join(q.coders),
                         *(["\n".join(q.memos)] if memos else []), q.passage.start, q.passage.end])
    kinds = ["short", "short", "attr", "key", *["attr"] * len(keys), "short", "attr", "attr", "attr", "text",
             "attr", *(["text"] if memos else []), "number", "number"]
    table = Table("Quotes", columns, rows, kinds)
    table.freeze_columns = 2
    return table


def quotes_markdown(data: ExportData, groups: list[QuoteGroup], words: dict | None = None) -> str:
    words = words or labels_for(data.language)
    out = [f"# {words['quote_book']} — {data.project_name}", ""]
    out += [f"- **{k}**: {v}" for k, v in data.about()]
    out.append("")
    theme = None
    for g in groups:
        if g.theme != theme:
            theme = g.theme
            out += [f"## {theme}", ""]
        if g.depth > 0:
            out += [f"{'#' * min(6, 2 + g.depth)} {g.name} ({len(g.quotes)})", ""]
        if g.definition:
            out += [f"_{g.definition.strip()}_", ""]
        for memo in g.memos:
            out += [f"**{words['memo']}** ({memo.split(': ', 1)[0]}): {memo.split(': ', 1)[-1]}", ""]
        for q in g.quotes:
            body = q.text.replace("\n", "\n> ")
            out.append(f"> {body}")
            out.append(">")
            extra = f" · {words['coded_by']} {', '.join(q.coders)}" if q.coders else ""
            out.append(f"> — {q.citation()}{extra}")
            for memo in q.memos:
                out.append(f">\n> *{words['memo']}:* {memo}")
            out.append("")
    return "\n".join(out) + "\n"


@without_gc
def export_quotes(project, output: str | Path, options: ExportOptions | None = None,
                  attributes: list[str] | None = None, progress=None, memos: bool = False,
                  language: str | None = None) -> Written:
    suffix = check_suffix(output, SUFFIXES, "a quote book")
    data, groups = build_quote_book(project, options, attributes, progress, memos, language)
    words = labels_for(language or data.language)
    keys = citation_keys(data, attributes)
    if suffix == ".docx":
        from qualcode.export.quotes_docx import write_docx

        write_docx(output, data, groups, progress, words)
        written = Written([Path(output)])
    elif suffix == ".md":
        atomic_write_text(output, quotes_markdown(data, groups, words))
        written = Written([Path(output)])
    else:
        written = write_tables(output, [quote_table(groups, keys, memos)], f"{words['quote_book']} — {data.project_name}",
                               data.about(), SUFFIXES, progress)
    written.notes += privacy_notes(data, keys, {c for g in groups for q in g.quotes for c in q.cases})
    return written


def privacy_notes(data: ExportData, keys: list[str], cited: set[str]) -> list[str]:
    """Warnings about citations that identify someone, and what pseudonymisation replaced."""
    notes = []
    small = identifying(data, keys, cited)
    if small:
        shown = "; ".join(f"{', '.join(v for v in values if v)} ({n})" for values, n in small[:6])
        more = f" and {len(small) - 6} more" if len(small) > 6 else ""
        notes.append(f"{len(small)} cited combination(s) of {', '.join(keys)} are held by fewer than 3 "
                     f"respondents and can identify them: {shown}{more}. Cite fewer attributes "
                     "(--attributes, or 'qualcode citations').")
    notes += replacement_notes(data)
    return notes


def replacement_notes(data: ExportData) -> list[str]:
    if not data.pseudo.enabled:
        return []
    done = data.pseudo.replaced()
    if not done:
        return ["pseudonymised: no names occurred in the exported text."]
    shown = ", ".join(f"{name} → {alias} ({n}×)" for name, alias, n in done[:12])
    more = f", and {len(done) - 12} more" if len(done) > 12 else ""
    return [f"pseudonymised: replaced {sum(n for _, _, n in done)} name(s) in the text: {shown}{more}."]
