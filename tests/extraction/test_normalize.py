from datetime import date
from decimal import Decimal

import pytest

from extraction.normalize.currency import stated_currency
from extraction.normalize.dates import DateOrder, find_dates, infer_order
from extraction.normalize.money import find_amounts, money, parse_number, uses_decimal_comma
from extraction.normalize.terms import PERIOD, jurisdiction, payment_days, period_days


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("$1,234,567.89", "1234567.89", None),
        ("1.234.567,89 €", "1234567.89", "EUR"),
        ("EUR 1.250,00", "1250.00", "EUR"),
        ("1 234 567,89 €", "1234567.89", "EUR"),
        ("12,34,567.00 INR", "1234567.00", "INR"),
        ("₹12,34,567", "1234567", "INR"),
        ("Rs. 4,50,000", "450000", "INR"),
        ("1'234.50 CHF", "1234.50", "CHF"),
        ("CHF 1'234.50", "1234.50", "CHF"),
        ("USD 480k", "480000", "USD"),
        ("$1.2 million", "1200000.0", None),
        ("US$ 5,000", "5000", "USD"),
        ("A$12,000.50", "12000.50", "AUD"),
        ("C$ 10", "10", "CAD"),
        ("£12,000", "12000", "GBP"),
        ("USD $44,000", "44000", "USD"),
        ("CAD $5,000", "5000", "CAD"),
        ("a fee of 5,000 euros", "5000", "EUR"),
        ("10 pounds", "10", "GBP"),
    ],
)
def test_amounts_in_every_style(text: str, value: str, currency: str | None) -> None:
    [amount] = find_amounts(text)
    assert amount.value == Decimal(value)
    assert amount.currency == currency
    assert amount.dollar == (currency is None)


def test_tickers_that_are_not_iso_4217_codes_are_not_currencies() -> None:
    # the record's currency is an ISO 4217 code (spec §1); a crypto-asset ticker is not one
    assert find_amounts("49000 DAI and 0.419 BTC") == []


def test_numbers_without_a_currency_are_not_amounts() -> None:
    assert find_amounts("TOP 10 risks, 30 days, 12 months, section 4.2") == []


def test_a_code_ending_a_line_does_not_price_the_clause_number_below_it() -> None:
    assert find_amounts("Billing currency GBP\n2. Scope of the work") == []
    assert find_amounts("Billing currency GBP\n12) Scope of the work") == []
    # an amount whose code wrapped to the line above is still one
    (wrapped,) = find_amounts("fees capped at GBP\n1,250.00 in all")
    assert (wrapped.value, wrapped.currency) == (Decimal("1250.00"), "GBP")


def test_amount_spans_cover_the_written_amount() -> None:
    text = "The fee is USD 1,250.00 payable now."
    [amount] = find_amounts(text)
    assert text[amount.start : amount.end] == "USD 1,250.00"


@pytest.mark.parametrize(
    ("raw", "decimal_comma", "value"),
    [("1.234", False, "1.234"), ("1.234", True, "1234"), ("1,234", False, "1234"), ("1,234", True, "1.234")],
)
def test_ambiguous_separators_follow_the_document(raw: str, decimal_comma: bool, value: str) -> None:
    assert parse_number(raw, decimal_comma) == Decimal(value)


def test_decimal_comma_documents_are_recognised() -> None:
    assert uses_decimal_comma("Honorar EUR 1.250,00 und EUR 3.400,50")
    assert not uses_decimal_comma("Fee $1,250.00 and $3,400.50")


def test_money_keeps_cents_and_finer_fractions() -> None:
    assert money(Decimal("1200000.0")) == Decimal("1200000.00")
    assert money(Decimal("0.419")) == Decimal("0.419")


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("All amounts in this SOW are stated in Canadian dollars.", "CAD"),
        ("Fees are payable in EUR.", "EUR"),
        ("Currency: AUD", "AUD"),
        ("All amounts are stated in pounds sterling.", "GBP"),
    ],
)
def test_the_document_states_its_currency(text: str, stated: str) -> None:
    found = stated_currency(text)
    assert found is not None
    assert found[0] == stated


def test_a_document_without_a_currency_statement() -> None:
    assert stated_currency("Client will pay Provider $10,000.") is None


