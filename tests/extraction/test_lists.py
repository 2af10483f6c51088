"""Deliverables, assumptions and exclusions under sentence-case headings, in one section with lead-ins, and
items that do not run on into the next paragraph."""

from extraction.engine import extract
from extraction.layout import Layout
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


def test_a_short_sentence_case_line_before_a_list_is_a_heading() -> None:
    titles = [heading.title for heading in Layout(document(LETTER)).headings]
    assert titles[:2] == ["Key outputs", "Assumptions and exclusions"]
    assert "Timing" not in titles  # a paragraph follows it, not a list


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
