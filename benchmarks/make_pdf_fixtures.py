"""Make the PDF fixtures in tests/fixtures/pdf with LibreOffice (soffice), with their true text.

Real reports are laid out in ways that trip text extractors: two columns, a running header and a
page-number footer on every page, words hyphenated at line ends. Each fixture is written as a flat
OpenDocument text (.fodt) with those features and converted to PDF by LibreOffice; the text the PDF
should give back is written beside it (``<name>.truth.txt``, paragraphs separated by blank lines,
pages by a form feed). ``scanned.pdf`` is a picture of a page with no text layer.

    python benchmarks/make_pdf_fixtures.py   (needs soffice on PATH; the results are committed)
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pdf"
SOFT = "\u00ad"

WORDS = ("onderwijsassistenten werkdrukverlaging administratieve registratieverplichtingen schoolbesturen "
         "loopbaanperspectief professionalisering verantwoordelijkheden arbeidsvoorwaarden ondersteuning "
         "leerkrachten klassenorganisatie ervaringscertificaat lerarentekort vervangingsproblematiek").split()
SMALL = "de het een en van in op met voor dat is niet ook maar door als bij om naar wordt zijn er".split()


def paragraph(rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        out.append(rng.choice(WORDS) if rng.random() < 0.35 else rng.choice(SMALL))
    out[0] = out[0].capitalize()
    return out


def soft(word: str) -> str:
    """Soft hyphens every four letters inside long words, so a narrow column breaks them."""
    if len(word) < 10:
        return word
    return SOFT.join(word[i:i + 4] for i in range(0, len(word), 4))


def fodt(paragraphs: list[list[str]], columns: int, header: str, page_breaks: set[int]) -> str:
    body = []
    for i, words in enumerate(paragraphs):
        style = "Brk" if i in page_breaks else "Body"
        text = " ".join(soft(w) for w in words)
        body.append(f'<text:p text:style-name="{style}">{escape(text if text.endswith(".") else text + ".")}</text:p>')
    cols = (f'<style:columns fo:column-count="{columns}" fo:column-gap="0.8cm"/>' if columns > 1 else "")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
 <style:style style:name="Body" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:margin-bottom="0.3cm"/>
  <style:text-properties fo:font-size="10pt" fo:language="nl" fo:country="NL"/>
 </style:style>
 <style:style style:name="Brk" style:family="paragraph" style:parent-style-name="Body">
  <style:paragraph-properties fo:break-before="page"/>
 </style:style>
 <style:style style:name="Hdr" style:family="paragraph">
  <style:text-properties fo:font-size="8pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PL">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin="2cm">{cols}</style:page-layout-properties>
  <style:header-style/><style:footer-style/>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="PL">
  <style:header><text:p text:style-name="Hdr">{escape(header)}</text:p></style:header>
  <style:footer><text:p text:style-name="Hdr">Pagina <text:page-number text:select-page="current"/></text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:text>{"".join(body)}</office:text></office:body>
</office:document>"""


def convert(src: Path, dest_dir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("soffice (LibreOffice) is needed to make the fixtures")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(dest_dir), str(src)], check=True, capture_output=True, timeout=180)
    return dest_dir / (src.stem + ".pdf")


HEADER = "Werkdruk van onderwijsassistenten · eindrapport 2024"


def make_pdf(paragraphs: list[list[str]], columns: int, out: Path, breaks: set[int] = frozenset()) -> Path:
    """Typeset ``paragraphs`` (lists of words; a full stop is added) as ``out`` (.pdf); returns ``out``."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / f"{out.stem}.fodt"
        src.write_text(fodt(paragraphs, columns, HEADER, set(breaks)), encoding="utf-8")
        shutil.copy(convert(src, Path(d)), out)
    return out


def make(name: str, columns: int, seed: int, n_paragraphs: int, breaks: set[int]) -> None:
    rng = random.Random(seed)
    paragraphs = [paragraph(rng, rng.randint(40, 90)) for _ in range(n_paragraphs)]
    make_pdf(paragraphs, columns, OUT / f"{name}.pdf", breaks)
    truth = "\n\n".join(" ".join(p) if p[-1].endswith(".") else " ".join(p) + "." for p in paragraphs)
    (OUT / f"{name}.truth.txt").write_text(truth + "\n", encoding="utf-8")


def make_scanned() -> None:
    """A page that is a picture only (what a scanner without OCR gives), written by hand: one
    grey-scale image of text-like bars on an A4 page, no text objects."""
    import zlib

    w, h = 620, 877
    rows = bytearray()
    for y in range(h):
        line = bytearray([255]) * w
        k, r = divmod(y - 80, 18)
        if 80 <= y < 80 + 18 * 40 and r < 8:
            line[60:60 + 300 + (k * 73) % 200] = bytes([40]) * (300 + (k * 73) % 200)
        rows += line
    image = zlib.compress(bytes(rows))
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(image)) + image + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    (OUT / "scanned.pdf").write_bytes(bytes(out))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    make("report_two_columns", 2, 7, 14, {7})
    make("report_one_column", 1, 11, 10, {5})
    make_scanned()
    for f in sorted(OUT.iterdir()):
        print(f"{f.name:32} {f.stat().st_size:>8} bytes")
