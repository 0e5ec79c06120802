"""PDF, ODT and RTF documents: text, pages for citations, transcripts recognised, clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcode.cli.main import main
from qualcode.errors import InputError
from qualcode.export.quotes import build_quote_book
from qualcode.ingest.pdf_text import join_lines, pdf_text, strip_running_lines
from qualcode.ingest.readers import read_transcript
from qualcode.store.project import Project

FIX = Path(__file__).resolve().parents[1] / "fixtures"
HEADER = "Werkdruk van onderwijsassistenten · eindrapport 2024"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@pytest.mark.parametrize("name", ["report_two_columns", "report_one_column"])
def test_pdf_text_is_the_true_text_without_running_lines_or_hyphenation(name):
    text, pages = pdf_text(FIX / "pdf" / f"{name}.pdf")
    truth = (FIX / "pdf" / f"{name}.truth.txt").read_text(encoding="utf-8")
    assert HEADER not in text and "Pagina" not in text
    assert _words(text) == _words(truth)  # columns in order, hyphenated words whole
    # paragraphs come back as paragraphs
    assert text.split("\n\n") == truth.strip().split("\n\n")
    assert [n for _, n in pages] == [1, 2]


def test_page_starts_point_at_the_first_words_of_each_page():
    import pypdf

    path = FIX / "pdf" / "report_two_columns.pdf"
    text, pages = pdf_text(path)
    reader = pypdf.PdfReader(str(path))
    for pos, number in pages:
        raw = reader.pages[number - 1].extract_text().split("\n")
        first_body_line = next(ln for ln in raw if ln.strip() and HEADER not in ln)
        head = first_body_line.split()[0].rstrip("-")
        assert text[pos:].startswith(head), (number, text[pos:pos + 40], first_body_line)


def test_a_scanned_pdf_is_refused_with_a_clear_message():
    with pytest.raises(InputError, match=r"scanned\.pdf.*no text layer.*OCR"):
        pdf_text(FIX / "pdf" / "scanned.pdf")


def test_not_a_pdf(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"hello, I am not a PDF")
    with pytest.raises(InputError, match="not a PDF"):
        read_transcript(path)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((FIX / "pdf" / "report_one_column.pdf").read_bytes()[:3000])
    with pytest.raises(InputError, match="broken.pdf"):
        read_transcript(broken)


def test_clean_up_rules():
    pages = [["Rapport 2024", "Tekst een", "Pagina 1"], ["Rapport 2024", "Tekst twee", "Pagina 2"],
             ["Rapport 2024", "Tekst drie", "- 3 -"]]
    assert strip_running_lines(pages) == [["Tekst een"], ["Tekst twee"], ["Tekst drie"]]
    lines = ["Dit is een lange regel over professional-", "isering in het onderwijs in Noord-",
             "Holland en elders.", "Kort.", "Nieuwe alinea die lang genoeg is om mee te tellen."]
    assert join_lines(lines, usual=45) == [
        "Dit is een lange regel over professionalisering in het onderwijs in Noord-Holland en elders.",
        "Kort.", "Nieuwe alinea die lang genoeg is om mee te tellen."]


def test_a_report_pdf_imports_as_text_and_quotes_cite_its_page(tmp_path, codebook_file, capsys):
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project), "--codebook", str(codebook_file)]) == 0
    assert main(["import", str(project), str(FIX / "pdf" / "report_two_columns.pdf")]) == 0
    with Project.open(project) as p:
        (doc,) = p.documents.list()
        assert doc.kind == "text" and doc.respondents == () and p.cases.list() == []
        text = p.documents.get(doc.uuid).text
        marks = p.anchors.of(doc.uuid, "page")
        assert [n for _, n in marks] == [1, 2]
    second = marks[1][0]
    words = text[second:].split()
    quote = " ".join(words[3:8])
    assert main(["code", str(project), doc.name, "--quote", quote, "--code", "EVC", "--coder", "anna"]) == 0
    quote1 = " ".join(text.split()[2:6])
    assert main(["code", str(project), doc.name, "--quote", quote1, "--code", "Vrijstelling", "--coder", "anna"]) == 0
    with Project.open(project) as p:
        _, groups = build_quote_book(p)
    cites = {g.name: [q.citation() for q in g.quotes] for g in groups}
    assert cites["EVC"] == [f"{doc.name}, p. 2"] and cites["Vrijstelling"] == [f"{doc.name}, p. 1"]
    out = tmp_path / "quotes.md"
    assert main(["export", "quotes", str(project), "-o", str(out)]) == 0
    assert "p. 2" in out.read_text(encoding="utf-8")


def test_a_passage_across_a_page_break_cites_both_pages(tmp_path):
    from qualcode.export.dataset import page_label

    assert page_label(3, 3) == "p. 3" and page_label(3, 4) == "pp. 3–4" and page_label(None, None) == ""


TRUTH = (FIX / "office" / "interview.truth.txt").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("name", ["office/interview.odt", "office/interview.rtf", "pdf/interview.pdf"])
def test_a_transcript_in_odt_rtf_or_pdf_gets_its_speakers(name):
    parsed = read_transcript(FIX / name)
    assert parsed.text == TRUTH
    assert [t.speaker for t in parsed.turns] == ["Interviewer", "Karin"] * 3
    assert parsed.kind is None  # a transcript: the kind is guessed as for any transcript
    assert parsed.text[parsed.turns[-1].start:parsed.turns[-1].end].endswith("café, crèche, reünie: alles liep door.")


def test_odt_built_by_hand_reads_paragraphs_tables_and_skips_notes(tmp_path):
    import zipfile

    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>'
               '<text:h>Beleid</text:h><text:p>Een<text:s text:c="2"/>zin<text:note><text:note-body>'
               '<text:p>voetnoot</text:p></text:note-body></text:note>.</text:p>'
               '<table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>'
               '<table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>'
               '</office:text></office:body></office:document-content>')
    path = tmp_path / "beleid.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", content)
    parsed = read_transcript(path)
    assert parsed.text == "Beleid\n\nEen  zin.\n\na\tb"
    assert parsed.kind == "text"


def test_bad_odt_and_rtf(tmp_path):
    bad = tmp_path / "x.odt"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="x.odt.*OpenDocument"):
        read_transcript(bad)
    rtf = tmp_path / "x.rtf"
    rtf.write_text("plain text", encoding="utf-8")
    with pytest.raises(InputError, match=r"x.rtf.*not an RTF"):
        read_transcript(rtf)


def test_kind_text_imports_a_txt_without_speakers(tmp_path):
    path = tmp_path / "comments.txt"
    path.write_text("Covid: the numbers went up.\n\nPfizer: they made billions.\n", encoding="utf-8")
    project = tmp_path / "p.qualcode"
    assert main(["init", str(project)]) == 0
    assert main(["import", str(project), str(path), "--kind", "text"]) == 0
    with Project.open(project) as p:
        (doc,) = p.documents.list()
        assert doc.kind == "text" and p.cases.list() == [] and doc.turns == 2
