"""The code matrix behind the TUI's code matrix view: codes (rows, grouped by theme) ×
respondents (columns), each cell the passages that respondent said which carry the code.

No Textual here. The counts come from :func:`qualcode.export.matrix.build_matrix` (so they are
the data matrix export's counts: a passage coded alike by several coders counts once, a passage
belongs to each respondent whose turn it overlaps), transposed; a theme's row rolls up its codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CodeRow:
    code: str
    label: str
    depth: int  # 0 for a theme
    codes: frozenset[str]  # the codes counted in this row (a theme: all of its codes)


@dataclass
class Respondent:
    uuid: str
    label: str
    documents: str


@dataclass
class CodeMatrix:
    rows: list[CodeRow]
    columns: list[Respondent]
    cells: dict[tuple[int, int], list] = field(default_factory=dict)  # (row, column) -> export Passages
    texts: dict[str, str] = field(default_factory=dict)  # document uuid -> text (for context)
    names: dict[str, str] = field(default_factory=dict)  # document uuid -> name
    unassigned: int = 0  # passages that belong to no respondent (not in the matrix)

    def count(self, row: int, column: int) -> int:
        return len(self.cells.get((row, column), ()))

    def row_total(self, row: int) -> int:
        return sum(self.count(row, c) for c in range(len(self.columns)))

    def max_count(self, themes: bool = False) -> int:
        return max((len(v) for (r, _), v in self.cells.items() if (self.rows[r].depth == 0) == themes), default=0)

    def passage_rows(self, row: int, column: int, context: int = 120) -> list[dict]:
        """The cell's passages as rows for the passages screen (document, start, end, text, context)."""
        out = []
        for p in self.cells.get((row, column), ()):
            text = self.texts.get(p.document, "")
            out.append({
                "document": p.document, "document_name": self.names.get(p.document, p.document),
                "code": p.code, "coder": ", ".join(p.coders), "start": p.start, "end": p.end,
                "text": text[p.start:p.end] or p.text, "memo": "; ".join(p.memos),
                "before": text[max(0, p.start - context):p.start], "after": text[p.end:p.end + context],
                "speaker": ", ".join(p.speakers),
            })
        return out


def code_rows(tree) -> list[CodeRow]:
    """Every code in codebook order: each theme, then its codes (indented by depth)."""
    out = []

    def walk(code, depth: int) -> None:
        kids = tree.kids(code.uuid)
        codes = frozenset([code.uuid] + [c.uuid for c in tree.descendants(code.uuid)]) if depth == 0 \
            else frozenset([code.uuid])
        out.append(CodeRow(code.uuid, code.name, depth, codes))
        for kid in kids:
            walk(kid, depth + 1)

    for root in tree.roots():
        walk(root, 0)
    return out


def build_code_matrix(project, coder: str | None = None, progress=None) -> CodeMatrix:
    """The matrix for ``coder``'s codings (None: every coder's, identical spans once)."""
    from qualcode.export.columns import Column
    from qualcode.export.matrix import build_matrix
    from qualcode.export.options import ExportOptions

    tree = project.codebook.tree()
    rows = code_rows(tree)
    columns = [Column(r.label, r.code, r.codes, tree.theme(r.code).uuid) for r in rows]
    with project.read_only():
        m = build_matrix(project, "respondents", attributes=[], options=ExportOptions(coder=coder or "all"),
                         progress=progress, _columns=columns)
        docs = sorted({p.document for p in m.data.passages})
        texts = project.reads.texts(docs)
    out = CodeMatrix(rows, [Respondent(r.key, r.label, r.context) for r in m.rows], texts=texts,
                     names={d.uuid: d.label for d in m.data.documents.values()}, unassigned=m.data.unassigned)
    for (r, c), passages in m.cells.items():  # export rows are respondents: transpose
        out.cells[(c, r)] = [p for p, _ in passages]
    return out
