"""Code frequencies: per code the number of coded passages and of respondents who mention it,
optionally broken down by a respondent attribute (``--by perspective``), sorted so that each
theme's top codes stand out — the seeds' "top 3 causes of workload" per perspective.

Counts: *codings* are coded passages (identical spans of several coders count once); a respondent
*mentions* a code when at least one of its passages lies in their turns; percentages are of the
respondents in scope (after ``--where``), per group with ``--by``. A respondent whose attribute
holds two values ('sector; organisatie') counts in both groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualcode.export.dataset import ExportData, load
from qualcode.export.filters import case_values, doc_values
from qualcode.export.options import ExportOptions
from qualcode.export.writers import Table, Written, check_suffix, write_tables
from qualcode.export.gcpause import without_gc

SUFFIXES = (".xlsx", ".csv", ".md", ".html")
NONE = "(none)"
SMALL_GROUP = 5  # groups of fewer respondents are flagged: a percentage of 1 or 2 people says little


@dataclass
class CodeFrequency:
    code: str  # uuid
    theme: str  # theme uuid
    label: str  # the code's name within its theme
    is_theme: bool
    codings: int
    documents: int
    respondents: set[str] = field(default_factory=set)
    by_group: dict[str, set[str]] = field(default_factory=dict)  # group -> respondents
    rank: int = 0  # 1 = most respondents within its theme (0 for theme rows); tied codes share a rank
    tied: bool = False  # another code of the theme has as many respondents


@dataclass
class Frequencies:
    data: ExportData
    by: str | None
    groups: list[str]  # group values, in order
    group_sizes: dict[str, int]
    total: int  # respondents in scope
    rows: list[CodeFrequency]  # theme row, then its codes by rank, theme after theme

    def share(self, row: CodeFrequency, group: str | None = None) -> float:
        if group is None:
            return len(row.respondents) / self.total if self.total else 0.0
        size = self.group_sizes.get(group, 0)
        return len(row.by_group.get(group, ())) / size if size else 0.0

    def top(self, theme: str, group: str | None = None, n: int = 3) -> list[CodeFrequency]:
        """The codes of a theme most respondents (of a group) mention: the first n, and every code
        tied with the n-th (so a tie is never broken by an arbitrary order)."""
        return [r for r, _rank, _tied in self.top_ranked(theme, group, n)]

    def top_ranked(self, theme: str, group: str | None = None, n: int = 3) -> list[tuple[CodeFrequency, int, bool]]:
        """(code, competition rank, tied?) for :meth:`top`: two codes with 4 respondents are both 1,
        the next is 3."""
        codes = [r for r in self.rows if r.theme == theme and not r.is_theme]
        key = (lambda r: len(r.by_group.get(group, ()))) if group else (lambda r: len(r.respondents))
        ranked = [r for r in sorted(codes, key=lambda r: (-key(r), -r.codings)) if key(r) > 0]
        counts = [key(r) for r in ranked]
        out = []
        for i, r in enumerate(ranked):
            rank = counts.index(counts[i]) + 1
            if rank > n:
                break
            out.append((r, rank, counts.count(counts[i]) > 1))
        return out

    def small(self, group: str | None) -> bool:
        size = self.group_sizes.get(group, 0) if group else self.total
        return size < SMALL_GROUP

    def group_label(self, group: str | None) -> str:
        size = self.group_sizes.get(group, 0) if group else self.total
        small = ", small group" if size < SMALL_GROUP else ""
        return f"{self.by}: {group} (N={size}{small})" if group else f"All (N={size}{small})"


def build_frequencies(source, by: str | None = None, options: ExportOptions | None = None,
                      progress=None) -> Frequencies:
    if isinstance(source, ExportData):
        data = source
    else:
        with source.read_only():
            data = load(source, options, progress)
    tree = data.tree
    if by is not None:
        by = data.filter.resolve(by, "--by")
    respondents = data.respondents()
    group_of: dict[str, list[str]] = {}
    for case in respondents:
        group_of[case.uuid] = _groups(data, case, by) if by else []
    sizes: dict[str, int] = {}
    for values in group_of.values():
        for g in values:
            sizes[g] = sizes.get(g, 0) + 1
    groups = sorted((g for g in sizes if g != NONE), key=str.casefold) + ([NONE] if NONE in sizes else [])

    rows: dict[str, CodeFrequency] = {}
    theme_rows: dict[str, CodeFrequency] = {}
    for code in tree:
        theme = tree.theme(code.uuid)
        rows[code.uuid] = CodeFrequency(code.uuid, theme.uuid, _within(tree, code.uuid), False, 0, 0)
    for root in tree.roots():
        theme_rows[root.uuid] = CodeFrequency(root.uuid, root.uuid, root.name, True, 0, 0)
    docs: dict[str, set[str]] = {}
    seen: set[int] = set()
    in_scope = set(group_of)
    for p, case in data.pairs():
        row = rows.get(p.code)
        if row is None:
            continue
        theme_row = theme_rows[row.theme]
        for r in (row, theme_row):
            if id(p) not in seen:
                r.codings += 1
            docs.setdefault(r.code if not r.is_theme else "theme:" + r.code, set()).add(p.document)
            if case in in_scope:
                r.respondents.add(case)
                for g in group_of[case]:
                    r.by_group.setdefault(g, set()).add(case)
        seen.add(id(p))
    out: list[CodeFrequency] = []
    for root in tree.roots():
        theme_row = theme_rows[root.uuid]
        theme_row.documents = len(docs.get("theme:" + root.uuid, ()))
        codes = [rows[c.uuid] for c in [root, *tree.descendants(root.uuid)]]
        for r in codes:
            r.documents = len(docs.get(r.code, ()))
        codes = [r for r in codes if r.codings or r.code != root.uuid]
        order = {c.uuid: i for i, c in enumerate(tree)}
        codes.sort(key=lambda r: (-len(r.respondents), -r.codings, order[r.code]))
        mentions = [len(r.respondents) for r in codes]
        for i, r in enumerate(codes):
            r.rank = mentions.index(mentions[i]) + 1  # competition ranking: ties share the rank
            r.tied = mentions.count(mentions[i]) > 1
        out += [theme_row, *codes]
    return Frequencies(data, by, groups, sizes, len(respondents), out)


def _groups(data: ExportData, case, key: str) -> list[str]:
    """The groups a respondent falls in: their value(s) of the attribute, or of their documents'."""
    if key == "respondent":
        return [case.label]
    values = case_values(case, key) if key in data.filter.case_keys else []
    if not values and key in data.filter.document_keys:
        for d in case.documents:
            values += doc_values(data.documents[d], key)
    return list(dict.fromkeys(values)) or [NONE]


