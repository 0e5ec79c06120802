"""Open survey answers (CSV or XLSX): one row per respondent, one document per answer column.

A survey often goes with an interview study: the same respondents, or more of them, answer open
questions in writing. Each open-answer column becomes a document of kind ``survey`` that starts
with the question (the column header) and then holds one turn per respondent, ``R12: the answer``,
so coding, suggestions and exports work on it as on a transcript and every passage belongs to its
respondent. The other columns become the respondents' typed attributes (age, school type, …).

Columns: ``id_column`` names the respondent column (default: the first column called respondent,
id, name, …, else the first column); ``answers`` names the open-answer columns (default: the text
columns whose answers are long and mostly different from each other). A respondent id that is a
bare number becomes ``<id column> <number>`` ("respondent 12") so it reads as a name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import InputError
from qualcode.ingest.attributes import CASE_KEYS, _convert, _infer
from qualcode.ingest.encoding import canonicalise, read_text_file
from qualcode.ingest.model import ParsedTurn

MIN_ANSWER_CHARS = 25  # mean length of an open answer, at least
MAX_ROWS = 100_000


@dataclass
class SurveyTable:
    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line or row number, cells as text)


@dataclass
class SurveyPlan:
    id_column: str
    answers: list[str]
    attributes: dict[str, str]  # column -> type
    respondents: list[tuple[int, str]] = field(default_factory=list)  # (line, case name)


def read_table(path, sheet: str | None = None) -> SurveyTable:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "the file does not exist.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _xlsx(path, sheet)
    elif suffix in (".csv", ".tsv", ".txt"):
        if sheet:
            raise InputError(path, "--sheet is for .xlsx files; a CSV file has no sheets.")
        header, rows = _csv(path)
    else:
        raise InputError(path, f"unsupported survey file type '{path.suffix or '(none)'}'; use .csv or .xlsx.")
    header = [canonicalise(h).strip() for h in header]
    if not any(header):
        raise InputError(path, "the first row (the column names) is empty.", line=1)
    for i, h in enumerate(header):
        if not h:
            raise InputError(path, f"column {i + 1} has no name.", line=1)
    dupes = [h for h in header if [x.casefold() for x in header].count(h.casefold()) > 1]
    if dupes:
        raise InputError(path, f"two columns are named '{dupes[0]}'.", line=1, field=dupes[0])
    for line, cells in rows:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise InputError(path, f"the row has {len(cells)} cells but there are {len(header)} columns.", line=line)
    rows = [(line, [canonicalise(c) for c in (cells + [""] * len(header))[:len(header)]]) for line, cells in rows]
    rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise InputError(path, "the file has column names but no answers.")
    return SurveyTable(path, header, rows)


def _csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = canonicalise(read_text_file(path))
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                raise InputError(path, f"more than {MAX_ROWS} rows; split the file.")
    except StopIteration:
        raise InputError(path, "the CSV file is empty.") from None
    except csv.Error as exc:
        raise InputError(path, f"the CSV cannot be read ({exc}).", line=reader.line_num) from None
    return header, rows


def _cell(value) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(path, f"this is not a readable .xlsx workbook ({type(exc).__name__}).") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise InputError(path, f"there is no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)}).", field="--sheet")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        try:
            header = [_cell(v) for v in next(it)]
        except StopIteration:
            raise InputError(path, f"the sheet '{ws.title}' is empty.") from None
        while header and not header[-1].strip():
            header.pop()
        rows = []
        for n, values in enumerate(it, start=2):
            rows.append((n, [_cell(v) for v in values]))
            if len(rows) > MAX_ROWS:
                raise InputError(path, f"more than {MAX_ROWS} rows; split the file.")
        return header, rows
    finally:
        wb.close()


def _is_open(values: list[str]) -> bool:
    present = [" ".join(v.split()) for v in values if v.strip()]
    if not present or _infer(present) != "text":
        return False
    mean = sum(len(v) for v in present) / len(present)
    return mean >= MIN_ANSWER_CHARS and len(set(present)) >= 0.6 * len(present)


def plan(table: SurveyTable, id_column: str | None = None, answers: list[str] | None = None) -> SurveyPlan:
    header, path = table.header, table.path
    by_key = {h.casefold(): h for h in header}

    def column(name: str, what: str) -> str:
        if name.casefold() not in by_key:
            raise InputError(path, f"there is no column '{name}' ({what}); the columns are: {', '.join(header)}.",
                             field=what)
        return by_key[name.casefold()]

    if id_column:
        key = column(id_column, "--id")
    else:
        key = next((h for h in header if h.casefold() in CASE_KEYS), header[0])
    col = {h: i for i, h in enumerate(header)}
    values = {h: [cells[col[h]] for _, cells in table.rows] for h in header}
    if answers:
        chosen = [column(a, "--answers") for a in answers]
        if key in chosen:
            raise InputError(path, f"'{key}' names the respondents; it cannot also be an answer column.", field="--answers")
    else:
        chosen = [h for h in header if h != key and _is_open(values[h])]
        if not chosen:
            raise InputError(path, "no column looks like open answers (long, varied text); name them with "
                             "--answers 'Question 1' --answers 'Question 2'.")
    attributes = {h: _infer(values[h]) for h in header if h != key and h not in chosen}
    p = SurveyPlan(key, chosen, attributes)
    ids = [cells[col[key]].strip() for _, cells in table.rows]
    numeric = all(re.fullmatch(r"\d+", i) for i in ids if i)
    seen: dict[str, int] = {}
    for (line, cells), rid in zip(table.rows, ids):
        if not rid:
            raise InputError(path, "the row has no respondent id.", line=line, field=key)
        name = f"{key} {rid}" if numeric else " ".join(rid.split())
        if name.casefold() in seen:
            raise InputError(path, f"respondent '{rid}' also appears on line {seen[name.casefold()]}; "
                             "one row per respondent.", line=line, field=key)
        seen[name.casefold()] = line
        p.respondents.append((line, name))
    return p


def answer_document(table: SurveyTable, p: SurveyPlan, column: str) -> tuple[str, list[ParsedTurn]]:
    """The text of one answer column (the question, then one paragraph per answer) and its turns."""
    i = table.header.index(column)
    parts, turns = [column], [ParsedTurn(None, 0, len(column))]
    pos = len(column)
    for (line, cells), (_, name) in zip(table.rows, p.respondents):
        answer = re.sub(r"\n\s*\n+", "\n", cells[i].strip())
        answer = "\n".join(" ".join(ln.split()) for ln in answer.split("\n"))
        if not answer:
            continue
        prefix = f"{name}: "
        pos += 2
        turns.append(ParsedTurn(name, pos + len(prefix), pos + len(prefix) + len(answer)))
        parts.append(prefix + answer)
        pos += len(prefix) + len(answer)
    return "\n\n".join(parts), turns


def respondent_attributes(table: SurveyTable, p: SurveyPlan) -> list[tuple[str, dict]]:
    col = {h: i for i, h in enumerate(table.header)}
    out = []
    for (line, cells), (_, name) in zip(table.rows, p.respondents):
        values = {}
        for key, type_ in p.attributes.items():
            cell = cells[col[key]].strip()
            if not cell:
                continue
            try:
                values[key] = _convert(cell, type_)
            except ValueError:
                raise InputError(table.path, f"'{cell}' is not a valid {type_}.", line=line, field=key) from None
        out.append((name, values))
    return out


def import_survey(project, path, id_column: str | None = None, answers: list[str] | None = None,
                  sheet: str | None = None, name: str | None = None) -> dict:
    """Store the survey in ``project`` in one transaction. Returns what was made."""
    table = read_table(path, sheet)
    p = plan(table, id_column, answers)
    base = name or Path(path).stem.replace("_", " ")
    docs = []
    with project.transaction():
        for column in p.answers:
            text, turns = answer_document(table, p, column)
            if len(turns) == 1:
                docs.append({"document": None, "column": column, "answers": 0, "status": "empty"})
                continue
            doc, created = project.documents.add(f"{base}: {column}", text, turns, kind="survey",
                                                source_path=str(path), source_format=Path(path).suffix.lstrip(".").lower())
            docs.append({"document": doc.name, "column": column, "answers": len(turns) - 1,
                         "status": "imported" if created else "unchanged"})
        for case_name, values in respondent_attributes(table, p):
            case = project.cases.ensure(case_name, "respondent")
            for key, value in values.items():
                project.attributes.set("case", case.uuid, key, value, p.attributes[key])
    return {"file": str(path), "respondents": len(p.respondents), "id_column": p.id_column,
            "documents": docs, "attributes": p.attributes}
