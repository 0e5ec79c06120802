"""Tidy data for R, pandas or SPSS: one row per coding with every attribute of its respondent and
document, and a respondent × code table of 0/1.

A coding that spans turns of several respondents gives one row per respondent (the coding id
repeats); a coding no respondent said (an interviewer's question in a focus group) has an empty
respondent. With ``--coder consensus`` each consensus passage is one coding by 'consensus'.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.export.dataset import ExportData, clock, display, load
from qualcode.export.options import ExportOptions
from qualcode.export.progress import of
from qualcode.export.writers import Table, Written, check_suffix, write_tables
from qualcode.export.gcpause import without_gc

SUFFIXES = (".csv", ".xlsx")


def codings_table(data: ExportData, progress=None) -> Table:
    case_keys, doc_keys = data.case_keys, data.document_keys
    columns = ["coding_id", "theme", "code", "code_path", "coder", "origin", "created_at",
               "document", "document_kind", *[f"document_{k}" for k in doc_keys],
               "respondent", *case_keys, "speakers", "turn", "timestamp", "page", "start", "end", "text", "memo"]
    consensus = data.coder_mode == "consensus"
    rows = []
    for p, case in of(progress).track(list(data.pairs()), "writing codings"):
        doc = data.documents[p.document]
        info = data.cases.get(case) if case else None
        shared = [data.theme_of(p.code).name, data.code_label(p.code), data.code_path(p.code)]
        place = [doc.label, doc.kind, *[display(doc.attributes.get(k)) for k in doc_keys],
                 info.label if info else "", *[display(info.attributes.get(k)) if info else "" for k in case_keys],
                 "; ".join(data.pseudo.speaker(s) for s in p.speakers), data.turn_label(p).removeprefix("turns ")
                 .removeprefix("turn "), clock(p.timestamp_ms), p.page]
        text = data.quote(p)
        if consensus:
            memo = "\n".join(data.pseudo.text(m) for m in p.memos)
            rows.append([f"consensus:{p.document[:8]}:{p.start}-{p.end}", *shared, "consensus",
                         "consensus", "", *place, p.start, p.end, text, memo])
            continue
        for m in p.members:
            rows.append([m.uuid, *shared, m.coder, m.origin, m.created_at or "", *place, p.start, p.end, text,
                         data.pseudo.text(m.memo)])
    kinds = ["attr"] * len(columns)
    kinds[columns.index("text")] = "text"
    kinds[columns.index("memo")] = "short"
    table = Table("codings", columns, rows, kinds)
    table.freeze_columns = 1
    return table


def respondent_code_table(data: ExportData) -> Table:
    """Respondents × every code: 1 when the respondent has at least one passage of the code."""
    codes = list(data.tree)
    respondents = data.respondents()
    index = {c.uuid: i for i, c in enumerate(codes)}
    has: dict[str, set[int]] = {c.uuid: set() for c in respondents}
    for p, case in data.pairs():
        if case in has and p.code in index:
            has[case].add(index[p.code])
    columns = ["respondent", *data.case_keys, *[data.code_path(c.uuid) for c in codes]]
    rows = []
    for c in respondents:
        marks = has[c.uuid]
        rows.append([c.label, *[display(c.attributes.get(k)) for k in data.case_keys],
                     *[1 if i in marks else 0 for i in range(len(codes))]])
    kinds = ["key"] + ["attr"] * len(data.case_keys) + ["number"] * len(codes)
    return Table("respondent x code", columns, rows, kinds)


@without_gc
def export_tidy(project, output: str | Path, options: ExportOptions | None = None, progress=None) -> Written:
    check_suffix(output, SUFFIXES, "tidy data")
    with project.read_only():
        data = load(project, options, progress)
    tables = [codings_table(data, progress), respondent_code_table(data)]
    return write_tables(output, tables, f"Codings — {data.project_name}", data.about(), SUFFIXES, progress)
