"""The ranker's features: one row of numbers per exception, from the exception, its record and opportunity.

Pure: no I/O and no clock. Training (triage/ranker_fit.py) and ranking (triage/ranker.py) both build rows
here, so the model sees the same numbers in both. Unknown inputs are 0 with a `*_known` flag of 0 beside them.

- code=…, field=…, billing=…: one-hot; codes and fields outside the lists fall into `other`.
- severity: low 0, medium 1, high 2, blocker 3.
- relative_delta: (document − CRM) / |CRM| for two-sided numbers (amounts, payment terms), the milestone sum
  against the fee it schedules, the day difference of two dates over the contract's duration; clipped to ±10.
- money_delta_log10: log10(1 + |document − CRM|) for amounts and the milestone sum (document's currency).
- days_delta: |difference| in days for dates (and DATE_ORDER's end before start) and payment terms.
- contract_value_log10: the contract value (`contract_value`) on a log scale.
- customer_tier_rank: smb 0, mid_market 1, enterprise 2, strategic 3 (from the CRM's free-text tier).
- expected_margin_pct: the CRM's expected margin.
- days_until_start: start date − deal date (CRM close date, else the signature date, else the effective date):
  how long the teams have to fix a gap before the work and its billing begin; clipped to −365 … 730.
- extraction_confidence: the confidence of the field as the document states it; 1 when it states nothing.
- payment_terms_days: the document's payment terms, else the CRM's.
"""

import math
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Final

from models.crm import CrmOpportunity
from models.exceptions import ExceptionCode, HandoffException, Severity
from models.record import BillingModel, FieldValue, HandoffRecord, RecordFields

CODES: Final = tuple(code.value for code in ExceptionCode)
FIELDS: Final = (
    "client_name",
    "contract_number",
    "start_date",
    "end_date",
    "currency",
    "total_contract_value",
    "billing_model",
    "payment_terms_days",
    "not_to_exceed",
    "signed",
    "milestones",
    "rate_card",
)
BILLING_MODELS: Final = tuple(model.value for model in BillingModel)
SEVERITY_RANK: Final = {Severity.low: 0, Severity.medium: 1, Severity.high: 2, Severity.blocker: 3}
TIER_RANK: Final = {
    "smb": 0,
    "small_business": 0,
    "mid_market": 1,
    "midmarket": 1,
    "enterprise": 2,
    "strategic": 3,
}
MONEY_FIELDS: Final = frozenset({"total_contract_value", "not_to_exceed", "expense_cap", "milestones"})
RELATIVE_DELTA_LIMIT: Final = 10.0
DAYS_UNTIL_START_RANGE: Final = (-365, 730)

NUMERIC_FEATURES: Final = (
    "severity",
    "relative_delta",
    "money_delta_log10",
    "days_delta",
    "contract_value_log10",
    "contract_value_known",
    "customer_tier_rank",
    "customer_tier_known",
    "expected_margin_pct",
    "expected_margin_known",
    "days_until_start",
    "days_until_start_known",
    "extraction_confidence",
    "payment_terms_days",
    "payment_terms_known",
)
FEATURE_NAMES: Final = (
    *(f"code={code}" for code in (*CODES, "other")),
    *(f"field={field}" for field in (*FIELDS, "other")),
    *(f"billing={model}" for model in (*BILLING_MODELS, "unknown")),
    *NUMERIC_FEATURES,
)


def contract_value(record: HandoffRecord, opportunity: CrmOpportunity | None) -> Decimal | None:
    """The deal's value in the document's currency: the document's total, else the CRM amount when the CRM
    does not book it in another currency; None when neither is known."""
    total = record.fields.total_contract_value.value
    if total is not None:
        return abs(total)
    if opportunity is None or opportunity.amount is None:
        return None
    stated, booked = record.fields.currency.value, opportunity.currency
    if stated is not None and booked is not None and stated != booked:
        return None
    return abs(opportunity.amount)


def one_hot(prefix: str, value: str, known: tuple[str, ...], fallback: str) -> dict[str, float]:
    return {f"{prefix}={value if value in known else fallback}": 1.0}


def feature_row(
    exception: HandoffException, record: HandoffRecord, opportunity: CrmOpportunity | None
) -> tuple[float, ...]:
    """The exception's features in FEATURE_NAMES order."""
    billing = record.fields.billing_model.value or (opportunity.billing_type if opportunity else None)
    values: dict[str, float] = {
        **one_hot("code", exception.code, CODES, "other"),
        **one_hot("field", exception.field or "", FIELDS, "other"),
        **one_hot("billing", billing.value if billing else "", BILLING_MODELS, "unknown"),
        "severity": float(SEVERITY_RANK[exception.severity]),
        **_deltas(exception, record, opportunity),
        **_deal(record, opportunity),
        "extraction_confidence": _confidence(exception, record),
    }
    return tuple(values.get(name, 0.0) for name in FEATURE_NAMES)


