"""Revenue actually at stake per exception: a label source independent of the ranker and of its training
labels (evals/triage/labels.py), for measuring the ranking until reviewers' dispositions exist.

The stake is the money that would be booked wrong in the ERP if the deal were posted without working the
exception, computed from the document's truth (the deal's true value V and the record, which in these
histories is a perfect reading) and the CRM opportunity — no customer tier, margin, lead time, confidence
or noise, none of the labelling rules' weights:

- an amount that differs (total, cap): the difference |document − CRM|; one side missing: the amount stated;
- the milestones not summing to the fee: |Σ milestones − fee|;
- the wrong client, currency or billing model, an unsigned document, uncapped T&M, dates that cannot form a
  schedule, no milestones or rate card to invoice from, a change order in another currency: V, since every
  invoice of the schedule is affected;
- start or end date differing: V × |Δ days| / term days (capped at V): revenue booked in the wrong period;
- payment terms differing: V × |Δ days| / 365 × CARRYING_RATE: the cost of carrying the receivable longer;
- a missing contract number, a field missing only in the CRM, a low-confidence flag on a value read right: 0,
  no revenue moves.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

from evals.triage.deals import Deal
from evals.triage.history import LabelledDeal
from evals.triage.ranking import Order, amount_order, model_order, ndcg_at_k
from models.exceptions import ExceptionCode, HandoffException
from triage.ranker_model import RankerModel

C = ExceptionCode
CARRYING_RATE: Final = 0.08
WHOLE_VALUE_FIELDS: Final = frozenset({"client_name", "currency", "billing_model"})
WHOLE_VALUE_CODES: Final = frozenset(
    {
        C.UNSIGNED,
        C.UNCAPPED_TIME_AND_MATERIALS,
        C.DATE_ORDER,
        C.MISSING_MILESTONES,
        C.MISSING_RATE_CARD,
        C.CHANGE_ORDER_CURRENCY_MISMATCH,
    }
)
AMOUNT_FIELDS: Final = frozenset({"total_contract_value", "not_to_exceed", "expense_cap"})
DATE_FIELDS: Final = frozenset({"start_date", "end_date"})


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value)) if value is not None else None
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _term_days(deal: Deal) -> int | None:
    start, end = deal.record.fields.start_date.value, deal.record.fields.end_date.value
    if start is None or end is None or end <= start:
        return None
    return (end - start).days


def revenue_at_stake(exception: HandoffException, deal: Deal) -> float:
    """The money booked wrong if `exception` is not worked (see the module docstring)."""
    value = deal.true_value
    code, field = exception.code, exception.field or ""
    if code in WHOLE_VALUE_CODES:
        return value
    if code == C.MILESTONE_SUM_MISMATCH:
        milestones = sum(_number(m.amount.value) or 0.0 for m in deal.record.milestones)
        fee = _number(deal.record.fields.total_contract_value.value)
        return abs(milestones - fee) if fee is not None else value
    if code in (C.VALUE_MISMATCH, C.MISSING_IN_DOCUMENT):
        return _field_stake(exception, deal, value, field)
    return 0.0  # MISSING_IN_CRM, MISSING_CONTRACT_NUMBER, LOW_CONFIDENCE on a value read right, others


def _field_stake(exception: HandoffException, deal: Deal, value: float, field: str) -> float:
    if field in WHOLE_VALUE_FIELDS:
        return value
    if field in AMOUNT_FIELDS:
        document, crm = _number(exception.document_value), _number(exception.crm_value)
        if document is not None and crm is not None:
            return abs(document - crm)
        return abs(document if document is not None else crm if crm is not None else value)
    if field in DATE_FIELDS:
        stated, sold = _date(exception.document_value), _date(exception.crm_value)
        term = _term_days(deal)
        if stated is None or sold is None or not term:
            return value
        return min(value, value * abs((stated - sold).days) / term)
    if field == "payment_terms_days":
        document, crm = _number(exception.document_value), _number(exception.crm_value)
        if document is None or crm is None:
            return 0.0
        return value * abs(document - crm) / 365 * CARRYING_RATE
    return 0.0


def ndcg_on_stakes(model: RankerModel, history: Sequence[LabelledDeal], k: int = 10) -> dict[str, Any]:
    """NDCG@k of the model's order and of sorting by amount, both against revenue at stake, over the deals
    with at least two exceptions and some stake."""
    deals = [
        deal
        for deal in history
        if len(deal.exceptions) >= 2
        and any(revenue_at_stake(e.exception, deal.deal) > 0 for e in deal.exceptions)
    ]

    def mean(order: Order) -> float:
        scores = [
            ndcg_at_k([revenue_at_stake(labelled.exception, deal.deal) for labelled in order(deal)], k)
            for deal in deals
        ]
        return round(sum(scores) / len(scores), 4) if scores else 0.0

    by_model, by_amount = mean(model_order(model)), mean(amount_order)
    return {
        "label_source": "revenue at stake (evals/triage/stakes.py), not the ranker's training labels",
        "deals_scored": len(deals),
        "ndcg_model": by_model,
        "ndcg_amount_baseline": by_amount,
        "model_over_amount": round(by_model - by_amount, 4),
    }
