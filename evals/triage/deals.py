"""Synthetic deals: a SOW's handoff record and its CRM opportunity, with seeded discrepancies.

The SOW comes from evals.sow (its truth values, as a perfect extraction would give them, with extraction
confidences added); the opportunity starts as the CRM's agreeing view of it. Then 0–5 discrepancies of
DISCREPANCIES are seeded on either side. Pure: `generate_deal(seed, index)` is a function of its arguments.
"""

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

from evals.sow import generate_spec, truth
from models.crm import CrmOpportunity
from models.record import DocumentInfo, ExtractorInfo, HandoffRecord, RecordFields

# Deal `index` of history `seed` is built on SOW spec seed × stride + index: histories of different seeds
# share no document as long as they hold fewer deals than the stride.
SPEC_SEED_STRIDE: Final = 100_000
TIERS: Final = ("strategic", "enterprise", "mid_market", "smb", None)
TIER_WEIGHTS: Final = (12, 28, 35, 20, 5)
# Days from CRM close to the start of services: (low, high) ranges and their weights.
LEAD_TIMES: Final = ((-30, -1), (0, 14), (15, 45), (46, 120), (121, 300))
LEAD_TIME_WEIGHTS: Final = (8, 25, 30, 27, 10)
DISCREPANCY_COUNTS: Final = (0, 1, 2, 3, 4, 5)
DISCREPANCY_COUNT_WEIGHTS: Final = (8, 20, 27, 23, 14, 8)
SIGNATURE_STATES: Final = ("signed", "provider_only", "unsigned", "undated")
SIGNATURE_WEIGHTS: Final = (85, 7, 5, 3)
CRM_FIELDS: Final = ("account_name", "amount", "currency", "start_date", "end_date", "billing_type")
DOCUMENT_FIELDS: Final = ("client_name", "total_contract_value", "currency", "start_date", "billing_model")
WATCHED_FIELDS: Final = (
    "client_name",
    "start_date",
    "end_date",
    "total_contract_value",
    "payment_terms_days",
)
CURRENCIES: Final = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF")
BILLING_MODELS: Final = ("fixed_fee", "time_and_materials", "milestone", "retainer", "mixed")


@dataclass
class Draft:
    """A deal being built: plain record values (truth.json format), CRM fields and field confidences."""

    values: dict[str, Any]
    crm: dict[str, Any]
    confidence: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Deal:
    deal_id: str
    record: HandoffRecord
    opportunity: CrmOpportunity
    true_value: float
    seeded: tuple[str, ...]


def _shift(iso: str | None, days: int) -> str | None:
    return None if iso is None else (date.fromisoformat(iso) + timedelta(days=days)).isoformat()


def _value_shift(draft: Draft, rng: random.Random) -> None:
    total = draft.values["total_contract_value"]
    if total is not None:
        draft.crm["amount"] = round(total * (1 + rng.choice((-1, 1)) * rng.uniform(0.01, 0.35)), 2)


def _value_within_tolerance(draft: Draft, rng: random.Random) -> None:
    total = draft.values["total_contract_value"]
    if total is not None:
        draft.crm["amount"] = round(total * (1 + rng.uniform(-0.004, 0.004)), 2)


def _name_variant(draft: Draft, rng: random.Random) -> None:
    name = str(draft.values["client_name"])
    draft.crm["account_name"] = name.rsplit(",", 1)[0] if rng.random() < 0.5 else name.upper()


def _different_entity(draft: Draft, rng: random.Random) -> None:
    draft.crm["account_name"] = generate_spec(rng.randrange(10**9)).client.legal_name


def _start_shift(draft: Draft, rng: random.Random) -> None:
    draft.crm["start_date"] = _shift(draft.crm["start_date"], rng.choice((-1, 1)) * rng.randint(7, 120))


def _end_shift(draft: Draft, rng: random.Random) -> None:
    draft.crm["end_date"] = _shift(draft.crm["end_date"], rng.choice((-1, 1)) * rng.randint(14, 180))


def _currency_differs(draft: Draft, rng: random.Random) -> None:
    draft.crm["currency"] = rng.choice([c for c in CURRENCIES if c != draft.values["currency"]])


def _billing_differs(draft: Draft, rng: random.Random) -> None:
    draft.crm["billing_type"] = rng.choice([b for b in BILLING_MODELS if b != draft.values["billing_model"]])


def _terms_differ(draft: Draft, rng: random.Random) -> None:
    stated = draft.values["payment_terms_days"]
    draft.crm["payment_terms_days"] = rng.choice([t for t in (0, 15, 30, 45, 60, 90) if t != stated])


def _crm_missing(draft: Draft, rng: random.Random) -> None:
    for name in rng.sample(CRM_FIELDS, rng.randint(1, 2)):
        draft.crm[name] = None


def _document_missing(draft: Draft, rng: random.Random) -> None:
    draft.values[rng.choice(DOCUMENT_FIELDS)] = None


def _long_terms(draft: Draft, rng: random.Random) -> None:
    draft.values["payment_terms_days"] = rng.choice((60, 90, 120))
    if rng.random() < 0.5:  # sales booked the long terms too: only the policy rule fires
        draft.crm["payment_terms_days"] = draft.values["payment_terms_days"]


def _milestone_sum_off(draft: Draft, rng: random.Random) -> None:
    milestones = draft.values["milestones"]
    if milestones and milestones[0]["amount"] is not None:
        factor = 1 + rng.choice((-1, 1)) * rng.uniform(0.03, 0.4)
        milestones[0] = {**milestones[0], "amount": round(milestones[0]["amount"] * factor, 2)}


