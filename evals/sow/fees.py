"""Fee structures per billing model, with totals that follow the spec's total_contract_value convention.

Fixed fee: the fee. Milestone: the milestone amounts, which sum to the total. Capped T&M: the cap; uncapped
T&M: the estimate. Retainer: monthly fee × initial term. Mixed: fixed part + T&M cap.
"""

import random
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from evals.sow.spec import Fees, MilestoneSpec, RateSpec
from evals.sow.themes import Theme
from models.record import BillingModel, RateUnit

# Rough purchasing-power scaling so that a CHF or AUD fee looks like one a real firm would quote.
CURRENCY_SCALE = {"USD": 1.0, "EUR": 0.92, "GBP": 0.8, "CAD": 1.35, "AUD": 1.5, "CHF": 0.9}
_UNIT_FACTOR = {RateUnit.hour: 1, RateUnit.day: 8, RateUnit.week: 40, RateUnit.month: 160}


def round_to(value: float, step: int) -> Decimal:
    return Decimal(max(step, round(value / step) * step))


def ceil_to(value: Decimal, step: int) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def build_fees(
    rng: random.Random,
    model: BillingModel,
    *,
    capped: bool,
    theme: Theme,
    currency: str,
    scale: float,
    schedule: tuple[date, date | None],
    term_months: int,
) -> Fees:
    """Fees for one document; `scale` shrinks change orders, `schedule` is (start, end or None) and
    `term_months` its length, which a retainer is priced on."""
    factor = CURRENCY_SCALE[currency] * scale
    unit = rng.choices((RateUnit.hour, RateUnit.day, RateUnit.week), (8, 3, 1))[0]
    if model is BillingModel.fixed_fee:
        fee = round_to(rng.uniform(40_000, 900_000) * factor, 1000)
        milestones = _milestones(rng, theme, fee, schedule, priced=False) if rng.random() < 0.5 else ()
        return Fees(billing_model=model, fixed_fee=fee, total=fee, total_stated=True, milestones=milestones)
    if model is BillingModel.milestone:
        fee = round_to(rng.uniform(60_000, 1_500_000) * factor, 1000)
        milestones = _milestones(rng, theme, fee, schedule, priced=True)
        return Fees(billing_model=model, fixed_fee=fee, total=fee, total_stated=True, milestones=milestones)
    if model is BillingModel.time_and_materials:
        return _time_and_materials(rng, theme, currency, factor, unit, capped=capped)
    if model is BillingModel.retainer:
        return _retainer(rng, theme, currency, factor, term_months)
    return _mixed(rng, theme, currency, factor, unit, schedule)


def _rate_card(
    rng: random.Random, theme: Theme, currency: str, factor: float, unit: RateUnit, *, estimate: bool
) -> tuple[RateSpec, ...]:
    roles = sorted(rng.sample(range(len(theme.roles)), rng.randint(3, min(6, len(theme.roles)))))
    items = []
    for index in roles:
        role, base_rate = theme.roles[index]
        rate = round_to(base_rate * factor * rng.uniform(0.85, 1.2) * _UNIT_FACTOR[unit], 5)
        quantity = max(5, round(rng.randint(40, 1200) / _UNIT_FACTOR[unit] / 5) * 5) if estimate else None
        items.append(
            RateSpec(role=role, rate=rate, unit=unit, currency=currency, estimated_quantity=quantity)
        )
    return tuple(items)


def rate_card_estimate(rate_card: tuple[RateSpec, ...]) -> Decimal:
    return sum((item.rate * (item.estimated_quantity or 0) for item in rate_card), Decimal(0))


def _time_and_materials(
    rng: random.Random, theme: Theme, currency: str, factor: float, unit: RateUnit, *, capped: bool
) -> Fees:
    rate_card = _rate_card(rng, theme, currency, factor, unit, estimate=True)
    estimate = rate_card_estimate(rate_card)
    if not capped:
        return Fees(
            billing_model=BillingModel.time_and_materials,
            time_and_materials_estimate=estimate,
            total=estimate,
            total_stated=True,
            rate_card=rate_card,
        )
    cap = ceil_to(estimate * Decimal(str(round(rng.uniform(1.0, 1.15), 2))), 5000)
    return Fees(
        billing_model=BillingModel.time_and_materials,
        time_and_materials_estimate=estimate,
        not_to_exceed=cap,
        total=cap,
        total_stated=True,
        rate_card=rate_card,
    )


def _retainer(rng: random.Random, theme: Theme, currency: str, factor: float, months: int) -> Fees:
    monthly = round_to(rng.uniform(8_000, 60_000) * factor, 500)
    return Fees(
        billing_model=BillingModel.retainer,
        retainer_monthly_fee=monthly,
        retainer_months=months,
        total=monthly * months,
        total_stated=rng.random() < 0.7,
        rate_card=_rate_card(rng, theme, currency, factor, RateUnit.hour, estimate=False),
    )


def _mixed(
    rng: random.Random,
    theme: Theme,
    currency: str,
    factor: float,
    unit: RateUnit,
    schedule: tuple[date, date | None],
) -> Fees:
    fixed = round_to(rng.uniform(40_000, 600_000) * factor, 1000)
    milestones = _milestones(rng, theme, fixed, schedule, priced=True) if rng.random() < 0.6 else ()
    rate_card = _rate_card(rng, theme, currency, factor, unit, estimate=False)
    cap = round_to(rng.uniform(20_000, 300_000) * factor, 5000)
    return Fees(
        billing_model=BillingModel.mixed,
        fixed_fee=fixed,
        not_to_exceed=cap,
        total=fixed + cap,
        total_stated=rng.random() < 0.7,
        milestones=milestones,
        rate_card=rate_card,
    )


def _milestones(
    rng: random.Random, theme: Theme, total: Decimal, schedule: tuple[date, date | None], *, priced: bool
) -> tuple[MilestoneSpec, ...]:
    count = rng.randint(3, min(6, len(theme.phases)))
    names = [theme.phases[index] for index in sorted(rng.sample(range(len(theme.phases)), count))]
    start, end = schedule
    span = ((end or start + timedelta(days=180)) - start).days
    due_dates: list[date | None] = [start + timedelta(days=span * (i + 1) // count) for i in range(count)]
    if end is None:
        due_dates[-1] = None
    amounts: list[Decimal | None] = [None] * count
    if priced:
        weights = [rng.uniform(1, 3) for _ in names]
        step = 500 if total >= 100_000 else 100
        # Rounding down keeps the last milestone, which takes the remainder, positive.
        shares = [Decimal(int(float(total) * weight / sum(weights) / step) * step) for weight in weights[:-1]]
        amounts = [*shares, total - sum(shares, Decimal(0))]
    return tuple(
        MilestoneSpec(name=name, amount=amount, due_date=due)
        for name, amount, due in zip(names, amounts, due_dates, strict=True)
    )
