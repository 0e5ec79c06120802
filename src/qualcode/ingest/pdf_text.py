"""PDF → canonical text with page starts: extraction, then clean-up that any extractor needs.

Reports and policy documents come as PDFs. Their text layer holds more than the text: a running
header and a page-number footer on every page, words hyphenated at line ends, every line a separate
line. :func:`read_pdf` takes the text of each page from the extractor (pypdf, chosen by measurement:
see BENCHMARKS.md, "PDF text extraction"), then

- drops running headers and footers: a line among the first or last two of a page that recurs (digits
  aside) on most pages, and bare page numbers ("12", "Pagina 12", "- 12 -", "12 / 40");
- joins words hyphenated at a line end ("professional-" + "isering" → "professionalisering"; a
  capital after the hyphen keeps it: "Noord-" + "Holland" → "Noord-Holland");
- joins the lines of a paragraph; a paragraph ends at a blank line, at a line that ends a sentence
  and stops short of the page's usual line length, or at a much shorter line (a heading, a list item)
  unless the next line goes on in lower case;

and records where each page starts in the text, so a passage can be cited as "p. 12" (the page's
position in the file, as a PDF viewer counts). A PDF without a text layer (a scan) is refused with a
clear message. Encrypted and damaged files end in one clear sentence too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from statistics import median

from qualcode.errors import InputError
from qualcode.ingest.encoding import canonicalise

ENGINES = ("pypdf", "pdfplumber")
MIN_CHARS_PER_PAGE = 25  # fewer on average: the PDF has no usable text layer
_PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:(?:page|pagina|p\.|blz\.?|seite)\s*)?\d{1,4}(?:\s*(?:/|of|van)\s*\d{1,4})?(?:\s*[-–—])?$",
                          re.IGNORECASE)
_HYPHEN_END = re.compile(r"[^\W\d_]-$")
_LABEL_START = re.compile(r"^(?:[A-Z][\w.'’-]*(?: [\w.'’-]+){0,3}|\[[^\]]{1,40}\]):\s")
_SENTENCE_END = re.compile(r"[.!?:;…]['\"’”)\]]*$")


def page_lines(path: Path, engine: str = "pypdf") -> list[list[str]]:
    """The text lines of each page, as the extractor gives them."""
    if engine == "pdfplumber":
        return _plumber_lines(path)
    return _pypdf_lines(path)


def _pypdf_lines(path: Path) -> list[list[str]]:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise InputError(path, "the PDF is password-protected; save an unprotected copy and import that.")
        return [_page_with_gaps(page) for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError) as exc:
        raise InputError(path, f"this is not a readable PDF (it may be damaged or truncated: {type(exc).__name__}).") from None


def _page_with_gaps(page) -> list[str]:
    """The page's lines, with an empty line where the next line sits lower than the usual line
    spacing allows (paragraph spacing, a heading): the layout's paragraph breaks."""
    lines: list[str] = [""]
    ys: list[float | None] = [None]
    sizes: list[float] = []

    def visit(text, cm, tm, _font, size):
        y = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]
        if text.strip() and size:
            sizes.append(abs(size * tm[3] * cm[3]) or size)
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append("")
                ys.append(None)
            if part and ys[-1] is None and (tm[4] or tm[5] or cm[4] or cm[5]):
                ys[-1] = y
            lines[-1] += part

    page.extract_text(visitor_text=visit)
    gaps = [ys[i - 1] - ys[i] for i in range(1, len(ys))
            if ys[i] is not None and ys[i - 1] is not None and ys[i - 1] - ys[i] > 0.5]
    if not gaps:
        return lines
    step = median(gaps)
    if sizes:  # a page of one-line paragraphs has only paragraph gaps: the font size says what a line is
        step = min(step, 1.25 * median(sizes))
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and ys[i] is not None and ys[i - 1] is not None and ys[i - 1] - ys[i] > 1.4 * step and out and out[-1].strip():
            out.append("")
        out.append(line)
    return out


