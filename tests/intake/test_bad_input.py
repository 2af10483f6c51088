"""Hostile and broken uploads through intake's public entry: each is refused with its stable error code,
or read with a warning where part of it is still good."""

import functools
import io
import random
import zipfile
from collections.abc import Callable

import pytest
from PIL import Image

from intake.errors import IntakeError
from intake.parse import parse
from intake.settings import IntakeSettings
from models.document import ParseStatus
from tests.intake.pdf_factory import (
    TextPage,
    build_pdf,
    content_bomb_pdf,
    encrypted,
    image_pdf,
    raw_text_pdf,
    zeros_deflated,
)

THREE_PAGES = [TextPage([f"Statement of Work, page {n}"]) for n in (1, 2, 3)]


@functools.cache
def three_page_pdf() -> bytes:
    return build_pdf(THREE_PAGES)


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(output, format="PNG")
    return output.getvalue()


def zip_of_text() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return output.getvalue()


CASES: list[tuple[str, Callable[[], bytes], IntakeSettings, str]] = [
    ("zero bytes", lambda: b"", IntakeSettings(), "empty_file"),
    ("whitespace only", lambda: b" \n\t\r\n ", IntakeSettings(), "empty_file"),
    ("random bytes", lambda: random.Random(1).randbytes(4096), IntakeSettings(), "unsupported_file"),
    ("PNG image", png, IntakeSettings(), "unsupported_file"),
    ("ZIP that is not DOCX", zip_of_text, IntakeSettings(), "unsupported_file"),
    (
        "truncated PDF",
        lambda: three_page_pdf()[: len(three_page_pdf()) // 2],
        IntakeSettings(),
        "corrupt_file",
    ),
    (
        "garbage after %PDF-",
        lambda: b"%PDF-1.7\n" + random.Random(2).randbytes(4096),
        IntakeSettings(),
        "corrupt_file",
    ),
    (
        "user password",
        lambda: encrypted(three_page_pdf(), "user-secret", "owner-secret"),
        IntakeSettings(),
        "encrypted_pdf",
    ),
    ("over the size limit", three_page_pdf, IntakeSettings(max_file_mb=0.001), "too_large"),
    ("over the page limit", three_page_pdf, IntakeSettings(max_pages=2), "too_many_pages"),
    (
        "300 MB of zeros, over an 8 MB budget",
        lambda: content_bomb_pdf(zeros_deflated(300)),
        IntakeSettings(max_inflated_mb=8),
        "decompression_bomb",
    ),
    (
        "300 MB of zeros, under the 512 MB budget but at 1000:1",
        lambda: content_bomb_pdf(zeros_deflated(300)),
        IntakeSettings(),
        "decompression_bomb",
    ),
    (
        "300 MB of zeros behind two Flate layers, 500000:1",
        lambda: content_bomb_pdf(zeros_deflated(300), extra_layers=1),
        IntakeSettings(),
        "decompression_bomb",
    ),
    (
        "image of 20000 × 20000 pixels",
        lambda: image_pdf(20_000, 20_000, "Site plan"),
        IntakeSettings(),
        "decompression_bomb",
    ),
]


@pytest.mark.parametrize(("make_data", "settings", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_with_its_error_code(
    make_data: Callable[[], bytes], settings: IntakeSettings, code: str
) -> None:
    with pytest.raises(IntakeError) as raised:
        parse(make_data(), "upload.pdf", settings)

    assert raised.value.code == code


def test_pdf_encrypted_with_an_empty_user_password_reads_with_a_warning() -> None:
    data = encrypted(three_page_pdf(), "", "owner-secret")

    document = parse(data, "locked-for-editing.pdf")

    assert [w.code for w in document.warnings] == ["encrypted_empty_password"]
    assert document.status == ParseStatus.ok
    assert [page.text for page in document.pages] == [f"Statement of Work, page {n}" for n in (1, 2, 3)]


def test_one_unreadable_page_leaves_the_others_readable() -> None:
    # page 2 of the page tree points at an object the file does not hold: PDFium cannot load that page
    data = raw_text_pdf(["Scope: data migration", None, "Fees: USD 12,000.00"])

    document = parse(data, "damaged.pdf")

    assert document.status == ParseStatus.partial
    assert [(w.code, w.page) for w in document.warnings] == [("page_unreadable", 2)]
    assert [page.text for page in document.pages] == ["Scope: data migration", "", "Fees: USD 12,000.00"]
    assert document.pages[1].width_pt is None
    assert document.pages[2].width_pt == 612.0
    assert document.text.index("Fees: USD 12,000.00") == document.pages[2].char_start


def test_image_within_pils_pixel_limit_is_read_normally() -> None:
    # the same hand-written file as the bomb case, with an image PIL would open without complaint
    data = image_pdf(9_000, 9_000, "Site plan")

    document = parse(data, "site-plan.pdf", IntakeSettings(ocr_enabled=False))

    assert document.text == "Site plan"
    assert [(w.code, w.page) for w in document.warnings] == [("ocr_disabled", 1)]
