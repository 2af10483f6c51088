"""Values as people type them: what the review page shows can be typed back, and nothing is guessed."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from models.record import BillingModel, InvoiceFrequency, RecordFields
from review.errors import InvalidValue
from review.inputs import typed_value


def value_type(name: str) -> Any:
    annotation = RecordFields.model_fields[name].annotation
    assert annotation is not None
    return annotation.model_fields["value"].annotation


@pytest.mark.parametrize(
    ("field", "typed", "expected"),
    [
        ("total_contract_value", "108,000.00", Decimal("108000.00")),
        ("total_contract_value", "$108,000.00", Decimal("108000.00")),
        ("total_contract_value", "USD 108,000", Decimal("108000")),
        ("total_contract_value", "  47500 ", "47500"),  # a plain number goes on as it is
        ("start_date", "May 1, 2019", date(2019, 5, 1)),
        ("start_date", "1 May 2019", date(2019, 5, 1)),
        ("start_date", "2019-05-01", date(2019, 5, 1)),
        ("start_date", "3 März 2026", date(2026, 3, 3)),
        ("end_date", "03/04/2026", date(2026, 3, 4)),
        ("payment_terms_days", "30 days", 30),
        ("payment_terms_days", "45", 45),
        ("signed", "Yes", True),
        ("signed", "no", False),
        ("billing_model", "Retainer", BillingModel.retainer.value),
        ("billing_model", "Time and materials", BillingModel.time_and_materials.value),
        ("billing_model", "Time & Materials", BillingModel.time_and_materials.value),
        ("invoice_frequency", "Upon milestone", InvoiceFrequency.upon_milestone.value),
        ("project_name", "  Data Platform ", "  Data Platform "),
    ],
)
def test_what_people_type_becomes_the_fields_type(field: str, typed: str, expected: Any) -> None:
    assert typed_value(value_type(field), typed, currency="USD") == expected


def test_european_amounts_and_day_first_dates() -> None:
    assert typed_value(value_type("total_contract_value"), "108.000,00 EUR", currency="EUR") == Decimal(
        "108000.00"
    )
    assert typed_value(value_type("start_date"), "03.04.2026", date_order="DMY") == date(2026, 4, 3)


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("total_contract_value", "10^11"),
        ("total_contract_value", "1e308"),
        ("total_contract_value", "about 5k"),
        ("start_date", "yesterday"),
        ("start_date", "May"),
        ("billing_model", "subscription"),
        ("signed", "maybe"),
    ],
)
def test_nothing_is_guessed(field: str, typed: str) -> None:
    assert typed_value(value_type(field), typed, currency="USD") == typed


def test_an_amount_in_another_currency_is_refused() -> None:
    with pytest.raises(InvalidValue, match="record's currency is USD"):
        typed_value(value_type("total_contract_value"), "EUR 5,000", currency="USD")
