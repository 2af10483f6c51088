"""Ranking quality on a labelled history: per-deal NDCG@k of the model against two naive orders.

- model: `rank_exceptions` with the model under test (the production path, tie-breaking included);
- amount baseline: the money amount an exception names, largest first — |document − CRM| for two amounts,
  |milestone sum − fee| for the milestone rule, the one amount stated for a missing amount, 0 otherwise;
  ties keep find_gaps' order;
- severity baseline: find_gaps' own order (severity, then code and field);
- oracle: the labelling rules' expected impact (exposure × probability, without the noise), the best order
  anything that sees the exception can reach.
The gain of an exception is its labelled revenue impact. NDCG@k = DCG@k / ideal DCG@k with
DCG = Σ gain_i / log2(i + 1), averaged over the deals that have at least two exceptions and some impact
(a single exception or an all-zero deal ranks perfectly whatever the order).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from sklearn.metrics import roc_auc_score

from evals.triage.history import LabelledDeal, LabelledException
from models.exceptions import ExceptionCode, HandoffException
from triage.ranker import rank_exceptions
from triage.ranker_features import MONEY_FIELDS, scheduled_fee
from triage.ranker_model import RankerModel

DEFAULT_K: Final = 10
Order = Callable[[LabelledDeal], list[LabelledException]]


def ndcg_at_k(gains: Sequence[float], k: int = DEFAULT_K) -> float:
    """NDCG@k of gains listed in ranked order; 1.0 when no order could do better (ideal DCG 0)."""

    def dcg(values: Sequence[float]) -> float:
        return sum(gain / math.log2(position + 2) for position, gain in enumerate(values[:k]))

    ideal = dcg(sorted(gains, reverse=True))
    return dcg(gains) / ideal if ideal > 0 else 1.0


def _amount(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return abs(float(value))
    return None


def amount_named(exception: HandoffException, fee: float | None) -> float:
    """The amount-baseline's sort value of an exception (see the module docstring)."""
    if exception.code == ExceptionCode.MILESTONE_SUM_MISMATCH:
        total = _amount(exception.document_value)
        return abs(total - fee) if total is not None and fee is not None else 0.0
    if exception.field not in MONEY_FIELDS:
        return 0.0
    document, crm = _amount(exception.document_value), _amount(exception.crm_value)
    if document is not None and crm is not None:
        return abs(document - crm)
    return document or crm or 0.0


def amount_order(deal: LabelledDeal) -> list[LabelledException]:
    scheduled = scheduled_fee(deal.deal.record)
    fee = float(scheduled) if scheduled is not None else None
    return sorted(deal.exceptions, key=lambda labelled: -amount_named(labelled.exception, fee))


def severity_order(deal: LabelledDeal) -> list[LabelledException]:
    return list(deal.exceptions)


def identity(exception: HandoffException) -> tuple[str, str | None, str]:
    """What tells a deal's exceptions apart once ranking has copied them."""
    return exception.code, exception.field, exception.message


def ranked_by_model(
    model: RankerModel, deal: LabelledDeal
) -> list[tuple[HandoffException, LabelledException]]:
    """The deal's exceptions as `rank_exceptions` orders and scores them, each with its labels."""
    labels = {identity(labelled.exception): labelled for labelled in deal.exceptions}
    ranked = rank_exceptions(
        [labelled.exception for labelled in deal.exceptions], deal.deal.record, deal.deal.opportunity, model
    )
    return [(exception, labels[identity(exception)]) for exception in ranked]


def oracle_order(deal: LabelledDeal) -> list[LabelledException]:
    return sorted(deal.exceptions, key=lambda e: -e.assessment.exposure * e.assessment.probability)


def model_order(model: RankerModel) -> Order:
    def order(deal: LabelledDeal) -> list[LabelledException]:
        return [labelled for _, labelled in ranked_by_model(model, deal)]

    return order


@dataclass(frozen=True)
class RankingScores:
    deals: int
    deals_scored: int
    exceptions: int
    ndcg_model: float
    ndcg_amount_baseline: float
    ndcg_severity_baseline: float
    ndcg_oracle: float
    model_better_than_amount: int
    model_worse_than_amount: int
    risk_auc: float
    risk_auc_oracle: float


def scored_deals(history: Sequence[LabelledDeal]) -> list[LabelledDeal]:
    return [
        deal
        for deal in history
        if len(deal.exceptions) >= 2 and any(labelled.revenue_impact > 0 for labelled in deal.exceptions)
    ]


def ndcg_per_deal(deals: Sequence[LabelledDeal], order: Order, k: int = DEFAULT_K) -> list[float]:
    return [ndcg_at_k([labelled.revenue_impact for labelled in order(deal)], k) for deal in deals]


def evaluate_ranking(
    model: RankerModel, history: Sequence[LabelledDeal], k: int = DEFAULT_K
) -> RankingScores:
    deals = scored_deals(history)
    if not deals:
        raise ValueError("no deal of the history has two exceptions with some revenue impact")
    by_model = ndcg_per_deal(deals, model_order(model), k)
    by_amount = ndcg_per_deal(deals, amount_order, k)
    by_severity = ndcg_per_deal(deals, severity_order, k)
    return RankingScores(
        deals=len(history),
        deals_scored=len(deals),
        exceptions=sum(len(deal.exceptions) for deal in history),
        ndcg_model=sum(by_model) / len(deals),
        ndcg_amount_baseline=sum(by_amount) / len(deals),
        ndcg_severity_baseline=sum(by_severity) / len(deals),
        ndcg_oracle=sum(ndcg_per_deal(deals, oracle_order, k)) / len(deals),
        model_better_than_amount=sum(m > a + 1e-12 for m, a in zip(by_model, by_amount, strict=True)),
        model_worse_than_amount=sum(m < a - 1e-12 for m, a in zip(by_model, by_amount, strict=True)),
        risk_auc=_risk_auc(model, history),
        risk_auc_oracle=_oracle_auc(history),
    )


def _oracle_auc(history: Sequence[LabelledDeal]) -> float:
    """The same AUC for the labelling rules' own probability: the ceiling the outcomes' coin flips allow."""
    labelled = [item for deal in history for item in deal.exceptions]
    return float(
        roc_auc_score(
            [item.billing_error for item in labelled], [item.assessment.probability for item in labelled]
        )
    )


def _risk_auc(model: RankerModel, history: Sequence[LabelledDeal]) -> float:
    """ROC AUC of risk_score against whether the exception became a billing error."""
    pairs = [pair for deal in history for pair in ranked_by_model(model, deal)]
    return float(
        roc_auc_score([labelled.billing_error for _, labelled in pairs], [e.risk_score for e, _ in pairs])
    )