def _deal(record: HandoffRecord, opportunity: CrmOpportunity | None) -> dict[str, float]:
    value = contract_value(record, opportunity)
    tier = _tier(opportunity.customer_tier if opportunity else None)
    margin = opportunity.expected_margin_pct if opportunity else None
    terms = record.fields.payment_terms_days.value
    if terms is None and opportunity is not None:
        terms = opportunity.payment_terms_days
    return {
        "contract_value_log10": math.log10(1 + float(value)) if value is not None else 0.0,
        "contract_value_known": float(value is not None),
        "customer_tier_rank": float(tier) if tier is not None else 0.0,
        "customer_tier_known": float(tier is not None),
        "expected_margin_pct": margin if margin is not None else 0.0,
        "expected_margin_known": float(margin is not None),
        **_known_days_until_start(days_until_start(record, opportunity)),
        "payment_terms_days": float(terms) if terms is not None else 0.0,
        "payment_terms_known": float(terms is not None),
    }


def _known_days_until_start(days: int | None) -> dict[str, float]:
    low, high = DAYS_UNTIL_START_RANGE
    return {
        "days_until_start": float(min(max(days, low), high)) if days is not None else 0.0,
        "days_until_start_known": float(days is not None),
    }


def _tier(tier: str | None) -> int | None:
    if tier is None:
        return None
    return TIER_RANK.get(tier.strip().casefold().replace("-", "_").replace(" ", "_"))


def days_until_start(record: HandoffRecord, opportunity: CrmOpportunity | None) -> int | None:
    """Days from the deal's date (CRM close, else signature, else effective date) to the start of services."""
    fields = record.fields
    start = fields.start_date.value or (opportunity.start_date if opportunity else None)
    closed = opportunity.close_date if opportunity else None
    deal_date = closed or fields.signature_date.value or fields.effective_date.value
    if start is None or deal_date is None:
        return None
    return (start - deal_date).days


def _confidence(exception: HandoffException, record: HandoffRecord) -> float:
    if exception.field == "milestones":
        stated = [milestone.amount for milestone in record.milestones if milestone.amount.value is not None]
        return min((amount.confidence for amount in stated), default=1.0)
    if exception.field not in RecordFields.model_fields:
        return 1.0
    field: FieldValue[object] = getattr(record.fields, exception.field)
    return field.confidence if field.value is not None else 1.0


def _deltas(
    exception: HandoffException, record: HandoffRecord, opportunity: CrmOpportunity | None
) -> Mapping[str, float]:
    if exception.code == ExceptionCode.MILESTONE_SUM_MISMATCH:
        return _number_delta(exception.document_value, scheduled_fee(record), money=True)
    if exception.code == ExceptionCode.DATE_ORDER:
        begin = record.fields.start_date.value or record.fields.effective_date.value
        return _date_delta(exception.document_value, begin, None)
    document, crm = exception.document_value, exception.crm_value
    if _is_date(document) and _is_date(crm):
        return _date_delta(document, crm, _duration_days(record, opportunity))
    return _number_delta(document, crm, money=exception.field in MONEY_FIELDS)


def scheduled_fee(record: HandoffRecord) -> Decimal | None:
    """The fee the milestones should add up to: the total, less the T&M cap for mixed billing."""
    fields = record.fields
    total, cap = fields.total_contract_value.value, fields.not_to_exceed.value
    if total is None or fields.billing_model.value is not BillingModel.mixed:
        return total
    return None if cap is None else total - cap


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _is_date(value: object) -> bool:
    if isinstance(value, date):
        return True
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _clipped(ratio: float) -> float:
    return min(max(ratio, -RELATIVE_DELTA_LIMIT), RELATIVE_DELTA_LIMIT)


def _number_delta(document: object, reference: object, *, money: bool) -> dict[str, float]:
    stated, booked = _number(document), _number(reference)
    if stated is None or booked is None:
        return {}
    difference = stated - booked
    if booked:
        relative = difference / abs(booked)
    else:  # from zero, any change is as large as the scale allows
        relative = math.copysign(RELATIVE_DELTA_LIMIT, difference) if difference else 0.0
    if money:
        return {"relative_delta": _clipped(relative), "money_delta_log10": math.log10(1 + abs(difference))}
    return {"relative_delta": _clipped(relative), "days_delta": abs(difference)}


def _date_delta(document: object, reference: object, duration_days: int | None) -> dict[str, float]:
    if not (_is_date(document) and reference is not None and _is_date(reference)):
        return {}
    days = (_as_date(document) - _as_date(reference)).days
    relative = _clipped(days / duration_days) if duration_days else 0.0
    return {"relative_delta": relative, "days_delta": float(abs(days))}


def _duration_days(record: HandoffRecord, opportunity: CrmOpportunity | None) -> int | None:
    """The contract's length in days, the document's dates first; None when unknown or not positive."""
    for start, end in (
        (record.fields.start_date.value, record.fields.end_date.value),
        (opportunity.start_date, opportunity.end_date) if opportunity else (None, None),
    ):
        if start is not None and end is not None and end > start:
            return (end - start).days
    return None
