"""Render the report exports as a report writer sees them: .docx and .xlsx → PDF → PNG pages.

    python tools/render_check.py PROJECT [--out FOLDER] [--pages 3] [--pseudonymise]

Runs the report exports on PROJECT (quote book .docx, data matrix .xlsx and .docx, frequencies,
agreement workbook, …), converts each .docx/.xlsx to PDF with LibreOffice
(``soffice --headless --convert-to pdf``) and the first pages of each PDF to PNG
(``pdftoppm -png``), and prints the page count per file. Look at the PNGs: this is the check
the tests cannot make (they read the files with openpyxl and python-docx). Needs LibreOffice
(libreoffice-writer-nogui, libreoffice-calc-nogui) and poppler-utils.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

EXPORTS = [
    ("quotes.docx", ["export", "quotes"]),
    ("quotes_en_memos.docx", ["export", "quotes", "--language", "en", "--memos"]),
    ("matrix.xlsx", ["export", "matrix"]),
    ("matrix_by_perspective.xlsx", ["export", "matrix", "--group-by", "perspective"]),
    ("matrix_themes.xlsx", ["export", "matrix", "--layout", "themes"]),
    ("matrix_report.docx", ["export", "matrix", "--group-by", "perspective"]),
    ("frequencies.xlsx", ["export", "frequencies", "--by", "perspective"]),
    ("cooccurrence.xlsx", ["export", "cooccurrence", "--unit", "turn"]),
    ("agreement.xlsx", ["agreement"]),
    ("disagreements.docx", ["disagreements"]),
]


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--out", default="render_check")
    ap.add_argument("--pages", type=int, default=3, help="pages rendered to PNG per file (default 3)")
    ap.add_argument("--pseudonymise", action="store_true")
    ap.add_argument("--only", nargs="+", help="only these outputs (file names from the list above)")
    a = ap.parse_args()
    for tool in ("soffice", "pdftoppm"):
        if not shutil.which(tool):
            print(f"{tool} is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
                  "poppler-utils)", file=sys.stderr)
            return 2
    from qualcode.cli.main import main as qualcode

    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, args in EXPORTS:
        if a.only and name not in a.only:
            continue
        target = out / name
        extra = ["--pseudonymise"] if a.pseudonymise and args[0] in ("export", "disagreements") else []
        cmd = [*args, a.project, "-o", str(target), *extra]
        code = qualcode(cmd)
        if code:
            print(f"qualcode {' '.join(cmd)} failed ({code})", file=sys.stderr)
            continue
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(target)],
                       check=True, capture_output=True)
        pdf = target.with_suffix(".pdf")
        pages = _pages(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(a.pages), str(pdf),
                        str(out / target.stem)], check=True)
        print(f"{name}: {pages} page(s); PNGs: {out / target.stem}-*.png", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