def _plumber_lines(path: Path) -> list[list[str]]:
    import pdfplumber

    try:
        with pdfplumber.open(str(path)) as pdf:
            return [(page.extract_text() or "").split("\n") for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many kinds
        raise InputError(path, f"this is not a readable PDF (it may be damaged, truncated or protected: "
                         f"{type(exc).__name__}).") from None


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).casefold()


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Without running headers/footers and bare page numbers at the top or bottom of pages."""
    pages = [[ln for ln in p] for p in pages]
    edges: Counter = Counter()
    for p in pages:
        body = [ln for ln in p if ln.strip()]
        edges.update({_shape(ln) for ln in body[:2] + body[-2:]})
    need = max(2, round(0.6 * len(pages)))
    running = {s for s, n in edges.items() if n >= need} if len(pages) >= 2 else set()
    out = []
    for p in pages:
        idx = [i for i, ln in enumerate(p) if ln.strip()]
        edge = set(idx[:2] + idx[-2:])
        out.append([ln for i, ln in enumerate(p)
                    if not (i in edge and (_shape(ln) in running or _PAGE_NUMBER.match(ln.strip())))])
    return out


def usual_length(pages: list[list[str]]) -> float:
    """The length of a full line: the upper quartile of the line lengths of the whole document."""
    lengths = sorted(len(" ".join(ln.split())) for p in pages for ln in p if ln.strip())
    return lengths[(3 * len(lengths)) // 4] if lengths else 0


def join_lines(lines: list[str], usual: float | None = None) -> list[str]:
    """Paragraphs of one page: hyphenated words joined, wrapped lines joined by a space."""
    lines = [" ".join(ln.split()) for ln in lines]
    if usual is None:
        lengths = [len(ln) for ln in lines if ln]
        usual = median(lengths) if lengths else 0
    paragraphs: list[str] = []
    current = ""
    for k, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current:
            if _HYPHEN_END.search(current) and line[:1].islower():
                current = current[:-1] + line
            elif _HYPHEN_END.search(current) and line[:1].isupper():
                current = current + line  # Noord-Holland
            elif _SENTENCE_END.search(current) and _LABEL_START.match(line):
                paragraphs.append(current)  # a speaker label opens a turn
                current = line
            else:
                current = f"{current} {line}"
        else:
            current = line
        nxt = next((x for x in lines[k + 1:] if x), "")
        ends = (len(line) < 0.8 * usual and (_SENTENCE_END.search(line) or not nxt)) or (
            len(line) < 0.65 * usual and not nxt[:1].islower())  # a heading, a list item
        if ends:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def pdf_text(path, engine: str = "pypdf") -> tuple[str, list[tuple[int, int]]]:
    """(canonical text, [(offset where page n starts, n)]) of the PDF at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "the file does not exist.")
    with open(path, "rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF"):
            raise InputError(path, "this is not a PDF file (it does not start with '%PDF').")
    pages = page_lines(path, engine)
    chars = sum(len("".join(line.split())) for page in pages for line in page)
    if not pages or chars < MIN_CHARS_PER_PAGE * len(pages):
        raise InputError(path, f"the PDF has no text layer ({chars} characters of text on {len(pages)} page(s)); "
                         "it is probably a scan. Run OCR on it first (for example with ocrmypdf) and import the result.")
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = 0  # always len("\n\n".join(parts))
    pages = strip_running_lines(pages)
    usual = usual_length(pages)
    for number, lines in enumerate(pages, start=1):
        paragraphs = [p for p in (canonicalise(x).strip() for x in join_lines(lines, usual)) if p]
        for k, p in enumerate(paragraphs):
            if k == 0 and parts and not _SENTENCE_END.search(parts[-1]) and p[:1].islower():
                # a paragraph cut by the page break: glue this page's start to it
                last = parts[-1]
                if _HYPHEN_END.search(last):
                    here, parts[-1] = pos - 1, last[:-1] + p
                else:
                    here, parts[-1] = pos + 1, f"{last} {p}"
                marks.append((here, number))
                pos = here + len(p)
                continue
            if parts:
                pos += 2
            if k == 0:
                marks.append((pos, number))
            parts.append(p)
            pos += len(p)
    text = "\n\n".join(parts)
    return text, marks