def _within(tree, uuid: str) -> str:
    """A code's path below its theme: 'Geen hogere schalen', 'Scholing / Niet betaald'."""
    path = tree.path(uuid).split("/")
    return " / ".join(path[1:]) if len(path) > 1 else path[0] + " (theme itself)"


def frequency_table(f: Frequencies) -> Table:
    columns = ["Theme", "Code", "Rank", "Codings", "Documents", f"Respondents (N={f.total})",
               f"% of respondents (N={f.total})"]
    kinds = ["short", "short", "number", "number", "number", "number", "percent"]
    for g in f.groups:
        size = f.group_sizes[g]
        columns += [f.group_label(g), f"% {g} (N={size})"]
        kinds += ["number", "percent"]
    rows, bold, band = [], set(), set()
    names = {r.code: r.label for r in f.rows if r.is_theme}
    for r in f.rows:
        if r.is_theme:
            band.add(len(rows))
        elif 1 <= r.rank <= 3 and r.respondents:
            bold.add(len(rows))
        rank = "" if r.is_theme else (f"={r.rank}" if r.tied and r.respondents else r.rank)
        row = [names[r.theme], "(all codes in the theme)" if r.is_theme else r.label,
               rank, r.codings, r.documents, len(r.respondents), f.share(r)]
        for g in f.groups:
            row += [len(r.by_group.get(g, ())), f.share(r, g)]
        rows.append(row)
    caption = ("Codes within each theme are sorted by the number of respondents who mention them; the top 3 "
               "(with every code tied with the third) are bold; '=2' marks a rank shared by tied codes.")
    return Table("Frequencies", columns, rows, kinds, caption, bold_rows=bold, band_rows=band, freeze_columns=2)


def top_table(f: Frequencies, n: int = 3) -> Table:
    """Per theme the top n codes in each group: 'Code (4/6, 67%)'."""
    groups: list[str | None] = list(f.groups) or [None]
    columns = ["Theme", "Rank"] + [f.group_label(g) for g in groups]
    rows, band = [], set()
    for theme in f.data.tree.roots():
        band.add(len(rows))
        rows.append([theme.name, "", *[""] * len(groups)])
        tops = [f.top_ranked(theme.uuid, g, n) for g in groups]
        for i in range(max([n] + [len(t) for t in tops])):
            cells = []
            for g, top in zip(groups, tops):
                if i < len(top):
                    r, rank, tied = top[i]
                    k = len(r.by_group.get(g, ())) if g else len(r.respondents)
                    size = f.group_sizes.get(g, 0) if g else f.total
                    mark = f"(={rank}) " if tied else ""
                    cells.append(f"{mark}{r.label} ({k}/{size}, {k / size:.0%})" if size else r.label)
                else:
                    cells.append("")
            rows.append([theme.name, i + 1, *cells])
    title = f"Top {n} by {f.by}" if f.by else f"Top {n}"
    return Table(title, columns, rows, ["short", "number"] + ["short"] * len(groups), band_rows=band, freeze_columns=2)


@without_gc
def export_frequencies(project, output: str | Path, by: str | None = None,
                       options: ExportOptions | None = None, progress=None) -> Written:
    check_suffix(output, SUFFIXES, "a frequency table")
    f = build_frequencies(project, by, options, progress)
    about = f.data.about() + ([("broken down by", f.by)] if f.by else [])
    about.append(("ties", "codes mentioned by as many respondents share a rank ('=1'); a top 3 lists every "
                          "code tied with the third"))
    if any(f.small(g) for g in (f.groups or [None])):
        about.append(("small groups", f"groups of fewer than {SMALL_GROUP} respondents are marked 'small group': "
                                      "a percentage of one or two people says little"))
    return write_tables(output, [frequency_table(f), top_table(f)], f"Code frequencies — {f.data.project_name}",
                        about, SUFFIXES)
