"""The ranker against the amount-only baseline on reviewers' dispositions (not on the ranker's own
formula): per record version with at least two disposed exceptions and some confirmed money impact, the
NDCG@10 of the model's order and of the amount baseline's order, with the confirmed money impact as gain
(false alarms and CRM-side fixes gain nothing).

Dispositions a model was trained on are not used to judge it: with `after`, only exceptions raised after
that time count (a model trained by `handoff train-ranker --from-dispositions` records its cutoff).
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from evals.triage.ranking import amount_named, identity, ndcg_at_k
from triage.dispositions import DisposedException
from triage.ranker import rank_exceptions
from triage.ranker_features import scheduled_fee
from triage.ranker_model import RankerModel


def compare_on_dispositions(
    model: RankerModel, disposed: Sequence[DisposedException], k: int = 10
) -> dict[str, Any]:
    groups: dict[str, list[DisposedException]] = defaultdict(list)
    for item in disposed:
        groups[item.record_version_id].append(item)
    scored = [
        items
        for items in groups.values()
        if len(items) >= 2 and any(item.example.revenue_impact > 0 for item in items)
    ]
    by_model, by_amount = [], []
    for items in scored:
        gains = {identity(item.example.exception): item.example.revenue_impact for item in items}
        record, opportunity = items[0].example.record, items[0].example.opportunity
        ranked = rank_exceptions([item.example.exception for item in items], record, opportunity, model)
        by_model.append(ndcg_at_k([gains[identity(exception)] for exception in ranked], k))
        fee = scheduled_fee(record)
        amount = sorted(
            items, key=lambda item: -amount_named(item.example.exception, float(fee) if fee else None)
        )
        by_amount.append(ndcg_at_k([item.example.revenue_impact for item in amount], k))
    count = len(scored)
    return {
        "dispositions": len(disposed),
        "confirmed": sum(item.example.billing_error for item in disposed),
        "record_versions_scored": count,
        "ndcg_at_10_model": round(sum(by_model) / count, 4) if count else None,
        "ndcg_at_10_amount_baseline": round(sum(by_amount) / count, 4) if count else None,
        "model_better": sum(m > a + 1e-12 for m, a in zip(by_model, by_amount, strict=True)),
        "model_worse": sum(m < a - 1e-12 for m, a in zip(by_model, by_amount, strict=True)),
    }
