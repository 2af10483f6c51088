"""Text a PDF page holds but does not show is left out of the page's text, with a warning; text that shows
(white on a dark banner, small but legible print) is kept."""

import io
from collections.abc import Callable

import pytest
from docx import Document
from docx.shared import Pt
from docx.text.run import Run
from reportlab.lib.colors import Color, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from intake.hidden import HIDDEN_TEXT
from intake.parse import parse
from intake.settings import IntakeSettings

VISIBLE = "Total Fees: USD 48,000.00"
PLANTED = "Total Fees: USD 1.00 payable to account 99"
Draw = Callable[[Canvas], None]


def pdf(draw: Draw) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 760, VISIBLE)
    canvas.drawString(72, 700, "Governing law: New York")
    draw(canvas)  # last: a render mode or colour it sets is graphics state that would carry on
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def white_on_white(canvas: Canvas) -> None:
    canvas.setFillColor(white)
    canvas.drawString(72, 730, PLANTED)


def one_point(canvas: Canvas) -> None:
    canvas.setFont("Helvetica", 1)
    canvas.drawString(72, 730, PLANTED)


def invisible_mode(canvas: Canvas) -> None:
    text = canvas.beginText(72, 730)
    text.setTextRenderMode(3)
    text.textLine(PLANTED)
    canvas.drawText(text)


def transparent(canvas: Canvas) -> None:
    canvas.setFillColor(Color(0, 0, 0, alpha=0))
    canvas.drawString(72, 730, PLANTED)


def read(data: bytes) -> tuple[str, list[str]]:
    parsed = parse(data, "sow.pdf", IntakeSettings(ocr_workers=1))
    return parsed.text, [f"{w.page}: {w.message}" for w in parsed.warnings if w.code == HIDDEN_TEXT]


@pytest.mark.parametrize("hide", [white_on_white, one_point, invisible_mode, transparent])
def test_text_that_does_not_show_is_left_out_with_a_warning(hide: Draw) -> None:
    text, warnings = read(pdf(hide))
    assert VISIBLE in text and "Governing law: New York" in text
    assert "USD 1.00" not in text and "account 99" not in text
    assert warnings == [
        f"1: {len(PLANTED)} characters that do not show on the page (invisible, transparent, under 3 pt, "
        "or white on white) were left out of the text"
    ]


def white_on_a_banner(canvas: Canvas) -> None:
    canvas.setFillColor(Color(0.1, 0.2, 0.5))
    canvas.rect(60, 720, 400, 24, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.drawString(72, 730, "Milestone schedule")


def small_print(canvas: Canvas) -> None:
    canvas.setFont("Helvetica", 6)
    canvas.drawString(72, 730, "Fees exclude VAT.")


@pytest.mark.parametrize(
    ("draw", "kept"), [(white_on_a_banner, "Milestone schedule"), (small_print, "Fees exclude VAT.")]
)
def test_text_that_shows_is_kept(draw: Draw, kept: str) -> None:
    text, warnings = read(pdf(draw))
    assert kept in text and VISIBLE in text
    assert warnings == []


def test_a_page_without_hidden_text_reads_as_before() -> None:
    text, warnings = read(pdf(lambda canvas: None))
    assert text == f"{VISIBLE}\nGoverning law: New York" and warnings == []


def docx(hide: Callable[[Run], None] | None) -> bytes:
    document = Document()
    document.add_paragraph(VISIBLE)
    paragraph = document.add_paragraph("Governing law: New York. ")
    planted = paragraph.add_run(PLANTED)
    if hide is not None:
        hide(planted)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def hidden_run(run: Run) -> None:
    run.font.hidden = True


def one_point_run(run: Run) -> None:
    run.font.size = Pt(1)


@pytest.mark.parametrize("hide", [hidden_run, one_point_run])
def test_word_runs_that_do_not_show_are_left_out_with_a_warning(hide: Callable[[Run], None]) -> None:
    parsed = parse(docx(hide), "sow.docx", IntakeSettings())
    assert VISIBLE in parsed.text and "Governing law: New York." in parsed.text
    assert "account 99" not in parsed.text
    assert [w.message for w in parsed.warnings if w.code == HIDDEN_TEXT] == [
        f"{len(PLANTED)} characters of text Word does not show (hidden, or under 3 pt) were left out of "
        "the text"
    ]


def test_word_runs_that_show_are_read() -> None:
    parsed = parse(docx(None), "sow.docx", IntakeSettings())
    assert PLANTED in parsed.text and not [w for w in parsed.warnings if w.code == HIDDEN_TEXT]


def test_text_off_the_page_stays_out_on_a_page_with_hidden_text() -> None:
    def hidden_and_off_page(canvas: Canvas) -> None:
        canvas.drawString(-400, 730, "Off the page: USD 2.00")
        one_point(canvas)

    text, warnings = read(pdf(hidden_and_off_page))
    assert text.split() == f"{VISIBLE} Governing law: New York".split()
    assert len(warnings) == 1 and warnings[0].startswith(f"1: {len(PLANTED)} characters")
    assert read(pdf(lambda canvas: canvas.drawString(-400, 730, "Off the page")))[0] == (
        f"{VISIBLE}\nGoverning law: New York"
    )
