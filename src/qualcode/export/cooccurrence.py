"""Code co-occurrence: code × code counts of where both codes apply.

Units (``--unit``):

- ``span``: pairs of overlapping passages, one with each code, coded by the same coder (with
  ``--coder all`` two coders' different codes on the same words are a disagreement, not a
  co-occurrence). The diagonal holds the number of passages of the code.
- ``turn``: speaker turns in which both codes apply (by any selected coder); diagonal: turns with the code.
- ``document``: documents in which both codes apply; diagonal: documents with the code.

Codes can be rolled up (``themes`` or named code paths with their sub-codes); overlaps between two
codes that fall in the same roll-up are not counted off the diagonal.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from qualcode.errors import ProjectError
from qualcode.export.columns import Column, resolve_columns
from qualcode.export.dataset import ExportData, load
from qualcode.export.options import ExportOptions
from qualcode.export.progress import of
from qualcode.export.writers import Table, Written, check_suffix, write_tables
from qualcode.export.gcpause import without_gc

UNITS = ("span", "turn", "document")
SUFFIXES = (".csv", ".xlsx", ".md", ".html")


@dataclass
class Cooccurrence:
    data: ExportData
    unit: str
    columns: list[Column]
    counts: list[list[int]]

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.columns]

    def pairs(self) -> list[tuple[str, str, int]]:
        """(code, code, count) for every pair with a count, largest first."""
        out = [(self.columns[i].label, self.columns[j].label, self.counts[i][j])
               for i, j in combinations(range(len(self.columns)), 2) if self.counts[i][j]]
        return sorted(out, key=lambda t: -t[2])

    def table(self) -> Table:
        rows = [[c.label, *self.counts[i]] for i, c in enumerate(self.columns)]
        kinds = ["short"] + ["number"] * len(self.columns)
        caption = {"span": "Overlapping coded passages (same coder); diagonal: passages with the code.",
                   "turn": "Speaker turns in which both codes apply; diagonal: turns with the code.",
                   "document": "Documents in which both codes apply; diagonal: documents with the code."}[self.unit]
        return Table(f"Co-occurrence ({self.unit})", ["Code", *self.labels], rows, kinds, caption)

    def to_dataframe(self):
        import pandas as pd

        return pd.DataFrame(self.counts, index=self.labels, columns=self.labels)


def build_cooccurrence(source, unit: str = "span", codes: list[str] | None = None,
                       options: ExportOptions | None = None, progress=None) -> Cooccurrence:
    if unit not in UNITS:
        raise ProjectError(f"--unit must be one of {', '.join(UNITS)}, not '{unit}'.")
    if isinstance(source, ExportData):
        data = source
    else:
        with source.read_only():
            data = load(source, options, progress)
    columns = resolve_columns(data, codes or ["codes"])
    n = len(columns)
    counts = [[0] * n for _ in range(n)]
    cols_of: dict[str, list[int]] = {}
    for i, col in enumerate(columns):
        for code in col.codes:
            cols_of.setdefault(code, []).append(i)
    passages = [p for p in data.selected_passages() if p.code in cols_of]
    if unit == "span":
        _spans(passages, cols_of, counts, progress)
    else:
        units: dict[tuple, set[int]] = {}
        for p in passages:
            keys = [(p.document,)] if unit == "document" else [(p.document, t) for t in p.turns]
            for key in keys:
                units.setdefault(key, set()).update(cols_of[p.code])
        for present in units.values():
            for i in present:
                counts[i][i] += 1
            for i, j in combinations(sorted(present), 2):
                counts[i][j] += 1
                counts[j][i] += 1
    return Cooccurrence(data, unit, columns, counts)


def _spans(passages, cols_of, counts, progress) -> None:
    by_doc: dict[str, list] = {}
    for p in passages:
        by_doc.setdefault(p.document, []).append(p)
        own = cols_of[p.code]
        for i in own:
            counts[i][i] += 1
        for i, j in combinations(sorted(own), 2):  # overlapping roll-ups both holding the code
            counts[i][j] += 1
            counts[j][i] += 1
    for items in of(progress).track(list(by_doc.values()), "counting overlaps"):
        items.sort(key=lambda p: p.start)
        active: list = []
        for p in items:
            active = [q for q in active if q.end > p.start]
            coders = set(p.coders)
            for q in active:
                if not coders.intersection(q.coders):
                    continue
                for i in cols_of[p.code]:
                    for j in cols_of[q.code]:
                        if i != j:
                            counts[i][j] += 1
                            counts[j][i] += 1
            active.append(p)


@without_gc
def export_cooccurrence(project, output: str | Path, unit: str = "span", codes: list[str] | None = None,
                        options: ExportOptions | None = None, progress=None) -> Written:
    check_suffix(output, SUFFIXES, "a co-occurrence table")
    co = build_cooccurrence(project, unit, codes, options, progress)
    about = co.data.about() + [("unit", unit)]
    return write_tables(output, [co.table()], f"Code co-occurrence — {co.data.project_name}", about, SUFFIXES)
