"""A coder's codings as CSV or JSONL: diffable, one coding per line, with the text it covers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from qualcode.domain.locate import find_quote
from qualcode.errors import InputError, ProjectError
from qualcode.ingest.encoding import canonicalise, read_text_file
from qualcode.store.codings import NewCoding

FIELDS = ("uuid", "document", "code", "coder", "start", "end", "text", "memo", "origin", "created_at")
REQUIRED = ("document", "code")


def coding_records(project, codings) -> list[dict]:
    names = project.documents.names()
    tree = project.codebook.tree()
    return [
        {
            "uuid": c.uuid, "document": names[c.document], "code": tree.path(c.code), "coder": c.coder,
            "start": c.start, "end": c.end, "text": c.text, "memo": c.memo, "origin": c.origin,
            "created_at": c.created_at,
        }
        for c in codings
    ]


def format_codings(records: list[dict], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if fmt == "json":
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for r in records:
            writer.writerow({k: _safe_cell(r[k]) for k in FIELDS})
        return buf.getvalue()
    raise ProjectError(f"unknown format '{fmt}' (use csv, jsonl or json).")


def _safe_cell(value):
    """Spreadsheet programs run cells that begin with = + - @ as formulas; quote those as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _read_records(path: Path) -> list[tuple[int, dict]]:
    text = canonicalise(read_text_file(path))
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json") and text.lstrip()[:1] in ("{", "["):
        if text.lstrip().startswith("["):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
            return [(i + 1, r) for i, r in enumerate(data)]
        out = []
        for line_no, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(path, f"not valid JSON: {exc.msg}", line=line_no) from None
            if not isinstance(record, dict):
                raise InputError(path, "each line must be a JSON object", line=line_no)
            out.append((line_no, record))
        return out
    reader = csv.DictReader(io.StringIO(text))
    missing = [f for f in REQUIRED if f not in (reader.fieldnames or [])]
    if not missing and not ({"start", "end"} <= set(reader.fieldnames or []) or {"text", "quote"} & set(reader.fieldnames or [])):
        missing = ["start"]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}", line=1, field=missing[0])
    return [(i, row) for i, row in enumerate(reader, start=2)]


def read_codings(project, path: str | Path, coder: str | None = None) -> list[NewCoding]:
    """Resolve a coder file against the project: documents by name, codes by path, spans checked.

    When a record's text no longer sits at its offsets (the transcript was edited), the text is
    looked up in the document; found once, the coding moves there; otherwise it is an error.
    """
    path = Path(path)
    out = []
    for line, rec in _read_records(path):
        for f in REQUIRED:
            if rec.get(f) in (None, ""):
                raise InputError(path, "a required value is empty", line=line, field=f)
        try:
            doc = project.documents.get(str(rec["document"]))
            code = project.codebook.get(str(rec["code"]))
        except ProjectError as exc:
            raise InputError(path, str(exc).rstrip("."), line=line) from None
        quote = rec.get("text") or rec.get("quote") or ""
        if rec.get("start") in (None, "") or rec.get("end") in (None, ""):
            if not quote:
                raise InputError(path, "give start and end, or the quoted text", line=line, field="start")
            hits = find_quote(doc.text, quote)
            occurrence = int(rec.get("occurrence") or 0)
            if not hits or (len(hits) > 1 and not 1 <= occurrence <= len(hits)):
                found = "not found" if not hits else f"found {len(hits)} times (add an occurrence)"
                raise InputError(path, f"the quoted text is {found} in '{doc.name}'", line=line, field="text")
            start, end = hits[occurrence - 1 if len(hits) > 1 else 0]
        else:
            try:
                start, end = int(rec["start"]), int(rec["end"])
            except (TypeError, ValueError):
                raise InputError(path, "start and end must be whole numbers", line=line, field="start") from None
            if quote and doc.text[start:end] != quote:
                hits = find_quote(doc.text, quote)
                if len(hits) != 1:
                    raise InputError(path, f"the quoted text is not at {start}-{end} in '{doc.name}' and cannot be "
                                     "placed unambiguously", line=line, field="text")
                start, end = hits[0]
        if not (0 <= start < end <= len(doc.text)):
            raise InputError(path, f"the span {start}-{end} is outside '{doc.name}' ({len(doc.text)} characters)",
                             line=line, field="end")
        who = coder or rec.get("coder")
        if not who:
            raise InputError(path, "no coder given (add a coder column or pass --coder)", line=line, field="coder")
        origin = rec.get("origin") or "human"
        if origin not in ("human", "suggestion", "auto"):
            raise InputError(path, f"unknown origin '{origin}'", line=line, field="origin")
        out.append(NewCoding(
            document=doc.uuid, code=code.uuid, coder=who, start=start, end=end,
            memo=rec.get("memo") or "", origin=origin, uuid=rec.get("uuid") or None,
            created_at=rec.get("created_at") or None, source=str(path),
        ))
    return out