@pytest.mark.parametrize(
    ("text", "order", "value"),
    [
        ("March 16, 2026", "mdy", date(2026, 3, 16)),
        ("16 March 2026", "mdy", date(2026, 3, 16)),
        ("16th March, 2026", "mdy", date(2026, 3, 16)),
        ("Mar. 3, 2026", "mdy", date(2026, 3, 3)),
        ("the 1st day of April, 2026", "mdy", date(2026, 4, 1)),
        ("16-Mar-2026", "mdy", date(2026, 3, 16)),
        ("2026-03-16", "dmy", date(2026, 3, 16)),
        ("16.03.2026", "mdy", date(2026, 3, 16)),
        ("16/03/2026", "mdy", date(2026, 3, 16)),
        ("03/16/2026", "dmy", date(2026, 3, 16)),
        ("03/04/2026", "mdy", date(2026, 3, 4)),
        ("03/04/2026", "dmy", date(2026, 4, 3)),
        ("6/1/20", "mdy", date(2020, 6, 1)),
        # two-digit years as POSIX %y: 69–99 are 19xx, 00–68 20xx
        ("7/1/98", "mdy", date(1998, 7, 1)),
        ("31/12/68", "dmy", date(2068, 12, 31)),
        ("1/1/69", "mdy", date(1969, 1, 1)),
        # a text layer's spacing: an ordinal's suffix split, a space before the comma
        ("the 3r d day of May, 2021", "mdy", date(2021, 5, 3)),
        ("the 12t h day of MARCH , 2019", "mdy", date(2019, 3, 12)),
        ("October 9 , 2017", "mdy", date(2017, 10, 9)),
    ],
)
def test_dates_in_every_style(text: str, order: DateOrder, value: date) -> None:
    [written] = find_dates(text, order)
    assert written.value == value


@pytest.mark.parametrize(
    "text", ["August __, 2019", "____ day of ______, 2019", "[]/[]/2020", "__ March 2026"]
)
def test_blank_dates_are_found_but_have_no_value(text: str) -> None:
    [blank] = find_dates(text)
    assert blank.value is None


def test_a_month_and_year_is_not_a_date() -> None:
    assert find_dates("Completion: Feb 2023") == []


def test_date_order_is_inferred_from_the_document() -> None:
    assert infer_order("Signed 16/03/2026, starts 03/04/2026") == "dmy"
    assert infer_order("Signed 03/16/2026, starts 03/04/2026") == "mdy"
    assert infer_order("Dated 16 March 2026; starts 03/04/2026") == "dmy"
    assert infer_order("Starts 03/04/2026", hint="dmy") == "dmy"


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Payment Terms: Net 30", 30),
        ("net thirty (30) days", 30),
        ("within thirty (30) days of receipt of invoice", 30),
        ("payable within 45 days after the invoice date", 45),
        ("Invoices are due on receipt", 0),
        ("Each invoice is payable upon receipt.", 0),
    ],
)
def test_payment_terms(text: str, days: int) -> None:
    terms = payment_days(text)
    assert terms is not None
    assert terms[0] == days


def test_a_notice_period_is_not_a_payment_term() -> None:
    assert payment_days("Either party may terminate upon 30 days' notice.") is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("thirty (30) days' prior written notice", 30),
        ("three (3) months' notice", 90),
        ("forty-five (45) days", 45),
        ("2 weeks", 14),
        ("ninety (90) calendar days", 90),
        ("one (1) year", 365),
    ],
)
def test_periods_in_days_with_months_as_thirty(text: str, days: int) -> None:
    period = PERIOD.search(text)
    assert period is not None
    assert period_days(period) == days


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("governed by the laws of the State of New York, without regard to", "New York"),
        ("governed by the laws of England and Wales.", "England and Wales"),
        ("the laws of the Netherlands and the courts of Amsterdam", "Netherlands"),
        ("the laws of the Province of Ontario and the federal laws of Canada applicable therein", "Ontario"),
        ("the laws of the Commonwealth of Massachusetts", "Massachusetts"),
        ("the laws, other than choice of law rules, of the\nstate of Florida.", "Florida"),
        ("THE LAWS OF THE STATE OF NEW YORK", "New York"),
        ("This Agreement is governed by English law.", "England and Wales"),
        ("the laws in force in Switzerland.", "Switzerland"),
        ("construed in accordance with the laws and regulations of the State of Oregon", "Oregon"),
        ("the substantive laws of the state of Ohio and of the United States of America", "Ohio"),
        # a text layer that writes the semicolon as U+037E (the Greek question mark)
        ("construed under the laws of the State of Idaho\u037e U.S.A.\u037e provided that", "Idaho"),
    ],
)
def test_governing_law_is_the_jurisdiction_only(text: str, place: str) -> None:
    named = jurisdiction(text)
    assert named is not None
    assert named[0] == place


@pytest.mark.parametrize(
    ("text", "decimal_comma", "amount"),
    [
        ("4 Build Sprint 1 May 2026 EUR 74.500,00", True, ("74500.00", "EUR")),
        ("up to a maximum of USD\n34,500.00. All amounts", False, ("34500.00", "USD")),
        ("up to a maximum of 24,000.00\nEUR. All amounts", False, ("24000.00", "EUR")),
        ("Estimated total 211,150.00 USD\n8. Payment Terms", False, ("211150.00", "USD")),
    ],
)
def test_a_code_belongs_to_the_figure_it_is_written_with(
    text: str, decimal_comma: bool, amount: tuple[str, str]
) -> None:
    [found] = find_amounts(text, decimal_comma)
    assert (str(found.value), found.currency) == amount


def test_a_period_for_another_act_on_an_invoice_is_no_payment_term() -> None:
    assert payment_days("The office will return a faulty invoice within five days of its receipt.") is None
    assert payment_days("The buyer may contest an invoice within ten (10) days of receipt.") is None
    paid = payment_days("The buyer will pay each invoice within twenty (20) days of receipt.")
    assert paid is not None and paid[0] == 20
