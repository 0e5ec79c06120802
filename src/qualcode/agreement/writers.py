"""Writing agreement reports (.xlsx) and disagreement lists (.csv, .docx).

Inputs are the plain dictionaries of :mod:`qualcode.agreement.data` (code paths and
document names already filled in). Files are written to a temporary name and renamed, so a
failed write leaves no half-written file. openpyxl and python-docx are imported lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

STATS = (
    "percent_agreement", "jaccard", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
    "unitized_alpha", "unitized_alpha_binary", "segment_agreement", "segment_kappa_brennan_prediger",
    "code_presence",
)


def _atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    from qualcode.store.files import atomic_output

    path = Path(path)
    with atomic_output(path) as tmp:
        write(tmp)
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

PERCENTS = {"percent_agreement", "jaccard", "segment_agreement", "code_presence"}
LABELS = {
    "percent_agreement": "% agreement", "jaccard": "Jaccard", "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa", "krippendorff_alpha": "Krippendorff's alpha",
    "unitized_alpha": "u-alpha", "unitized_alpha_binary": "|u-alpha", "segment_agreement": "segment agreement",
    "segment_kappa_brennan_prediger": "Brennan-Prediger kappa (segments)", "code_presence": "code presence",
    "documents": "documents", "documents_with_all_coders": "documents coded by all", "characters": "characters",
    "cohen_kappa_characters": "Cohen's kappa (characters)", "fleiss_kappa_characters": "Fleiss' kappa (characters)",
    "cohen_kappa_segments": "Cohen's kappa (segments)", "fleiss_kappa_segments": "Fleiss' kappa (segments)",
    "cohen_kappa_documents": "Cohen's kappa (documents)", "fleiss_kappa_documents": "Fleiss' kappa (documents)",
    "coded_characters": "coded characters", "segments": "segments", "segments_matched": "segments matched",
    "overlap_characters": "overlapping characters", "codes": "codes", "units": "units",
}


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def _kind(stat: str) -> str:
    return "percent1" if stat in PERCENTS else "decimal"


def _figures_table(title: str, key_titles: list[str], rows: dict[str, dict[str, Any]], coders: list[str],
                   split_path: bool = False):
    """One row per code / domain / document: counts (a column per coder for per-coder counts),
    then value and n of each statistic, then the reasons of the figures that are n/a."""
    from qualcode.export.writers import Table

    if not rows:
        return Table(title, key_titles, [["(none)"] + [""] * (len(key_titles) - 1)], ["short"] * len(key_titles))
    first = next(iter(rows.values()))
    counts = [k for k, v in first.items() if not _is_stat(v)]
    stats = _stats_in(first)
    columns, kinds = list(key_titles), ["short"] * len(key_titles)
    for c in counts:
        if isinstance(first[c], dict):
            columns += [f"{_label(c)}: {coder}" for coder in coders]
            kinds += ["number"] * len(coders)
        else:
            columns.append(_label(c))
            kinds.append("short" if isinstance(first[c], (list, tuple)) else "number")
    for s in stats:
        columns += [_label(s), f"{_label(s)} n"]
        kinds += [_kind(s), "number"]
    columns.append("n/a reasons")
    kinds.append("text")
    out = []
    for key, figures in rows.items():
        if split_path:
            theme, _, rest = key.partition("/")
            lead = [theme, rest or "(the theme itself)"]
        else:
            lead = [key]
        values, reasons = [], []
        for c in counts:
            v = figures.get(c)
            if isinstance(first[c], dict):
                values += [(v or {}).get(coder, 0) for coder in coders]
            else:
                values.append(_cell(v))
        for s in stats:
            st = figures.get(s) or {"value": None, "reason": "not computed", "n": 0}
            values += ["n/a" if st["value"] is None else st["value"], st["n"]]
            if st["value"] is None:
                reasons.append(f"{_label(s)}: {st['reason']}")
        out.append([*lead, *values, "; ".join(reasons)])
    return Table(title, columns, out, kinds, freeze_columns=len(key_titles))


def report_tables(report: dict[str, Any]) -> tuple[list, list[tuple[str, str]]]:
    """The agreement report as tables (Overall, Per code, Per domain, Per document, Documents,
    Definitions) and the lines of its About sheet."""
    from qualcode.export.writers import Table

    coders = list(report["coders"])
    overall = report["overall"]
    rows, formats = [], {}
    for key in _stats_in(overall):
        st = overall[key]
        if st["value"] is not None:
            formats[(len(rows), 1)] = "0.0%" if key in PERCENTS else "0.000"
        rows.append([_label(key), "n/a" if st["value"] is None else st["value"], st["n"], st["reason"] or "",
                     report["definitions"].get(key, "")])
    for key, value in overall.items():
        if not _is_stat(value):
            if isinstance(value, dict):
                for coder in coders:
                    rows.append([f"{_label(key)}: {coder}", value.get(coder, 0), "", "", ""])
            else:
                rows.append([_label(key), _cell(value), "", "", ""])
    tables = [Table("Overall", ["statistic", "value", "n", "reason (when n/a)", "definition"], rows,
                    ["short", "number", "number", "text", "text"], formats=formats)]
    tables.append(_figures_table("Per code", ["theme", "code"], report["per_code"], coders, split_path=True))
    tables.append(_figures_table("Per domain", ["domain"], report["domains"], coders))
    if "per_document" in report:
        tables.append(_figures_table("Per document", ["document"], report["per_document"], coders))
    docs = [[name, "yes", ""] for name in report["documents_compared"]]
    docs += [[name, "no", why] for name, why in report["documents_excluded"].items()]
    tables.append(Table("Documents", ["document", "compared", "reason"], docs, ["short", "attr", "text"]))
    tables.append(Table("Definitions", ["term", "key (in --json)", "definition"],
                        [[_label(k), k, text] for k, text in report["definitions"].items()],
                        ["short", "attr", "text"]))
    about = [("coders", ", ".join(coders)), ("codes", str(len(report["codes"]))),
             ("documents compared", str(report["documents"])),
             ("documents not compared", str(len(report["documents_excluded"]))),
             ("min overlap (segments)", str(report["min_overlap"]))]
    return tables, about


def write_report_xlsx(path: str | Path, report: dict[str, Any]) -> Path:
    """Sheets: Overall, Per code, Per domain, Per document (when computed), Documents, Definitions,
    About; written by the exports' writer (string cells never become formulas; percentages as %,
    other figures with 3 decimals; frozen header; printable)."""
    from qualcode.export.writers import write_xlsx

    tables, about = report_tables(report)
    write_xlsx(path, tables, about)
    return Path(path)


# --------------------------------------------------------------------------- disagreements

CSV_COLUMNS = ("document", "turn", "speaker", "code", "start", "end", "coded_by", "not_coded_by",
               "also_coded", "text")


def disagreements_csv(rows: list[dict[str, Any]]) -> str:
    """The CSV text; every cell through :func:`qualcode.domain.cells.safe` (no formulas)."""
    from qualcode.domain.cells import csv_text

    out = []
    for r in rows:
        also = "; ".join(f"{c}: {', '.join(codes)}" for c, codes in r["also_coded"].items())
        out.append([r["document"], r["turn"], r["speaker"], r["code"], r["start"], r["end"],
                    ", ".join(r["coded_by"]), ", ".join(r["not_coded_by"]), also, r["text"]])
    return csv_text(CSV_COLUMNS, out)


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
