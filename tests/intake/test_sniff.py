import io
import zipfile

import pytest

from intake.errors import EmptyFile, IntakeError, UnsupportedFile
from intake.sniff import DOCX, MARKDOWN, PDF, PLAIN, sniff
from intake.text import parse_text


def zip_of(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"%PDF-1.7\n...", "contract.PDF", PDF),
        (b"\n\n%PDF-1.4 junk before the header is allowed", "x", PDF),
        (zip_of(["[Content_Types].xml", "word/document.xml"]), "sow", DOCX),
        (zip_of(["[Content_Types].xml", "word/document.xml"]), "sow.docx", DOCX),
        (b"# Proposal\n\nTotal: 49000 DAI", "proposal.md", MARKDOWN),
        (b"Statement of Work", "sow.txt", PLAIN),
        ("Société Générale – 10 000 €".encode(), "x.txt", PLAIN),
        (b"Use <b>bold</b> and <br> in Markdown", "notes.markdown", MARKDOWN),
    ],
)
def test_type_comes_from_bytes_and_the_name_agrees(data: bytes, filename: str, expected: str) -> None:
    assert sniff(data, filename) == expected


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (
            b"<!DOCTYPE html>\n<html><head><title>Sign in</title>",
            "contract.pdf",
            "named .pdf but the content is an HTML page",
        ),
        (
            b"\xef\xbb\xbf  <html lang='en'><body>Session expired</body></html>",
            "sow.docx",
            "named .docx but the content is an HTML page",
        ),
        (b"Statement of Work\nTotal: 10,000", "sow.pdf", "named .pdf but the content is plain text"),
        (b"%PDF-1.7\n...", "contract.docx", "named .docx but the content is a PDF"),
        (
            zip_of(["[Content_Types].xml", "word/document.xml"]),
            "sow.pdf",
            "named .pdf but the content is a Word",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.pdf", "named .pdf but the content is a PNG image"),
        (b"Statement of Work", "sow.html", "plain text is taken only as a .txt or .md file"),
        (b"Statement of Work", "upload", "plain text is taken only as a .txt or .md file"),
        (b"<!doctype html><p>hi</p>", "page.txt", "an HTML page"),
        (b"<?xml version='1.0'?><root/>", "data.txt", "an XML file"),
    ],
)
def test_a_name_that_claims_another_type_is_refused_naming_both(
    data: bytes, filename: str, message: str
) -> None:
    with pytest.raises(UnsupportedFile) as refused:
        sniff(data, filename)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyFile),
        (b"  \n\t ", EmptyFile),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", UnsupportedFile),
        (zip_of(["a.txt"]), UnsupportedFile),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, UnsupportedFile),
        (bytes(range(256)) * 10, UnsupportedFile),
    ],
)
def test_refused_types(data: bytes, error: type[IntakeError]) -> None:
    with pytest.raises(error):
        sniff(data, "file.pdf")


def test_text_keeps_the_text_verbatim_on_one_page() -> None:
    data = "\ufeff# Proposal\r\n\r\n* **Total Costs:** 49000 DAI\r\n".encode()
    doc = parse_text(data, "p.md", "0" * 64, MARKDOWN)
    assert doc.text == "# Proposal\n\n* **Total Costs:** 49000 DAI\n"
    assert len(doc.pages) == 1
    assert doc.pages[0].text == doc.text
