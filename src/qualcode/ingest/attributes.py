"""Attributes from CSV: one row per respondent (or document), typed values."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.errors import InputError
from qualcode.ingest.encoding import canonicalise, read_text_file

CASE_KEYS = ("respondent", "case", "speaker", "participant", "respondent_id", "id", "name", "naam")
DOC_KEYS = ("document", "doc", "transcript")
TYPES = ("text", "integer", "float", "boolean", "date")
TRUE = {"true", "yes", "ja", "1", "y", "j"}
FALSE = {"false", "no", "nee", "0", "n"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class AttributeTable:
    owner_type: str  # "case" or "document"
    key_column: str
    columns: dict[str, str]  # attribute -> type
    rows: list[tuple[int, str, dict]] = field(default_factory=list)  # (csv line, owner name, values)


def _convert(value: str, type_: str):
    v = value.strip()
    if type_ == "integer":
        return int(v)
    if type_ == "float":
        return float(v.replace(",", ".")) if v.count(",") == 1 and "." not in v else float(v)
    if type_ == "boolean":
        if v.lower() in TRUE:
            return True
        if v.lower() in FALSE:
            return False
        raise ValueError(v)
    if type_ == "date":
        if not DATE.match(v):
            raise ValueError(v)
        return v
    return v


def _infer(values: list[str]) -> str:
    present = [v.strip() for v in values if v.strip()]
    if not present:
        return "text"
    for type_ in ("integer", "float", "boolean", "date"):
        try:
            for v in present:
                _convert(v, type_)
            return type_
        except ValueError:
            continue
    return "text"


def read_attributes(path: str | Path) -> AttributeTable:
    """Parse an attribute CSV (comma, semicolon or tab separated; header row required).

    The first column named respondent/case/speaker/name/id identifies respondents, or a column
    named document identifies documents. A header may declare a type: ``age:integer``.
    """
    path = Path(path)
    text = canonicalise(read_text_file(path))
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "the CSV file is empty") from None
    header = [h.strip() for h in header]
    if len(set(h.lower() for h in header)) != len(header):
        raise InputError(path, "two columns have the same name", line=1)
    lowered = [h.split(":")[0].lower() for h in header]
    key_idx = next((i for i, h in enumerate(lowered) if h in DOC_KEYS), None)
    owner_type = "document"
    if key_idx is None:
        key_idx = next((i for i, h in enumerate(lowered) if h in CASE_KEYS), None)
        owner_type = "case"
    if key_idx is None:
        raise InputError(path, "no column names the respondent or document (expected a column such as "
                         "'respondent' or 'document')", line=1, field=header[0] if header else None)
    raw_rows = []
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(path, f"the row has {len(row)} columns but the header has {len(header)}", line=line_no)
        raw_rows.append((line_no, row))
    columns: dict[str, str] = {}
    for i, h in enumerate(header):
        if i == key_idx:
            continue
        name, _, declared = h.partition(":")
        name, declared = name.strip(), declared.strip().lower()
        if not name:
            raise InputError(path, f"column {i + 1} has no name", line=1)
        if declared and declared not in TYPES:
            raise InputError(path, f"unknown type '{declared}' (use one of {', '.join(TYPES)})", line=1, field=h)
        columns[name] = declared or _infer([r[i] for _, r in raw_rows])
    table = AttributeTable(owner_type, header[key_idx], columns)
    names = list(columns)
    seen: dict[str, int] = {}
    for line_no, row in raw_rows:
        owner = row[key_idx].strip()
        if not owner:
            raise InputError(path, "the row has no respondent or document name", line=line_no, field=header[key_idx])
        if owner.casefold() in seen:
            raise InputError(path, f"'{owner}' also appears on line {seen[owner.casefold()]}", line=line_no,
                             field=header[key_idx])
        seen[owner.casefold()] = line_no
        values = {}
        others = [c for j, c in enumerate(row) if j != key_idx]
        for name, cell in zip(names, others):
            if not cell.strip():
                continue
            try:
                values[name] = _convert(cell, columns[name])
            except ValueError:
                raise InputError(path, f"'{cell}' is not a valid {columns[name]}", line=line_no, field=name) from None
        table.rows.append((line_no, owner, values))
    return table


def apply_attributes(project, table: AttributeTable, path: str | Path, create_missing: bool = False) -> dict:
    """Store the table's attributes in the project (the caller holds the transaction)."""
    unknown = []
    resolved = []
    for line_no, owner, values in table.rows:
        if table.owner_type == "case":
            case = project.cases.get(owner)
            if case is None and create_missing:
                case = project.cases.ensure(owner, "respondent")
            if case is None:
                unknown.append((line_no, owner))
                continue
            resolved.append((case.uuid, values))
        else:
            try:
                resolved.append((project.documents.get(owner).uuid, values))
            except Exception:
                unknown.append((line_no, owner))
    if unknown:
        line_no, owner = unknown[0]
        more = f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else ""
        what = "respondent" if table.owner_type == "case" else "document"
        raise InputError(path, f"unknown {what} '{owner}'{more}; import the transcripts first, fix the name, "
                         "or pass --create-missing", line=line_no, field=table.key_column)
    for owner, values in resolved:
        for key, value in values.items():
            project.attributes.set(table.owner_type, owner, key, value, table.columns[key])
    return {"rows": len(resolved), "columns": dict(table.columns), "owner_type": table.owner_type}
