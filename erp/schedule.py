"""Billing schedules from an approved record: pure functions, one per billing model.

- milestone: one line per milestone (name, amount, due date);
- time_and_materials: an invoice plan, one invoice per period of the invoice frequency (monthly unless
  stated) from start to end, billed on actuals against the rate card, up to the cap (not_to_exceed);
- retainer: one fee per calendar month of the term (an end on the start's day of the month is the
  anniversary, not an extra day-long month): the rate card's monthly rate, else the total ÷ months; a last
  month cut short is prorated by its days;
- fixed_fee: the total in equal instalments per invoice frequency (upfront or unstated: one invoice at
  the start; upon_milestone: the milestones);
- mixed: the milestones (the fixed part) and the T&M invoice plan.
Amounts are split to the cent; the last instalment takes the remainder so the lines add up to the total.
"""

import calendar
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Final

from erp.errors import UnpostableRecord
from erp.models import BillingSchedule, RateLine, ScheduleLine
from models.record import BillingModel, HandoffRecord, InvoiceFrequency, RateCardItem, RateUnit

CENT: Final = Decimal("0.01")
STEP_DAYS: Final = {InvoiceFrequency.weekly: 7, InvoiceFrequency.biweekly: 14}
STEP_MONTHS: Final = {InvoiceFrequency.monthly: 1, InvoiceFrequency.quarterly: 3}


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def periods(start: date, end: date, frequency: InvoiceFrequency) -> list[tuple[date, date]]:
    """The invoice periods covering start..end (inclusive), the last one cut at `end`."""
    if end < start:
        raise UnpostableRecord(f"the end date {end} is before the start date {start}")
    found: list[tuple[date, date]] = []
    index, current = 0, start
    while current <= end:
        index += 1
        following = _step(start, frequency, index)
        found.append((current, min(following - timedelta(days=1), end)))
        current = following
    return found


def _step(start: date, frequency: InvoiceFrequency, count: int) -> date:
    if frequency in STEP_DAYS:
        return start + timedelta(days=STEP_DAYS[frequency] * count)
    return add_months(start, STEP_MONTHS.get(frequency, 1) * count)


def split(total: Decimal, parts: int) -> list[Decimal]:
    """`parts` amounts to the cent that add up to `total` exactly (the last one takes the remainder)."""
    share = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def weighted_split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Amounts to the cent in proportion to `weights` that add up to `total` exactly: equal weights get
    equal amounts, and the last amount takes the rounding remainder."""
    whole = sum(weights, Decimal(0))
    amounts = [(total * weight / whole).quantize(CENT, rounding=ROUND_DOWN) for weight in weights[:-1]]
    return [*amounts, total - sum(amounts, Decimal(0))]


def build_schedule(record: HandoffRecord) -> BillingSchedule:
    fields = record.fields
    model = fields.billing_model.value
    if model is None:
        raise UnpostableRecord("the record states no billing model")
    lines = BUILDERS[model](record)
    rate_card = tuple(_rate_line(item, fields.currency.value) for item in record.rate_card if item.rate.value)
    amounts = [line.amount for line in lines if line.amount is not None]
    return BillingSchedule(
        billing_model=model.value,
        currency=fields.currency.value,
        invoice_frequency=fields.invoice_frequency.value.value if fields.invoice_frequency.value else None,
        payment_terms_days=fields.payment_terms_days.value,
        cap=fields.not_to_exceed.value if model in TIME_BASED else None,
        scheduled_total=sum(amounts, Decimal(0)) if amounts else None,
        lines=tuple(lines),
        rate_card=rate_card,
    )


def _rate_line(item: RateCardItem, currency: str | None) -> RateLine:
    return RateLine(
        role=item.role.value or "",
        rate=item.rate.value or Decimal(0),
        unit=item.unit.value.value if item.unit.value else None,
        currency=item.currency.value or currency,
    )


def milestone_lines(record: HandoffRecord) -> list[ScheduleLine]:
    if not record.milestones:
        raise UnpostableRecord("milestone billing needs at least one milestone")
    return [
        ScheduleLine(
            kind="milestone",
            description=milestone.name.value or f"Milestone {number}",
            amount=milestone.amount.value,
            due_date=milestone.due_date.value,
        )
        for number, milestone in enumerate(record.milestones, start=1)
    ]


def time_and_materials_lines(record: HandoffRecord) -> list[ScheduleLine]:
    start, end = _term(record, "time and materials")
    frequency = _frequency(record, default=InvoiceFrequency.monthly)
    return [
        ScheduleLine(
            kind="time_and_materials",
            description=f"Time and materials {first.isoformat()} to {last.isoformat()}",
            amount=None,
            due_date=last,
            period_start=first,
            period_end=last,
        )
        for first, last in periods(start, end, frequency)
    ]


def retainer_months(start: date, end: date) -> list[tuple[date, date, Decimal]]:
    """The calendar months of a retainer's term as (first day, last day, share of a full month).

    Months run from the start's day of the month (a start on the 31st keeps month ends). An end date on the
    start's day of the month is the anniversary that closes the term ("1 May to 1 November" is six months),
    not a one-day seventh month. A last month cut short is prorated by its days (RETAINER_PRORATION).
    """
    months: list[tuple[date, date, Decimal]] = []
    for index, (first, last) in enumerate(periods(start, end, InvoiceFrequency.monthly)):
        full_end = add_months(start, index + 1) - timedelta(days=1)
        if last == full_end:
            months.append((first, last, Decimal(1)))
        elif first == last and months and end.day == start.day:
            break  # the anniversary day itself
        else:
            days = Decimal((last - first).days + 1)
            months.append((first, last, days / Decimal((full_end - first).days + 1)))
    return months


def retainer_lines(record: HandoffRecord) -> list[ScheduleLine]:
    """One fee per calendar month of the term: the rate card's monthly fee, else the total spread over the
    term's months; a partial last month pays its share of a month (by days). Cents add up to the total."""
    start, end = _term(record, "retainer")
    months = retainer_months(start, end)
    monthly = next(
        (
            item.rate.value
            for item in record.rate_card
            if item.unit.value is RateUnit.month and item.rate.value
        ),
        None,
    )
    shares = [share for _, _, share in months]
    if monthly is not None:
        fees = [(monthly * share).quantize(CENT) for share in shares]
    else:
        total = record.fields.total_contract_value.value
        if total is None:
            raise UnpostableRecord(
                "a retainer needs a monthly fee in the rate card or a total contract value"
            )
        fees = weighted_split(total, shares)
    return [
        ScheduleLine(
            kind="retainer_fee",
            description=f"Retainer {first:%B %Y}" + ("" if share == 1 else f" ({first:%d %b}–{last:%d %b})"),
            amount=fee,
            due_date=first,
            period_start=first,
            period_end=last,
        )
        for (first, last, share), fee in zip(months, fees, strict=True)
    ]


