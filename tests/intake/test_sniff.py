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
        (b"%PDF-1.7\n...", "contract.docx", PDF),
        (b"\n\n%PDF-1.4 junk before the header is allowed", "x", PDF),
        (zip_of(["[Content_Types].xml", "word/document.xml"]), "sow.pdf", DOCX),
        (b"# Proposal\n\nTotal: 49000 DAI", "proposal.md", MARKDOWN),
        (b"Statement of Work", "sow.txt", PLAIN),
        ("Société Générale – 10 000 €".encode(), "x.txt", PLAIN),
    ],
)
def test_type_comes_from_bytes_not_name(data: bytes, filename: str, expected: str) -> None:
    assert sniff(data, filename) == expected


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
