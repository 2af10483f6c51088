"""A filled form saved flat: the form's labels drawn first, the filled values drawn afterwards in their boxes.
Intake reads each value right after the label it sits under, and the review boxes still land on it."""

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen.canvas import Canvas

from intake.geometry import page_geometry, range_boxes
from intake.parse import parse
from intake.settings import IntakeSettings
from intake.storage import LocalStorage
from models.document import FORM_LAYERS
from tests.intake.pdf_factory import PAGE_HEIGHT, PAGE_WIDTH, TextPage, TwoColumnPage, build_pdf

ROWS = (700.0, 500.0, 300.0)  # each row of boxes: where its labels are printed
COLUMNS = (40.0, 230.0, 420.0)
LABELS = (
    ("1. REQUEST NUMBER", "2. CONTRACT NO.", "3. AWARD/EFFECTIVE DATE"),
    ("4. ORDER NUMBER", "5. ISSUED BY", "6. DELIVER TO"),
    ("7a CONTRACTOR/ OFFEROR.", "8. ACCOUNTING DATA", "9. DATE SIGNED"),
)
VALUES = (
    (("RQ-55-0192",), ("QX-7731-B",), ("MAR 3, 2026",)),
    (("ORD-2026-0044",), ("HARBOUR WORKS DEPARTMENT", "1 PIER ROAD"), ("SEE SCHEDULE",)),
    (("BRIGHTWATER SYSTEMS LLC", "12 QUAY STREET"), ("FUND 0417",), ("MAR 2, 2026",)),
)


TITLE = "ORDER FOR SERVICES"


def flattened_form(values_by_column: bool = True) -> bytes:
    """The form's title and every label first, row by row; then the values, each under its label, column by
    column (the stream goes back up the page once per column) or row by row (once)."""
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=letter)
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(COLUMNS[0], ROWS[0] + 24, TITLE)
    canvas.setFont("Helvetica", 7)
    for row, labels in zip(ROWS, LABELS, strict=True):
        for column, label in zip(COLUMNS, labels, strict=True):
            canvas.rect(column - 4, row - 150, 186, 160)
            canvas.drawString(column, row, label)
    canvas.setFont("Courier", 9)
    boxes = [(index, row) for index in range(len(COLUMNS)) for row in range(len(ROWS))]
    for index, row in boxes if values_by_column else sorted(boxes, key=lambda box: box[1]):
        for line, value in enumerate(VALUES[row][index]):
            canvas.drawString(COLUMNS[index], ROWS[row] - 16 - 11 * line, value)
    canvas.showPage()
    canvas.save()
    return output.getvalue()


@pytest.mark.parametrize("values_by_column", [True, False])
def test_each_filled_value_is_read_after_the_label_it_sits_under(
    tmp_path: Path, values_by_column: bool
) -> None:
    pdf = flattened_form(values_by_column)
    parsed = parse(pdf, "form.pdf", IntakeSettings())
    lines = parsed.text.split("\n")
    assert lines[0] == TITLE  # the title is not read as the first label's first line
    assert lines[lines.index("3. AWARD/EFFECTIVE DATE") + 1] == "MAR 3, 2026"
    assert lines[lines.index("2. CONTRACT NO.") + 1] == "QX-7731-B"
    contractor = lines.index("7a CONTRACTOR/ OFFEROR.")
    assert lines[contractor + 1 : contractor + 3] == ["BRIGHTWATER SYSTEMS LLC", "12 QUAY STREET"]
    assert lines[lines.index("9. DATE SIGNED") + 1] == "MAR 2, 2026"
    assert [(w.code, w.page) for w in parsed.warnings] == [(FORM_LAYERS, 1)]

    # the evidence box of a value read out of stream order is still drawn where the value is printed
    start = parsed.text.index("MAR 3, 2026")
    geometry = page_geometry(lambda: pdf, parsed, 1, LocalStorage(tmp_path), IntakeSettings())
    boxes = range_boxes(geometry, parsed.pages[0], start, start + len("MAR 3, 2026"))
    assert boxes and abs(boxes[0].x0 - COLUMNS[2] / PAGE_WIDTH) < 0.01
    assert all(box.y0 < 1 - (ROWS[0] - 16) / PAGE_HEIGHT < box.y1 for box in boxes)


def test_prose_and_two_columns_keep_their_order() -> None:
    prose = [f"Line {n} of the statement of work, set in running text." for n in range(40)]
    left = [f"Left column line {n}." for n in range(30)]
    right = [f"Right column line {n}." for n in range(30)]
    parsed = parse(build_pdf([TextPage(prose)]), "prose.pdf", IntakeSettings())
    assert not parsed.warnings and parsed.text.split("\n") == prose
    parsed = parse(build_pdf([TwoColumnPage(left, right)]), "columns.pdf", IntakeSettings())
    assert not parsed.warnings
    assert parsed.text.index(left[-1]) < parsed.text.index(right[0])