def fixed_fee_lines(record: HandoffRecord) -> list[ScheduleLine]:
    total = record.fields.total_contract_value.value
    if total is None:
        raise UnpostableRecord("a fixed fee needs the total contract value")
    frequency = _frequency(record, default=InvoiceFrequency.upfront)
    if frequency is InvoiceFrequency.upon_milestone and record.milestones:
        return milestone_lines(record)
    if frequency not in STEP_DAYS and frequency not in STEP_MONTHS:
        start = record.fields.start_date.value or record.fields.effective_date.value
        return [ScheduleLine(kind="instalment", description="Fixed fee", amount=total, due_date=start)]
    spans = periods(*_term(record, "fixed fee instalments"), frequency)
    return [
        ScheduleLine(
            kind="instalment",
            description=f"Fixed fee instalment {number} of {len(spans)}",
            amount=amount,
            due_date=first,
            period_start=first,
            period_end=last,
        )
        for number, ((first, last), amount) in enumerate(zip(spans, split(total, len(spans)), strict=True), 1)
    ]


def mixed_lines(record: HandoffRecord) -> list[ScheduleLine]:
    fixed = milestone_lines(record) if record.milestones else []
    return fixed + time_and_materials_lines(record)


def _term(record: HandoffRecord, what: str) -> tuple[date, date]:
    start, end = record.fields.start_date.value, record.fields.end_date.value
    if start is None or end is None:
        raise UnpostableRecord(f"a {what} schedule needs the start and end dates")
    return start, end


def _frequency(record: HandoffRecord, *, default: InvoiceFrequency) -> InvoiceFrequency:
    stated = record.fields.invoice_frequency.value
    return default if stated is None or stated is InvoiceFrequency.other else stated


def _required(value: Decimal | None) -> Decimal:
    assert value is not None
    return value


TIME_BASED: Final = frozenset({BillingModel.time_and_materials, BillingModel.mixed})
BUILDERS: Final[dict[BillingModel, Callable[[HandoffRecord], list[ScheduleLine]]]] = {
    BillingModel.milestone: milestone_lines,
    BillingModel.time_and_materials: time_and_materials_lines,
    BillingModel.retainer: retainer_lines,
    BillingModel.fixed_fee: fixed_fee_lines,
    BillingModel.mixed: mixed_lines,
}
