"""Project shells and billing schedules from approved records: one test per billing model."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from erp.errors import UnpostableRecord
from erp.payload import amendment_posting, project_posting, project_shell
from erp.schedule import add_months, build_schedule, periods, split
from models.record import InvoiceFrequency
from tests.erp.records import MILESTONES, change_order_record, milestone_record, rate, record


def test_the_project_shell_carries_the_contract_terms() -> None:
    shell = project_shell(milestone_record())

    assert shell.model_dump(mode="json") == {
        "client": "Northwind Health, Inc.",
        "project_name": "Cloud Migration",
        "contract_number": "SOW-2026-0042",
        "effective_date": "2026-02-27",
        "start_date": "2026-03-16",
        "end_date": "2026-09-30",
        "currency": "USD",
        "contract_value": 480000.0,
        "billing_model": "milestone",
        "payment_terms_days": 30,
        "governing_law": "New York",
    }


def test_milestone_billing_posts_each_milestone() -> None:
    schedule = build_schedule(milestone_record())

    assert [(line.description, line.amount, line.due_date) for line in schedule.lines] == [
        ("Discovery", Decimal("120000"), date(2026, 4, 15)),
        ("Migration", Decimal("240000"), date(2026, 7, 31)),
        ("Hypercare", Decimal("120000"), date(2026, 9, 30)),
    ]
    assert schedule.scheduled_total == Decimal("480000")
    assert schedule.cap is None


def test_time_and_materials_is_a_monthly_invoice_plan_with_rate_card_and_cap() -> None:
    tm = record(
        billing_model="time_and_materials",
        invoice_frequency="monthly",
        start_date="2026-01-15",
        end_date="2026-04-10",
        not_to_exceed=90000.0,
        rate_card=(rate("Architect", "210", "hour"), rate("Engineer", "1400", "day")),
    )

    schedule = build_schedule(tm)

    assert [(line.period_start, line.period_end, line.amount) for line in schedule.lines] == [
        (date(2026, 1, 15), date(2026, 2, 14), None),
        (date(2026, 2, 15), date(2026, 3, 14), None),
        (date(2026, 3, 15), date(2026, 4, 10), None),
    ]
    assert schedule.cap == Decimal("90000")
    assert [(item.role, item.rate, item.unit) for item in schedule.rate_card] == [
        ("Architect", Decimal("210"), "hour"),
        ("Engineer", Decimal("1400"), "day"),
    ]
    assert schedule.scheduled_total is None


def test_a_retainer_is_the_monthly_fee_times_the_term() -> None:
    retainer = record(
        billing_model="retainer",
        start_date="2026-01-01",
        end_date="2026-06-30",
        total_contract_value=60000.0,
        rate_card=(rate("Advisory retainer", "10000", "month"),),
    )

    schedule = build_schedule(retainer)

    assert len(schedule.lines) == 6
    assert {line.amount for line in schedule.lines} == {Decimal("10000")}
    assert [line.due_date for line in schedule.lines][:2] == [date(2026, 1, 1), date(2026, 2, 1)]
    assert schedule.scheduled_total == Decimal("60000")


def test_a_retainer_without_a_monthly_rate_splits_the_total_to_the_cent() -> None:
    retainer = record(
        billing_model="retainer", start_date="2026-01-01", end_date="2026-03-31", total_contract_value=1000.0
    )

    amounts = [line.amount for line in build_schedule(retainer).lines]

    assert amounts == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]


def retainer_fees(start: str, end: str, **values: Any) -> list[tuple[date, date, Decimal | None]]:
    schedule = build_schedule(record(billing_model="retainer", start_date=start, end_date=end, **values))
    lines = [(line.period_start, line.period_end, line.amount) for line in schedule.lines]
    assert all(first is not None and last is not None for first, last, _ in lines)
    return lines  # type: ignore[return-value]


def test_a_retainer_to_the_anniversary_is_six_months_not_seven() -> None:
    lines = retainer_fees("2019-05-01", "2019-11-01", total_contract_value=108000.0)

    assert [amount for _, _, amount in lines] == [Decimal("18000.00")] * 6
    assert (lines[0][0], lines[-1][1]) == (date(2019, 5, 1), date(2019, 10, 31))
    assert retainer_fees("2019-05-01", "2019-10-31", total_contract_value=108000.0) == lines


def test_a_retainer_starting_on_the_31st_keeps_month_ends_in_a_leap_year() -> None:
    lines = retainer_fees("2024-01-31", "2024-07-31", rate_card=(rate("Retainer", "5000", "month"),))

    assert [amount for _, _, amount in lines] == [Decimal("5000.00")] * 6
    assert [(first, last) for first, last, _ in lines][:3] == [
        (date(2024, 1, 31), date(2024, 2, 28)),
        (date(2024, 2, 29), date(2024, 3, 30)),
        (date(2024, 3, 31), date(2024, 4, 29)),
    ]


def test_a_partial_last_month_is_prorated_by_its_days() -> None:
    monthly = retainer_fees("2026-01-01", "2026-03-15", rate_card=(rate("Retainer", "10000", "month"),))
    assert [amount for _, _, amount in monthly] == [
        Decimal("10000.00"),
        Decimal("10000.00"),
        Decimal("4838.71"),
    ]

    leap = retainer_fees("2024-01-01", "2024-02-14", rate_card=(rate("Retainer", "2900", "month"),))
    assert [amount for _, _, amount in leap] == [Decimal("2900.00"), Decimal("1400.00")]  # 14 of 29 days

    # a total over 2 + 15/31 months: 25,000 x 31/77 = 10,064.935… a month, the remainder last
    spread = retainer_fees("2026-01-01", "2026-03-15", total_contract_value=25000.0)
    assert [amount for _, _, amount in spread] == [
        Decimal("10064.93"),
        Decimal("10064.93"),
        Decimal("4870.14"),
    ]


def test_retainer_cents_add_up_to_the_total_exactly() -> None:
    lines = retainer_fees("2026-01-01", "2026-07-31", total_contract_value=100000.0)

    assert [amount for _, _, amount in lines] == [Decimal("14285.71")] * 6 + [Decimal("14285.74")]
    assert sum(amount for _, _, amount in lines if amount is not None) == Decimal("100000")


@pytest.mark.parametrize(
    ("frequency", "count"), [("quarterly", 2), ("monthly", 6), ("upfront", 1), (None, 1)]
)
def test_a_fixed_fee_is_invoiced_per_its_frequency(frequency: str | None, count: int) -> None:
    fixed = record(
        billing_model="fixed_fee",
        invoice_frequency=frequency,
        start_date="2026-01-01",
        end_date="2026-06-30",
        total_contract_value=100000.0,
    )

    schedule = build_schedule(fixed)

    assert len(schedule.lines) == count
    assert sum(line.amount or 0 for line in schedule.lines) == Decimal("100000")
    assert schedule.lines[0].due_date == date(2026, 1, 1)


def test_a_fixed_fee_upon_milestones_follows_the_milestones() -> None:
    fixed = record(billing_model="fixed_fee", invoice_frequency="upon_milestone", milestones=MILESTONES)

    assert [line.kind for line in build_schedule(fixed).lines] == ["milestone"] * 3


def test_mixed_billing_posts_the_fixed_milestones_and_the_tm_plan() -> None:
    mixed = record(
        billing_model="mixed",
        start_date="2026-03-16",
        end_date="2026-05-15",
        not_to_exceed=50000.0,
        milestones=MILESTONES[:1],
    )

    schedule = build_schedule(mixed)

    assert [line.kind for line in schedule.lines] == ["milestone", "time_and_materials", "time_and_materials"]
    assert schedule.cap == Decimal("50000")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"billing_model": None}, "billing model"),
        ({"client_name": None}, "client"),
        ({"currency": None}, "currency"),
        ({"billing_model": "time_and_materials", "end_date": None}, "needs the end date"),
        ({"billing_model": "fixed_fee", "total_contract_value": None}, "total contract value"),
        ({"billing_model": "retainer", "total_contract_value": None}, "monthly fee"),
    ],
)
def test_a_record_that_cannot_make_a_posting_says_what_is_missing(
    values: dict[str, Any], message: str
) -> None:
    with pytest.raises(UnpostableRecord, match=message):
        project_posting("rv-1", record(**values))


def test_milestone_billing_without_milestones_is_refused() -> None:
    with pytest.raises(UnpostableRecord, match="at least one milestone"):
        build_schedule(record())


def test_a_change_order_is_an_amendment_of_the_base_project() -> None:
    posting = amendment_posting("rv-2", change_order_record(), base_project_id="PRJ-7")

    assert posting.base_project_id == "PRJ-7"
    assert posting.amends_contract_number == "SOW-2026-0042"
    assert posting.project.contract_value == Decimal("60000")
    assert [(line.amount, line.due_date) for line in posting.schedule.lines] == [
        (Decimal("60000"), date(2026, 10, 1))
    ]


def test_periods_and_months_keep_month_ends() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert periods(date(2026, 1, 1), date(2026, 1, 20), InvoiceFrequency.weekly)[-1] == (
        date(2026, 1, 15),
        date(2026, 1, 20),
    )
    with pytest.raises(UnpostableRecord, match="before the start"):
        periods(date(2026, 2, 1), date(2026, 1, 1), InvoiceFrequency.monthly)


def test_split_adds_up_exactly() -> None:
    assert sum(split(Decimal("100.00"), 7)) == Decimal("100.00")
