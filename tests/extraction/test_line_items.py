"""Schedules of numbered line items, as federal orders and purchase orders write them: read as a milestone
list when no line is priced by time, as a rate card when every line is; lettered contract sections as
headings; a heading's own list before a later lead-in."""

from decimal import Decimal

from extraction.candidates.tables import tables
from extraction.engine import extract
from extraction.layout import Layout
from models.record import RateUnit
from tests.extraction.documents import assert_grounded, document

PHASED_ORDER = """
DELIVERY ORDER
Order No. DO-77-1203
Ordered from: Quillfeather Surveys LLC
Period of Performance 1 June 2025 through 30 November 2025
Section D — Schedule of Supplies
Item No. Item Description Qty Unit Amount
0001 Baseline flood survey 1 Lot $84,000.00
0002 Hydraulic model calibration 1 Lot $56,500.00
0002AA Model documentation 1 Each NSP
Total $140,500.00
Section E — Inspection and Acceptance
The ordering office inspects each item on delivery.
"""

STAFFED_ORDER = """
DELIVERY ORDER
Order No. DO-77-1204
Section D — Schedule of Supplies
Item No. Item Description Qty Unit Unit Price Amount
0001 Hydrologist 320 Hours $140.00 $44,800.00
0002 GIS Technician 15 Days $760.00 $11,400.00
Total $56,200.00
"""

PRICED_IN_WORDS = """
Section D — Schedule of Supplies
CLIN Supplies / Services Qty Unit Amount
0001 Field Engineer at $95.00 per hour 1200 Hour $114,000.00
0002 Site Lead at $1,150.00 per day 40 Day $46,000.00
Total $160,000.00
"""


def test_a_numbered_schedule_whose_columns_are_order_form_words_is_a_table() -> None:
    (table,) = tables(Layout(document(PHASED_ORDER)))
    assert table.kinds == ("number", "text", "quantity", "unit", "money")
    rows = [[cell.text if cell else None for cell in row.cells] for row in table.rows if not row.is_total]
    assert rows[0] == ["0001", "Baseline flood survey", "1", "Lot", "$84,000.00"]
    # a sub-line's number, and a line that is not separately priced
    assert rows[2] == ["0002AA", "Model documentation", "1", "Each", "NSP"]


def test_line_items_not_priced_by_time_are_the_milestones() -> None:
    doc = document(PHASED_ORDER)
    record = extract(doc)
    assert [(m.name.value, m.amount.value) for m in record.milestones] == [
        ("Baseline flood survey", Decimal("84000.00")),
        ("Hydraulic model calibration", Decimal("56500.00")),
        ("Model documentation", None),
    ]
    assert record.rate_card == ()
    assert_grounded(record, doc)


def test_line_items_priced_by_the_hour_or_day_are_the_rate_card() -> None:
    doc = document(STAFFED_ORDER)
    record = extract(doc)
    assert [(r.role.value, r.rate.value, r.unit.value) for r in record.rate_card] == [
        ("Hydrologist", Decimal("140.00"), RateUnit.hour),
        ("GIS Technician", Decimal("760.00"), RateUnit.day),
    ]
    assert record.milestones == ()
    assert_grounded(record, doc)


def test_a_rate_written_into_the_line_description_is_read_from_it() -> None:
    doc = document(PRICED_IN_WORDS)
    record = extract(doc)
    assert [(r.role.value, r.rate.value, r.unit.value) for r in record.rate_card] == [
        ("Field Engineer", Decimal("95.00"), RateUnit.hour),
        ("Site Lead", Decimal("1150.00"), RateUnit.day),
    ]
    assert_grounded(record, doc)


def test_one_priced_line_is_not_a_schedule_of_milestones() -> None:
    doc = document(
        """
        Item No. Item Description Qty Unit Amount
        0001 Annual licence renewal 1 Lot $12,000.00
        Total $12,000.00
        """
    )
    assert extract(doc).milestones == ()


def test_lettered_sections_and_parts_of_a_contract_are_headings() -> None:
    layout = Layout(
        document(
            """
            PART I – THE SCHEDULE
            Section D — Schedule of Supplies
            The items below are ordered.
            Section E: Inspection and Acceptance
            The ordering office inspects each item.
            """
        )
    )
    assert [h.title for h in layout.headings] == [
        "THE SCHEDULE",
        "Schedule of Supplies",
        "Inspection and Acceptance",
    ]


def test_the_list_right_under_a_heading_is_its_own_before_later_lead_ins() -> None:
    doc = document(
        """
        Work Products
        • Flood risk map
        • Survey data package
        The model rests on these assumptions:
        • Gauges report hourly.
        """
    )
    record = extract(doc)
    assert [item.value for item in record.deliverables] == ["Flood risk map", "Survey data package"]


def test_a_project_named_under_the_title_may_carry_a_standard_or_a_wave_number() -> None:
    for name in ("ISO 22301 Continuity Programme", "Data Centre Exit Wave 3"):
        record = extract(document(f"STATEMENT OF WORK\n{name}\nReference DO-77-1205 · 2 June 2025"))
        assert record.fields.project_name.value == name


def test_a_reference_a_date_or_an_address_under_the_title_is_no_project() -> None:
    for line in ("DO-2025-0117", "2 June 2025", "1200 Harbour Road, Leith"):
        record = extract(document(f"STATEMENT OF WORK\n{line}\nPrepared by: Quillfeather Surveys LLC"))
        assert record.fields.project_name.value is None