def _missing_contract_number(draft: Draft, rng: random.Random) -> None:
    draft.values["contract_number"] = None


def _low_confidence(draft: Draft, rng: random.Random) -> None:
    draft.confidence[rng.choice(WATCHED_FIELDS)] = round(rng.uniform(0.25, 0.59), 2)


DISCREPANCIES: Final[dict[str, tuple[Callable[[Draft, random.Random], None], int]]] = {
    "value_shift": (_value_shift, 14),
    "value_within_tolerance": (_value_within_tolerance, 5),
    "name_variant": (_name_variant, 6),
    "different_entity": (_different_entity, 4),
    "start_shift": (_start_shift, 8),
    "end_shift": (_end_shift, 8),
    "currency_differs": (_currency_differs, 4),
    "billing_differs": (_billing_differs, 5),
    "terms_differ": (_terms_differ, 6),
    "crm_missing": (_crm_missing, 8),
    "document_missing": (_document_missing, 5),
    "long_terms": (_long_terms, 6),
    "milestone_sum_off": (_milestone_sum_off, 7),
    "missing_contract_number": (_missing_contract_number, 4),
    "low_confidence": (_low_confidence, 6),
}


def _seeded_kinds(rng: random.Random) -> tuple[str, ...]:
    count = rng.choices(DISCREPANCY_COUNTS, DISCREPANCY_COUNT_WEIGHTS)[0]
    names, weights = list(DISCREPANCIES), [weight for _, weight in DISCREPANCIES.values()]
    chosen: list[str] = []
    while len(chosen) < count:
        kind = rng.choices(names, weights)[0]
        if kind not in chosen:
            chosen.append(kind)
    return tuple(chosen)


def _agreeing_crm(values: dict[str, Any], rng: random.Random, deal_id: str) -> dict[str, Any]:
    start = values["start_date"]
    low, high = rng.choices(LEAD_TIMES, LEAD_TIME_WEIGHTS)[0]
    closed = _shift(start, -rng.randint(low, high)) if start else values["signature_date"]
    margin = round(min(max(rng.gauss(30, 9), 5), 60), 1) if rng.random() < 0.95 else None
    return {
        "opportunity_id": f"006{hashlib.sha256(deal_id.encode()).hexdigest()[:12]}",
        "account_name": values["client_name"],
        "amount": values["total_contract_value"],
        "currency": values["currency"],
        "close_date": closed,
        "start_date": start,
        "end_date": values["end_date"],
        "billing_type": values["billing_model"],
        "payment_terms_days": values["payment_terms_days"],
        "stage": "Closed Won",
        "customer_tier": rng.choices(TIERS, TIER_WEIGHTS)[0],
        "expected_margin_pct": margin,
    }


def _confidence(rng: random.Random) -> float:
    """Most fields read cleanly; one in seven is read with middling confidence (above the rule's 0.6)."""
    return round(rng.uniform(0.6, 0.85) if rng.random() < 1 / 7 else rng.uniform(0.86, 1.0), 2)


def _stated(value: Any, confidence: float) -> dict[str, Any]:
    return {"value": value, "confidence": confidence if value is not None else 0.0}


def _record(draft: Draft, rng: random.Random, deal_id: str) -> HandoffRecord:
    values = draft.values
    fields = {
        name: _stated(values.get(name), draft.confidence.get(name, _confidence(rng)))
        for name in RecordFields.model_fields
    }
    milestones = [
        {key: _stated(item[key], _confidence(rng)) for key in ("name", "amount", "due_date")}
        for item in values["milestones"]
    ]
    rates = [{key: _stated(item[key], 1.0) for key in item} for item in values["rate_card"]]
    return HandoffRecord.model_validate(
        {
            "document": DocumentInfo(
                sha256=hashlib.sha256(deal_id.encode()).hexdigest(),
                filename=f"{deal_id}.pdf",
                pages=6,
                parser="pypdfium2",
            ),
            "extractor": ExtractorInfo(backend="offline", model="evals.triage"),
            "fields": fields,
            "milestones": milestones,
            "rate_card": rates,
        }
    )


def generate_deal(seed: int, index: int) -> Deal:
    """Deal `index` of the history of `seed`."""
    rng = random.Random(f"evals.triage-deal-{seed}-{index}")  # noqa: S311 - reproducible data, not security
    spec_seed = seed * SPEC_SEED_STRIDE + index
    spec = generate_spec(
        spec_seed,
        document_type="sow",
        signature_state=rng.choices(SIGNATURE_STATES, SIGNATURE_WEIGHTS)[0],
        capped=rng.random() < 0.8,
        end_date_mistyped=rng.random() < 0.03,
        open_ended=False,
    )
    deal_id = f"deal-{seed}-{index:05d}"
    values = {name: value for name, value in truth(spec).items() if not name.startswith("_")}
    draft = Draft(values=values, crm=_agreeing_crm(values, rng, deal_id))
    true_value = float(values["total_contract_value"] or 0.0)
    kinds = _seeded_kinds(rng)
    for kind in kinds:
        DISCREPANCIES[kind][0](draft, rng)
    return Deal(
        deal_id=deal_id,
        record=_record(draft, rng, deal_id),
        opportunity=CrmOpportunity.model_validate(draft.crm),
        true_value=true_value,
        seeded=kinds,
    )
