"""Read-only queries the coding workspace needs (and any other front end may use).

A mixin for :class:`qualcode.store.project.Project`; no Textual here.
"""

from __future__ import annotations

import re


class TuiQueriesMixin:
    db: object

    def coded_chars_by_document(self, coder: str | None = None) -> dict[str, int]:
        """Characters covered by at least one coding (of ``coder``, or anyone's), per document."""
        sql, args = "SELECT document, start, end FROM codings", []
        if coder:
            sql += " WHERE coder = ?"
            args.append(coder)
        out: dict[str, int] = {}
        cur_doc, cur_end, total = None, -1, 0
        for doc, start, end in self.db.execute(sql + " ORDER BY document, start", args):
            if doc != cur_doc:
                if cur_doc is not None:
                    out[cur_doc] = total
                cur_doc, cur_end, total = doc, -1, 0
            if end > cur_end:
                total += end - max(start, cur_end)
                cur_end = end
        if cur_doc is not None:
            out[cur_doc] = total
        return out

    def recent_codes(self, coder: str, limit: int = 9) -> list[str]:
        """The codes ``coder`` used most recently, newest first (no repeats)."""
        out: list[str] = []
        for (code,) in self.db.execute(
            "SELECT code FROM codings WHERE coder = ? ORDER BY created_at DESC, rowid DESC LIMIT 500", [coder]
        ):
            if code not in out:
                out.append(code)
                if len(out) >= limit:
                    break
        return out

    def respondent_case_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT uuid FROM cases WHERE role = 'respondent'")}

    def code_passages(self, codes: list[str], coder: str | None = None, context: int = 120,
                      limit: int = 2000) -> list[dict]:
        """Every passage coded with one of ``codes`` across the study, with text before and after.

        Each row: coding, document, document_name, code, coder, start, end, text, memo,
        before, after, speaker. Ordered by document name and position.
        """
        if not codes:
            return []
        marks = ",".join("?" for _ in codes)
        sql = (
            "SELECT g.uuid, g.document, d.name, g.code, g.coder, g.start, g.end, g.memo, "
            "substr(d.text, max(1, g.start - ? + 1), g.start - max(0, g.start - ?)), "
            "substr(d.text, g.start + 1, g.end - g.start), substr(d.text, g.end + 1, ?), "
            "(SELECT t.speaker FROM turns t WHERE t.document = g.document AND t.start <= g.start "
            " ORDER BY t.start DESC LIMIT 1) "
            f"FROM codings g JOIN documents d ON d.uuid = g.document WHERE g.code IN ({marks})"
        )
        args: list = [context, context, context, *codes]
        if coder:
            sql += " AND g.coder = ?"
            args.append(coder)
        sql += " ORDER BY d.name, g.start, g.end LIMIT ?"
        args.append(limit)
        keys = ("coding", "document", "document_name", "code", "coder", "start", "end", "memo",
                "before", "text", "after", "speaker")
        return [dict(zip(keys, r)) for r in self.db.execute(sql, args)]

    def search_text(self, query: str, document: str | None = None, context: int = 60,
                    limit: int = 500) -> list[dict]:
        """Case-insensitive matches of ``query`` (white space flexible) in one document or all.

        Each row: document, document_name, start, end, before, match, after.
        """
        words = query.split()
        if not words:
            return []
        pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
        sql, args = "SELECT uuid, name, text FROM documents", []
        if document:
            sql += " WHERE uuid = ?"
            args.append(document)
        out: list[dict] = []
        for uuid, name, text in self.db.execute(sql + " ORDER BY name", args):
            for m in pattern.finditer(text):
                s, e = m.span()
                out.append({
                    "document": uuid, "document_name": name, "start": s, "end": e,
                    "before": text[max(0, s - context):s], "match": text[s:e], "after": text[e:e + context],
                })
                if len(out) >= limit:
                    return out
        return out

    def uncoded_respondent_turns(self, document: str, coder: str | None = None) -> list[tuple[int, int, int]]:
        """``(turn index, start, end)`` of respondent turns no coding overlaps, in order."""
        sql = (
            "SELECT t.idx, t.start, t.end FROM turns t JOIN cases c ON c.uuid = t.case_uuid "
            "WHERE t.document = ? AND c.role = 'respondent' AND NOT EXISTS ("
            " SELECT 1 FROM codings g WHERE g.document = t.document AND g.start < t.end AND g.end > t.start"
        )
        args: list = [document]
        if coder:
            sql += " AND g.coder = ?"
            args.append(coder)
        sql += ") ORDER BY t.idx"
        return [tuple(r) for r in self.db.execute(sql, args)]
