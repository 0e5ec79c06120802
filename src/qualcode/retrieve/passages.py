"""Every passage of a code (and its sub-codes) in full, with respondent, document, turn,
timestamp, coders and memos, and N turns (or sentences) of context on each side."""

from __future__ import annotations

from qualcode.export.dataset import clock, load
from qualcode.export.options import ExportOptions
from qualcode.retrieve.textsearch import SENTENCE_END


def passages(project, code: str, context: int = 1, unit: str = "turns", coder: str = "all",
             where=None, tree: bool = True) -> list[dict]:
    """Records, in document and text order. ``code`` is a reference (path, name, uuid)."""
    from qualcode.export.options import parse_where

    target = project.codebook.get(code)
    refs = [target.uuid]
    options = ExportOptions(coder=coder or "all", where=parse_where(where) if where else [], codes=refs)
    with project.read_only():
        data = load(project, options)
        texts = project.reads.texts(sorted({p.document for p in data.passages}))
        turns: dict[str, list] = {}
        for row in project.reads.turns():
            if row[0] in texts:
                turns.setdefault(row[0], []).append(row)
    wanted = {target.uuid} | ({c.uuid for c in data.tree.descendants(target.uuid)} if tree else set())
    out = []
    for p in data.selected_passages():
        if p.code not in wanted:
            continue
        text = texts[p.document]
        doc_turns = turns.get(p.document, [])
        before, after = _context(text, doc_turns, p, context, unit)
        out.append({
            "document": data.documents[p.document].name, "code": data.code_path(p.code),
            "respondents": [data.cases[c].name for c in p.cases], "speakers": list(p.speakers),
            "turns": [t + 1 for t in p.turns], "timestamp": clock(p.timestamp_ms) or None,
            "start": p.start, "end": p.end, "text": p.text, "coders": p.coders, "memos": p.memos,
            "before": before, "after": after, "reference": data.reference(p),
        })
    return out


def _turn_record(row, text: str) -> dict:
    return {"turn": row[1] + 1, "speaker": row[2], "timestamp": clock(row[5]) or None, "text": text[row[3]:row[4]].strip()}


def _context(text: str, doc_turns: list, p, n: int, unit: str) -> tuple[list[dict], list[dict]]:
    if n <= 0:
        return [], []
    if unit == "sentences" or not doc_turns:
        left = text[:p.start]
        ends = [m.end() for m in SENTENCE_END.finditer(left)]
        a = ends[-n - 1] if len(ends) > n else 0
        right = text[p.end:]
        stops = [m.start() for m in SENTENCE_END.finditer(right)]
        b = p.end + (stops[n] if len(stops) > n else len(right))
        return ([{"text": text[a:p.start].strip()}] if text[a:p.start].strip() else [],
                [{"text": text[p.end:b].strip()}] if text[p.end:b].strip() else [])
    idx = [r[1] for r in doc_turns]
    first = p.turns[0] if p.turns else None
    last = p.turns[-1] if p.turns else None
    if first is None:  # between turns: the nearest ones
        first = last = max((r[1] for r in doc_turns if r[3] <= p.start), default=0)
    by_idx = {r[1]: r for r in doc_turns}
    before = [_turn_record(by_idx[i], text) for i in idx if first - n <= i < first]
    after = [_turn_record(by_idx[i], text) for i in idx if last < i <= last + n]
    return before, after
