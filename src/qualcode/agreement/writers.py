"""Writing agreement reports (.xlsx) and disagreement lists (.csv, .docx).

Inputs are the plain dictionaries of :mod:`qualcode.agreement.data` (code paths and
document names already filled in). Files are written to a temporary name and renamed, so a
failed write leaves no half-written file. openpyxl and python-docx are imported lazily.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

STATS = (
    "percent_agreement", "jaccard", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
    "unitized_alpha", "unitized_alpha_binary", "segment_agreement", "segment_kappa_brennan_prediger",
    "code_presence",
)


def _atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _is_stat(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"value", "reason", "n"}


def _stats_in(figures: dict[str, Any]) -> list[str]:
    return [k for k in STATS if k in figures] + [k for k, v in figures.items() if _is_stat(v) and k not in STATS]


def _cell(value: Any) -> Any:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return value


# --------------------------------------------------------------------------- xlsx


def _figures_sheet(ws, key_title: str, rows: dict[str, dict[str, Any]]) -> None:
    """One row per code / domain / document: counts, then value and n of each statistic, then
    the reasons of the figures that are n/a."""
    if not rows:
        ws.append([key_title, "(none)"])
        return
    first = next(iter(rows.values()))
    counts = [k for k, v in first.items() if not _is_stat(v)]
    stats = _stats_in(first)
    ws.append([key_title, *counts, *[x for s in stats for x in (s, f"{s} n")], "n/a reasons"])
    for key, figures in rows.items():
        values, reasons = [], []
        for s in stats:
            st = figures.get(s) or {"value": None, "reason": "not computed", "n": 0}
            values += ["n/a" if st["value"] is None else st["value"], st["n"]]
            if st["value"] is None:
                reasons.append(f"{s}: {st['reason']}")
        ws.append([key, *[_cell(figures.get(c)) for c in counts], *values, "; ".join(reasons)])


def write_report_xlsx(path: str | Path, report: dict[str, Any]) -> Path:
    """Sheets: Overall, Per code, Per domain, Per document (when computed), Documents, Definitions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Overall"
    ws.append(["coders", ", ".join(report["coders"])])
    ws.append(["codes", len(report["codes"])])
    ws.append(["documents compared", report["documents"]])
    ws.append(["documents not compared", len(report["documents_excluded"])])
    ws.append(["min overlap (segments)", report["min_overlap"]])
    ws.append([])
    ws.append(["statistic", "value", "n", "reason (when n/a)", "definition"])
    overall = report["overall"]
    for key in _stats_in(overall):
        st = overall[key]
        ws.append([key, "n/a" if st["value"] is None else st["value"], st["n"], st["reason"] or "",
                   report["definitions"].get(key, "")])
    ws.append([])
    ws.append(["count", "value"])
    for key, value in overall.items():
        if not _is_stat(value):
            ws.append([key, _cell(value)])
    _figures_sheet(wb.create_sheet("Per code"), "code", report["per_code"])
    _figures_sheet(wb.create_sheet("Per domain"), "domain", report["domains"])
    if "per_document" in report:
        _figures_sheet(wb.create_sheet("Per document"), "document", report["per_document"])
    ws = wb.create_sheet("Documents")
    ws.append(["document", "compared", "reason"])
    for name in report["documents_compared"]:
        ws.append([name, "yes", ""])
    for name, why in report["documents_excluded"].items():
        ws.append([name, "no", why])
    ws = wb.create_sheet("Definitions")
    ws.append(["term", "definition"])
    for key, text in report["definitions"].items():
        ws.append([key, text])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 40
    return _atomic(path, lambda p: wb.save(p))


# --------------------------------------------------------------------------- disagreements

CSV_COLUMNS = ("document", "turn", "speaker", "code", "start", "end", "coded_by", "not_coded_by",
               "also_coded", "text")


def disagreements_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        also = "; ".join(f"{c}: {', '.join(codes)}" for c, codes in r["also_coded"].items())
        w.writerow([r["document"], r["turn"], r["speaker"], r["code"], r["start"], r["end"],
                    ", ".join(r["coded_by"]), ", ".join(r["not_coded_by"]), also, r["text"]])
    return buf.getvalue()


def write_disagreements_csv(path: str | Path, rows: list[dict[str, Any]]) -> Path:
    text = disagreements_csv(rows)
    return _atomic(path, lambda p: p.write_text(text, encoding="utf-8-sig"))


def write_disagreements_docx(path: str | Path, rows: list[dict[str, Any]], title: str,
                             coders: list[str], code_order: list[str]) -> Path:
    """A discussion document: per code (codebook order), each passage with its place, who coded
    it and who did not, the text, and an empty line for the team's decision."""
    from docx import Document
    from docx.shared import Pt

    from qualcode.agreement.data import who_coded_what

    doc = Document()
    doc.add_heading(title, level=0)
    doc.add_paragraph(f"Coders: {', '.join(coders)}. {len(rows)} passage(s) where the coders differ, "
                      "grouped by code. Settle each with 'qualcode consensus' or in the review screen.")
    # Paragraphs go in before an anchor (O(1) each; appending to the body rescans it every time).
    anchor = doc.add_paragraph()
    style_ids = {name: doc.styles[name].style_id for name in ("Heading 1", "Heading 3")}

    def para(text: str = "", style: str | None = None):
        p = anchor.insert_paragraph_before(text)
        if style:  # by id: python-docx looks a style up by name slowly, on every paragraph
            p._p.get_or_add_pPr().style = style_ids[style]
        return p

    by_code: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_code.setdefault(r["code"], []).append(r)
    order = {c: i for i, c in enumerate(code_order)}
    for code in sorted(by_code, key=lambda c: (order.get(c, len(order)), c)):
        passages = by_code[code]
        para(f"{code} ({len(passages)})", "Heading 1")
        for i, r in enumerate(passages, start=1):
            where = f"{i}. {r['document']}"
            if r["turn"]:
                where += f", turn {r['turn']}"
            if r["speaker"]:
                where += f" ({r['speaker']})"
            where += f", characters {r['start']}-{r['end']}"
            para(where, "Heading 3")
            para(who_coded_what(r))
            quote = para()
            quote.paragraph_format.left_indent = Pt(18)
            quote.add_run(r["text"].strip() or "(white space only)").italic = True
            para("Decision: ")
    if not rows:
        para("The coders agree everywhere on the chosen codes and documents.")
    return _atomic(path, lambda p: doc.save(str(p)))
