"""The labelling rules of the exception history (evals/triage/README.md states them in prose).

An exception's revenue impact = exposure × probability × noise:
- exposure: the money the gap is about, in the document's currency (EXPOSURE: a share of the deal's true
  value V, or the amount difference itself for amount gaps);
- probability: that the gap becomes a billing error — BASE_PROBABILITY by code (and field), times the factors
  of customer tier, expected margin, days from close to start, billing model and extraction confidence,
  clipped to PROBABILITY_RANGE;
- noise: a mean-one log-normal factor, σ = NOISE_SIGMA.
Whether it became a billing error is drawn with that probability. V is the deal's true value (the SOW's
total before any discrepancy was seeded); the rest comes from the record and the opportunity. The model
sees the exception, the record and the opportunity, never V, the exposure or the probability.
"""

import math
import random
from dataclasses import dataclass
from datetime import date
from typing import Final

from evals.triage.deals import Deal
from models.exceptions import ExceptionCode, HandoffException
from models.record import BillingModel

LABEL_RULES_VERSION: Final = "labels-v1"
NOISE_SIGMA: Final = 0.35
PROBABILITY_RANGE: Final = (0.02, 0.97)
C = ExceptionCode
# (code, field) → share of the deal value exposed; (code, None) is the code's default.
EXPOSURE: Final[dict[tuple[str, str | None], float]] = {
    (C.VALUE_MISMATCH, "client_name"): 0.5,
    (C.VALUE_MISMATCH, "currency"): 0.15,
    (C.VALUE_MISMATCH, "billing_model"): 0.3,
    (C.VALUE_MISMATCH, None): 0.1,
    (C.MISSING_IN_DOCUMENT, "total_contract_value"): 0.4,
    (C.MISSING_IN_DOCUMENT, "client_name"): 0.4,
    (C.MISSING_IN_DOCUMENT, "currency"): 0.15,
    (C.MISSING_IN_DOCUMENT, "billing_model"): 0.25,
    (C.MISSING_IN_DOCUMENT, None): 0.08,
    (C.MISSING_IN_CRM, "total_contract_value"): 0.3,
    (C.MISSING_IN_CRM, None): 0.05,
    (C.DATE_ORDER, None): 0.2,
    (C.UNSIGNED, None): 0.6,
    (C.UNCAPPED_TIME_AND_MATERIALS, None): 0.3,
    (C.MISSING_MILESTONES, None): 0.2,
    (C.MISSING_RATE_CARD, None): 0.15,
    (C.MISSING_CONTRACT_NUMBER, None): 0.05,
    (C.LOW_CONFIDENCE, "total_contract_value"): 0.15,
    (C.LOW_CONFIDENCE, "client_name"): 0.15,
    (C.LOW_CONFIDENCE, None): 0.05,
    (C.CHANGE_ORDER_CURRENCY_MISMATCH, None): 0.15,
}
DEFAULT_EXPOSURE: Final = 0.05
BASE_PROBABILITY: Final[dict[tuple[str, str | None], float]] = {
    (C.VALUE_MISMATCH, "client_name"): 0.5,
    (C.VALUE_MISMATCH, "currency"): 0.6,
    (C.VALUE_MISMATCH, "billing_model"): 0.45,
    (C.VALUE_MISMATCH, "start_date"): 0.35,
    (C.VALUE_MISMATCH, "end_date"): 0.3,
    (C.VALUE_MISMATCH, "payment_terms_days"): 0.4,
    (C.MISSING_IN_DOCUMENT, "client_name"): 0.35,
    (C.MISSING_IN_DOCUMENT, None): 0.35,
    (C.MISSING_IN_CRM, "total_contract_value"): 0.3,
    (C.MISSING_IN_CRM, None): 0.2,
    (C.MILESTONE_SUM_MISMATCH, None): 0.6,
    (C.DATE_ORDER, None): 0.35,
    (C.UNSIGNED, None): 0.4,
    (C.NONSTANDARD_PAYMENT_TERMS, None): 0.5,
    (C.UNCAPPED_TIME_AND_MATERIALS, None): 0.45,
    (C.MISSING_MILESTONES, None): 0.4,
    (C.MISSING_RATE_CARD, None): 0.35,
    (C.MISSING_CONTRACT_NUMBER, None): 0.35,
    (C.CHANGE_ORDER_CURRENCY_MISMATCH, None): 0.5,
}
DEFAULT_PROBABILITY: Final = 0.2
TIER_FACTOR: Final = {"strategic": 1.3, "enterprise": 1.1, "mid_market": 1.0, "smb": 0.8}
BILLING_FACTOR: Final = {
    BillingModel.time_and_materials: 1.15,
    BillingModel.mixed: 1.15,
    BillingModel.fixed_fee: 0.9,
}


@dataclass(frozen=True)
class Assessment:
    exposure: float
    probability: float


