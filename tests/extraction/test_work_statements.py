"""What a work statement says in its own words: a project named by its title, the agency that wrote a
performance work statement, invoices due by a day of the next month, services performed over a range of
dates."""

from datetime import date

from extraction.engine import extract
from tests.extraction.documents import assert_grounded, document


def test_a_work_statement_title_names_the_project_even_pages_into_the_document() -> None:
    cover = "ORDER FOR SUPPLIES OR SERVICES\n1. ORDER NUMBER\nQX-4471\nTotal $12,000.00"
    titles = {
        "STATEMENT OF WORK FOR TIDEWATER SENSOR REFIT": "TIDEWATER SENSOR REFIT",
        "Harbour Survey Office (HSO) Performance Work Statement (PWS) for Buoy Telemetry\n"
        "Maintenance\n1.0 BACKGROUND": "Buoy Telemetry Maintenance",
        "Statement of Work: Ledger Replatforming": "Ledger Replatforming",
        "STATEMENT OF WORK FOR MIGRATION TO THE HARBOUR CLOUD": "MIGRATION TO THE HARBOUR CLOUD",
    }
    for title, name in titles.items():
        work = f"Attachment 1\n{title}\nThe Contractor shall maintain the telemetry of forty buoys."
        record = extract(document(cover, work))
        assert record.fields.project_name.value == name, title
        assert_grounded(record, document(cover, work))


def test_a_sentence_or_a_generic_title_that_starts_like_a_work_statement_names_no_project() -> None:
    texts = (
        "The work is set out in the Statement of Work for Buoy Telemetry\nMaintenance and its annexes.",
        "as agreed in the Statement of Work for Buoy Telemetry\nMaintenance, the Contractor reports weekly.",
        "PROPOSAL FOR PROFESSIONAL SERVICES\nPrepared for the Harbour Survey Office",
        "Proposal for Consulting Services to Harbour Survey Office",
    )
    for text in texts:
        assert extract(document(text)).fields.project_name.value is None, text


def test_the_agency_before_a_performance_work_statement_title_is_the_client() -> None:
    work = (
        "Attachment 1\nHARBOUR SURVEY OFFICE (HSO) Performance Work\n"
        "Statement (PWS) FOR Buoy Telemetry Maintenance\n1.0 BACKGROUND\n"
        "The Contractor shall maintain the telemetry of forty buoys."
    )
    record = extract(document("ORDER FOR SUPPLIES OR SERVICES\n1. ORDER NUMBER\nQX-4471", work))
    assert record.fields.client_name.value == "HARBOUR SURVEY OFFICE"
    for opening in (
        "This Performance Work Statement",
        "The Contractor shall meet the Performance Work Statement",
    ):
        other = extract(document(f"{opening} sets out the work.\nThe Contractor shall maintain forty buoys."))
        assert other.fields.client_name.value is None, opening


def test_invoices_due_by_a_day_of_the_next_month_are_monthly_but_a_payment_so_due_says_nothing() -> None:
    monthly = "Fees\nAll invoices shall be submitted by the 5th day of the following month to the officer."
    assert extract(document(monthly)).fields.invoice_frequency.value == "monthly"
    paid = "Fees\nPayment of an invoice is due by the 15th day of the month following its receipt."
    assert extract(document(paid)).fields.invoice_frequency.value is None


def test_services_performed_from_one_date_to_another_give_the_start_and_the_end() -> None:
    for first, last in (("April 1, 2026", "June 30, 2026"), ("1 April 2026", "30 June 2026")):
        text = f"Timing\nThe Services will be performed from {first} to {last}, at the client's offices."
        fields = extract(document(text)).fields
        assert (fields.start_date.value, fields.end_date.value) == (date(2026, 4, 1), date(2026, 6, 30)), (
            first
        )


def test_a_project_term_whose_name_wraps_onto_the_next_line() -> None:
    text = (
        "Background\nThe agency wishes to survey its coast. It refers to this initiative as the Tern Survey\n"
        'Phase 2 project (the "Project").'
    )
    assert extract(document(text)).fields.project_name.value == "Tern Survey Phase 2"
