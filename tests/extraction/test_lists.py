"""Deliverables, assumptions and exclusions under sentence-case headings, in one section with lead-ins, and
items that do not run on into the next paragraph."""

from extraction.engine import extract
from extraction.layout import Layout
from models.document import FORM_LAYERS, ParseWarning
from tests.extraction.documents import assert_grounded, document

LETTER = """
Dear Ms Okafor, this letter confirms the terms on which we will support your warehouse move.
The work starts in May and is described below.
Key outputs
• Site survey report
• Racking layout drawings
•
Move-day runbook
Assumptions and exclusions
Our fees are based on the following assumptions:
• Access to both sites is given on working days.
• No more than two moves are needed.
The engagement does not include:
• Forklift hire
• Disposal of old racking
Timing
The work will begin on 6 May 2024 and end on 28 June 2024, a period long enough for both moves to finish.
"""


def test_a_short_sentence_case_line_before_a_list_or_a_paragraph_is_a_heading() -> None:
    titles = [heading.title for heading in Layout(document(LETTER)).headings]
    assert titles == ["Key outputs", "Assumptions and exclusions", "Timing"]


def test_a_short_line_before_a_short_line_that_ends_no_sentence_is_no_heading() -> None:
    # a signature or address block: name, title, company, each on its own line
    titles = [
        heading.title
        for heading in Layout(
            document(
                """
                The parties sign below, each by its authorised representative, on the dates written under
                their names.
                Maria Lindqvist
                Head of Procurement
                Northgate Ports Ltd
                """
            )
        ).headings
    ]
    assert titles == []


def test_a_running_header_from_page_two_of_a_two_page_letter_is_furniture() -> None:
    first = """
        Corbel Advisory Ltd
        LETTER OF ENGAGEMENT
        Harbour Lighting Upgrade
        Dear Ms Osei, this letter sets out the terms of our work on the upgrade.
        Fees and billing
        We will charge a retainer of £4,000.00 per month.
        """
    second = """
        Corbel Advisory Ltd Harbour Lighting Upgrade
        Invoices are payable within thirty days.
        """
    layout = Layout(document(first, second))
    header = next(
        line for line in layout.lines if line.text == "Corbel Advisory Ltd Harbour Lighting Upgrade"
    )
    assert header.index in layout.furniture
    assert "Fees and billing" in [heading.title for heading in layout.headings]
    # a second page opening with a line of its own words is not a header
    other = Layout(document(first, "Service credits apply monthly\nInvoices are payable within thirty days."))
    assert not other.furniture


def test_each_list_of_a_shared_section_follows_its_own_lead_in() -> None:
    doc = document(LETTER)
    record = extract(doc)
    assert [item.value for item in record.deliverables] == [
        "Site survey report",
        "Racking layout drawings",
        "Move-day runbook",
    ]
    assert [item.value for item in record.assumptions] == [
        "Access to both sites is given on working days.",
        "No more than two moves are needed.",
    ]
    # the last item ends at its short line: "Timing" and its paragraph are not part of it
    assert [item.value for item in record.out_of_scope] == ["Forklift hire", "Disposal of old racking"]
    assert_grounded(record, doc)


def test_a_letter_of_engagement_its_reference_and_its_project() -> None:
    doc = document(
        """
        Harbour & Finch Advisory Ltd
        LETTER OF ENGAGEMENT
        Our reference: HF-24-0917 · 2 April 2024
        Dear Mr Adeyemi, this letter confirms the terms on which Harbour & Finch Advisory Ltd ("Provider")
        will provide advisory services to Selkirk Mills plc ("Client") for the project "Pricing Reset".
        Rate card
        Role Rate
        Project Coordinator 95.00 GBP per hour
        """
    )
    record = extract(doc)
    assert record.fields.document_type.value == "sow"
    assert record.fields.contract_number.value == "HF-24-0917"
    assert record.fields.project_name.value == "Pricing Reset"  # never the rate card's "Project …" row
    assert_grounded(record, doc)


def test_a_list_whose_lead_in_ends_a_page_goes_on_under_the_next_pages_running_header() -> None:
    first = """
        Galloway Tern Consulting LLC
        STATEMENT OF WORK
        Scope
        The consultant will survey the tern colonies of the northern shore over one season.
        Assumptions and exclusions
        The fees are based on the following assumptions:
        GTC-SOW-118 Confidential Page 1 of 2
        """
    second = """
        Galloway Tern Consulting LLC Shoreline Nesting Survey
        • Access to the shore is given at low tide.
        • Boats are provided by the client.
        GTC-SOW-118 Confidential Page 2 of 2
        """
    record = extract(document(first, second))
    assert [item.value for item in record.assumptions] == [
        "Access to the shore is given at low tide.",
        "Boats are provided by the client.",
    ]


def test_a_heading_over_a_list_whose_first_bullet_stands_alone_on_its_line() -> None:
    text = """
        The consultant will survey the tern colonies of the northern shore over one season.
        Deliverables
        •
        Colony census for each headland
        • Nesting map of the shore
        Timing
        The survey will run from April to August, when the colonies are occupied and counted.
        """
    record = extract(document(text))
    assert [item.value for item in record.deliverables] == [
        "Colony census for each headland",
        "Nesting map of the shore",
    ]


def test_a_box_of_a_form_is_no_section_of_items_even_when_its_label_reads_like_one() -> None:
    text = """
        ORDER FOR SUPPLIES OR SERVICES
        1. ORDER NUMBER
        GT-4410
        2. DELIVER TO
        See Schedule
        3. FUND CITATION
        8812-330-41007
        4. TOTAL AMOUNT
        USD 48,000.00
        """
    plain = document(text)
    on_form = plain.model_copy(update={"warnings": (ParseWarning(code=FORM_LAYERS, message="form", page=1),)})
    assert not extract(on_form).deliverables


def test_list_items_either_side_of_a_page_break_that_begin_alike_are_no_running_lines() -> None:
    first = """
        Galloway Tern Consulting LLC
        STATEMENT OF WORK
        Shoreline Nesting Survey
        4. ASSUMPTIONS
        The fees are based on the following assumptions:
        • The client will open the hides before dawn.
        • The client will mark the nesting areas for the survey team.
        GTC-SOW-118 Confidential Page 1 of 2
        """
    second = """
        Galloway Tern Consulting LLC Shoreline Nesting Survey
        • The client will keep dogs off the shore while the survey runs.
        Timing
        The survey will run from April to August, when the colonies are occupied and counted.
        GTC-SOW-118 Confidential Page 2 of 2
        """
    record = extract(document(first, second))
    assert [item.value for item in record.assumptions] == [
        "The client will open the hides before dawn.",
        "The client will mark the nesting areas for the survey team.",
        "The client will keep dogs off the shore while the survey runs.",
    ]