def _lookup(table: dict[tuple[str, str | None], float], exception: HandoffException, default: float) -> float:
    return table.get((exception.code, exception.field), table.get((exception.code, None), default))


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _days(first: object, second: object) -> int:
    return (date.fromisoformat(str(first)) - date.fromisoformat(str(second))).days


def exposure(exception: HandoffException, deal: Deal) -> float:
    """Money the exception is about, in the document's currency."""
    value, field = deal.true_value, exception.field
    if exception.code == C.VALUE_MISMATCH and field == "total_contract_value":
        return abs(_number(exception.document_value) - _number(exception.crm_value))
    if exception.code == C.MILESTONE_SUM_MISMATCH:
        return abs(_number(exception.document_value) - _scheduled_fee(deal))
    if exception.code == C.VALUE_MISMATCH and field in ("start_date", "end_date"):
        duration = _duration_days(deal)
        return value * min(1.0, abs(_days(exception.document_value, exception.crm_value)) / duration)
    if exception.code == C.VALUE_MISMATCH and field == "payment_terms_days":
        shift = abs(_number(exception.document_value) - _number(exception.crm_value))
        return value * 0.25 * min(1.0, shift / 90)
    if exception.code == C.NONSTANDARD_PAYMENT_TERMS:
        return value * max(0.0, _number(exception.document_value) - 30) / 365
    return value * _lookup(EXPOSURE, exception, DEFAULT_EXPOSURE)


def _scheduled_fee(deal: Deal) -> float:
    """The fee the milestones schedule: the true value, less the T&M cap for mixed billing."""
    fields = deal.record.fields
    cap = fields.not_to_exceed.value
    if fields.billing_model.value is BillingModel.mixed and cap is not None:
        return deal.true_value - float(cap)
    return deal.true_value


def _duration_days(deal: Deal) -> int:
    start, end = deal.opportunity.start_date, deal.opportunity.end_date
    record_start, record_end = deal.record.fields.start_date.value, deal.record.fields.end_date.value
    start, end = record_start or start, record_end or end
    return max(30, (end - start).days) if start and end else 365


def probability(exception: HandoffException, deal: Deal) -> float:
    """Probability that the exception becomes a billing error."""
    base = _lookup(BASE_PROBABILITY, exception, DEFAULT_PROBABILITY)
    if exception.code == C.VALUE_MISMATCH and exception.field == "total_contract_value":
        relative = abs(_number(exception.document_value) / max(_number(exception.crm_value), 1.0) - 1)
        base = 0.5 + min(0.4, 2 * relative)
    confidence = _confidence(exception, deal)
    if exception.code == C.LOW_CONFIDENCE:
        base = 0.45 - 0.5 * confidence
        confidence = 1.0  # already counted: here a low confidence is the risk itself
    factors = (
        TIER_FACTOR.get(deal.opportunity.customer_tier or "", 1.0),
        _margin_factor(deal.opportunity.expected_margin_pct),
        _lead_time_factor(deal),
        BILLING_FACTOR.get(deal.record.fields.billing_model.value or BillingModel.milestone, 1.0),
        0.3 + 0.7 * confidence,  # a value read with low confidence is more often a misreading than a gap
    )
    low, high = PROBABILITY_RANGE
    return min(max(base * math.prod(factors), low), high)


def _confidence(exception: HandoffException, deal: Deal) -> float:
    fields = deal.record.fields
    if exception.field is None or exception.field not in type(fields).model_fields:
        return 1.0
    stated = getattr(fields, exception.field)
    return float(stated.confidence) if stated.value is not None else 1.0


def _margin_factor(margin: float | None) -> float:
    if margin is None:
        return 1.0
    if margin < 15:
        return 1.3
    return 0.8 if margin > 35 else 1.0


def _lead_time_factor(deal: Deal) -> float:
    """Days from the CRM close to the true start: little time to fix a gap before billing begins."""
    start = deal.record.fields.start_date.value or deal.opportunity.start_date
    closed = deal.opportunity.close_date
    if start is None or closed is None:
        return 1.0
    days = (start - closed).days
    if days < 0:
        return 1.5
    if days <= 14:
        return 1.35
    if days <= 45:
        return 1.1
    return 0.75 if days > 120 else 1.0


def assess(exception: HandoffException, deal: Deal) -> Assessment:
    return Assessment(exposure=exposure(exception, deal), probability=probability(exception, deal))


def draw_outcome(assessment: Assessment, rng: random.Random) -> tuple[float, bool]:
    """(revenue impact, became a billing error): the labels of one exception."""
    noise = math.exp(rng.gauss(0.0, NOISE_SIGMA) - NOISE_SIGMA**2 / 2)
    impact = round(assessment.exposure * assessment.probability * noise, 2)
    return impact, rng.random() < assessment.probability
