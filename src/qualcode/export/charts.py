"""Charts for a report (PNG, matplotlib with the Agg backend): per theme a bar chart of how many
respondents mention each code (by group with ``--by``), an overview of the themes, and a
co-occurrence heatmap."""

from __future__ import annotations

import textwrap
from pathlib import Path

from qualcode.export.cooccurrence import build_cooccurrence
from qualcode.export.dataset import ExportData, load
from qualcode.export.frequencies import Frequencies, build_frequencies
from qualcode.export.options import ExportOptions
from qualcode.export.progress import of
from qualcode.export.writers import atomic_path, slug

COLOURS = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C",
           "#CCB974", "#64B5CD"]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _save(fig, path: Path) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=150, bbox_inches="tight")
    return path


def bar_chart(f: Frequencies, theme_uuid: str | None, path: Path) -> Path | None:
    """Share of respondents mentioning each code of a theme (or each theme, for None), per group."""
    plt = _pyplot()
    if theme_uuid is None:
        rows = [r for r in f.rows if r.is_theme]
        title = "Themes: respondents who mention them"
    else:
        rows = [r for r in f.rows if r.theme == theme_uuid and not r.is_theme]
        title = f.data.tree.by_uuid[theme_uuid].name
    if not rows or not any(r.codings for r in rows):
        return None
    groups: list[str | None] = list(f.groups) or [None]
    rows = list(reversed(rows))  # matplotlib draws bottom-up; keep the top code at the top
    height = 0.8 / len(groups)
    fig, ax = plt.subplots(figsize=(9, max(2.2, 0.32 * len(rows) * max(1, len(groups) * 0.6) + 1.2)))
    for gi, group in enumerate(groups):
        values = [100 * f.share(r, group) for r in rows]
        ys = [i + ((len(groups) - 1) / 2 - gi) * height for i in range(len(rows))]  # first group on top
        label = f"{group} (N={f.group_sizes.get(group, 0)})" if group else f"all respondents (N={f.total})"
        bars = ax.barh(ys, values, height=height * 0.95, color=COLOURS[gi % len(COLOURS)], label=label)
        counts = [len(r.by_group.get(group, ())) if group else len(r.respondents) for r in rows]
        for bar, n in zip(bars, counts):
            if n:
                ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, str(n), va="center", fontsize=7)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([_wrap(r.label) for r in rows], fontsize=8)
    ax.set_xlim(0, 105)
    ax.set_xlabel("% of respondents who mention it (number at the bar)")
    ax.set_title(title, fontsize=11, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    if f.by:
        ax.legend(title=f.by, fontsize=8, title_fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1),
                  frameon=False)
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def heatmap(data: ExportData, path: Path, unit: str = "span", max_codes: int = 30) -> Path | None:
    """Co-occurrence of the most used codes, as a heatmap with the counts written in."""
    plt = _pyplot()
    co = build_cooccurrence(data, unit, ["codes"])
    n = len(co.columns)
    if n < 2:
        return None
    order = sorted(range(n), key=lambda i: -co.counts[i][i])[:max_codes]
    order.sort()  # back to codebook order
    labels = [co.columns[i].label for i in order]
    values = [[co.counts[i][j] if i != j else 0 for j in order] for i in order]
    size = max(6.0, 0.45 * len(order) + 3.5)  # cells big enough for two-digit numbers at 8 pt
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    image = ax.imshow(values, cmap="Blues")
    ax.set_xticks(range(len(order)))
    ax.set_yticks(range(len(order)))
    ax.set_xticklabels([_wrap(x, 28) for x in labels], rotation=60, ha="right", fontsize=7)
    ax.set_yticklabels([_wrap(x, 40) for x in labels], fontsize=7)
    top = max((v for row in values for v in row), default=0)
    if len(order) <= 30:
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v:
                    ax.text(j, i, str(v), ha="center", va="center", fontsize=8 if len(order) <= 20 else 7,
                            fontweight="bold", color="white" if v > top * 0.55 else "#1a1a1a")
    what = {"span": "overlapping passages", "turn": "turns with both codes", "document": "documents with both codes"}
    shown = f" ({len(order)} most used codes of {n})" if n > len(order) else ""
    ax.set_title(f"Code co-occurrence: {what[unit]}{shown}", fontsize=11, loc="left")
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    try:
        return _save(fig, path)
    finally:
        plt.close(fig)


def export_charts(project, output: str | Path, by: str | None = None, unit: str = "span",
                  options: ExportOptions | None = None, max_codes: int = 30, progress=None) -> list[Path]:
    """Write the PNG charts into the folder ``output``; returns the files written."""
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        from qualcode.errors import ProjectError

        raise ProjectError(f"{folder}: charts go into a folder, and this is a file; name a folder instead.")
    from qualcode.store.files import prepare_output

    prepare_output(folder, folder=True)
    with project.read_only():
        data = load(project, options, progress)
    f = build_frequencies(data, by)
    written = []
    suffix = f"_by_{slug(f.by)}" if f.by else ""
    overview = bar_chart(f, None, folder / f"themes{suffix}.png")
    if overview:
        written.append(overview)
    for i, theme in enumerate(of(progress).track(data.tree.roots(), "drawing charts"), start=1):
        path = bar_chart(f, theme.uuid, folder / f"frequencies_{i:02d}_{slug(theme.name)}{suffix}.png")
        if path:
            written.append(path)
    path = heatmap(data, folder / f"cooccurrence_{unit}.png", unit, max_codes)
    if path:
        written.append(path)
    return written
