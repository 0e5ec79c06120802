"""Agreement report speed: the full report (per code, per domain, pooled; every statistic) on
3 coders x 100 documents x 60 codes x 50,000 codings, against the `krippendorff` package
computing only the per-character α of a sample of codes on the same data.

    python benchmarks/bench_agreement.py                 # the default size
    python benchmarks/bench_agreement.py --codings 5000  # quicker

The reference gets per-character binary reliability data (coded 1 / not 0 / missing NaN for a
coder who did not code the document), built before its clock starts; its time per code is
scaled to all codes. Both must give the same α (checked to 1e-9).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, best_of, peak_rss_mb, write_section  # noqa: E402
from generate import generate_project  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))


def reliability_data(data, report, code: str):
    """coders x characters of the compared documents: 1 coded, 0 not coded, NaN missing."""
    import numpy as np

    present: dict[str, set[str]] = {}
    by: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for s in data.spans:
        present.setdefault(s.document, set()).add(s.coder)
        if s.code == code:
            by.setdefault((s.document, s.coder), []).append((s.start, s.end))
    blocks = []
    for doc in report.documents:
        block = np.full((len(data.coders), data.doc_lengths[doc]), np.nan)
        for i, coder in enumerate(data.coders):
            if coder in present.get(doc, ()):
                block[i] = 0
                for a, b in by.get((doc, coder), ()):
                    block[i, a:b] = 1
        blocks.append(block)
    return np.hstack(blocks)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--codings", type=int, default=50000)
    ap.add_argument("--codes", type=int, default=60)
    ap.add_argument("--sample", type=int, default=5, help="codes the reference computes")
    ap.add_argument("--no-write", action="store_true", help="print, do not update BENCHMARKS.md")
    a = ap.parse_args()
    from importlib.metadata import version

    import krippendorff

    from qualcode.store.project import Project
    from qualcode.agreement import data as aio

    coders = ("anna", "bram", "chris")
    tmp = Path(tempfile.mkdtemp(prefix="qc-bench-agreement-"))
    try:
        path = generate_project(tmp / "bench.qualcode", docs=a.docs, codings=a.codings, codes=a.codes, coders=coders)
        with Project.open(path) as project:
            t_load, data = best_of(lambda: aio.load(project), 3)
            n_codings = len(data.spans)
            t_report, report = best_of(lambda: aio.run_report(data), 3)
            t_dict, _ = best_of(lambda: aio.report_dict(data, report), 3)
            t_docs, _ = best_of(lambda: aio.per_document(data, report), 1)
            t_dis, rows = best_of(lambda: aio.disagreement_rows(project, data), 1)
        chars = sum(data.doc_lengths[d] for d in report.documents)
        sample = random.Random(3).sample(list(report.codes), min(a.sample, len(report.codes)))
        ref_times, worst = [], 0.0
        for code in sample:
            rd = reliability_data(data, report, code)
            t0 = time.perf_counter()
            expected = krippendorff.alpha(reliability_data=rd, level_of_measurement="nominal")
            ref_times.append(time.perf_counter() - t0)
            ours = report.per_code[code].stats["krippendorff_alpha"].value
            worst = max(worst, abs(ours - expected))
            assert abs(ours - expected) < 1e-9, (code, ours, expected)
        per_code_ref = sum(ref_times) / len(ref_times)
        ref_all = per_code_ref * len(report.codes)
        ours_total = t_load + t_report + t_dict
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    md = f"""## Agreement report

{len(coders)} coders x {a.docs} documents ({chars:,} characters) x {len(report.codes)} codes x
{n_codings:,} codings (`benchmarks/generate.py`). The report computes, per code, per domain and
pooled: percent agreement, Jaccard, Cohen/Fleiss κ, per-character Krippendorff α, |uα, segment
agreement (MAXQDA-style) and code presence. Reference: the `krippendorff` package (v{version("krippendorff")})
computing *only* per-character nominal α for {len(sample)} sampled codes on the same data
(reliability data built before its clock starts), scaled to all {len(report.codes)} codes.

| step | seconds |
|---|---:|
| load codings from the project (`agreement_io.load`) | {t_load:.2f} |
| full report, all codes, domains and pooled figures | {t_report:.2f} |
| JSON-ready dictionary (paths, names) | {t_dict:.3f} |
| **load + report** (what `qualcode agreement --json` does besides printing) | **{ours_total:.2f}** |
| per-document figures ({len(report.documents)} documents, `--per-document` / xlsx) | {t_docs:.2f} |
| disagreement list ({len(rows):,} passages, with text and turns) | {t_dis:.2f} |
| `krippendorff.alpha`, per code (mean of {len(sample)}) | {per_code_ref:.2f} |
| `krippendorff.alpha`, scaled to {len(report.codes)} codes | {ref_all:.1f} |

Ratio: the whole report takes **{t_report / ref_all:.3f}x** the time the reference needs for α
alone ({ref_all / t_report:.0f}x faster); with loading from the project {ours_total / ref_all:.3f}x.
Largest difference in α between the two on the sampled codes: {worst:.1e}. Peak RSS {peak_rss_mb():.0f} MB.
"""
    print(md)
    if not a.no_write:
        write_section("agreement", md)


if __name__ == "__main__":
    main()
