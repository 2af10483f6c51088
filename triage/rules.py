"""Document rules and readiness rules: what a record alone shows is wrong or missing. Pure: no I/O.

Document rules:
- UNSIGNED: `signed` is false (a signature block lacks a name or date). An unknown signature state (null)
  raises nothing here; LOW_CONFIDENCE and review cover it.
- MILESTONE_SUM_MISMATCH: every milestone states an amount and their sum differs by more than
  `milestone_sum_tolerance_pct` from the fee they schedule: the total for milestone and fixed-fee billing, the
  total less the not-to-exceed cap for mixed billing (spec §1: mixed total = fixed part + cap).
- DATE_ORDER: the end date is before the start date (before the effective date when no start is stated).
- NONSTANDARD_PAYMENT_TERMS: payment terms longer than `standard_payment_terms_days`.
- UNCAPPED_TIME_AND_MATERIALS: time-and-materials or mixed billing without a not-to-exceed cap.
Readiness rules (the handoff minimum dataset):
- MISSING_MILESTONES: milestone billing with no milestone listed.
- MISSING_RATE_CARD: time-and-materials or mixed billing with no rate card.
- MISSING_CONTRACT_NUMBER: no contract, SOW or PO number.
- LOW_CONFIDENCE: a stated field of `low_confidence.fields` read with confidence below its `threshold`. (A
  watched field read as null that the rest of the record says the document states raises it in the CRM
  comparison instead of MISSING_IN_DOCUMENT: triage/compare.py.)

Rules depend on the document type: a proposal is an offer, not a contract, so it is not checked for
signatures or a contract number (CONTRACT_ONLY).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Final

from models.exceptions import ExceptionCode, HandoffException
from models.record import BillingModel, DocumentType, FieldValue, HandoffRecord
from triage.findings import FIELD_ORDER, document_label, finding, money, percent_delta, shown
from triage.policy import Policy

Rule = Callable[[HandoffRecord, Policy, str], list[HandoffException]]

TIME_BILLED: Final = frozenset({BillingModel.time_and_materials, BillingModel.mixed})
SCHEDULED_BY_MILESTONES: Final = frozenset(
    {BillingModel.milestone, BillingModel.fixed_fee, BillingModel.mixed}
)


def unsigned(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    signed = record.fields.signed
    if signed.value is not False:
        return []
    message = f"{label} is not signed: a signature block lacks a signer name or date"
    code = ExceptionCode.UNSIGNED
    return [finding(policy, code, "signed", "rule", message, document_value=False, evidence=signed.evidence)]


def _scheduled_fee(record: HandoffRecord) -> Decimal | None:
    """The fee the milestones should add up to, or None when the record does not say it."""
    fields = record.fields
    total, cap = fields.total_contract_value.value, fields.not_to_exceed.value
    if fields.billing_model.value not in SCHEDULED_BY_MILESTONES or total is None:
        return None
    if fields.billing_model.value is BillingModel.mixed:
        return None if cap is None else total - cap
    return total


def milestone_sum_mismatch(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    amounts = [milestone.amount.value for milestone in record.milestones]
    scheduled = _scheduled_fee(record)
    if not amounts or scheduled is None or any(amount is None for amount in amounts):
        return []
    added = sum((amount for amount in amounts if amount is not None), Decimal(0))
    tolerance = abs(scheduled) * Decimal(str(policy.thresholds.milestone_sum_tolerance_pct)) / 100
    if abs(added - scheduled) <= tolerance:
        return []
    currency = record.fields.currency.value
    fee = "fixed fee" if record.fields.billing_model.value is BillingModel.mixed else "total"
    message = (
        f"{label} milestones add up to {money(added, currency)} but the {fee} is "
        f"{money(scheduled, currency)}{percent_delta(added, scheduled)}"
    )
    evidence = [*record.fields.total_contract_value.evidence]
    evidence += [piece for milestone in record.milestones for piece in milestone.amount.evidence]
    code = ExceptionCode.MILESTONE_SUM_MISMATCH
    return [finding(policy, code, "milestones", "rule", message, document_value=added, evidence=evidence)]


def date_order(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    fields = record.fields
    begin_name, begin = (
        ("start date", fields.start_date)
        if fields.start_date.value is not None
        else ("effective date", fields.effective_date)
    )
    end = fields.end_date
    if begin.value is None or end.value is None or end.value >= begin.value:
        return []
    message = f"{label} end date {end.value.isoformat()} is before its {begin_name} {begin.value.isoformat()}"
    evidence = (*begin.evidence, *end.evidence)
    code = ExceptionCode.DATE_ORDER
    return [finding(policy, code, "end_date", "rule", message, document_value=end.value, evidence=evidence)]


def nonstandard_payment_terms(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    terms = record.fields.payment_terms_days
    standard = policy.thresholds.standard_payment_terms_days
    if terms.value is None or terms.value <= standard:
        return []
    message = f"{label} payment terms Net {terms.value} are longer than the standard Net {standard}"
    code = ExceptionCode.NONSTANDARD_PAYMENT_TERMS
    return [
        finding(
            policy,
            code,
            "payment_terms_days",
            "rule",
            message,
            document_value=terms.value,
            evidence=terms.evidence,
        )
    ]


def uncapped_time_and_materials(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    billing = record.fields.billing_model
    if billing.value not in TIME_BILLED or record.fields.not_to_exceed.value is not None:
        return []
    message = f"{label} bills time and materials ({billing.value}) without a not-to-exceed cap"
    code = ExceptionCode.UNCAPPED_TIME_AND_MATERIALS
    return [finding(policy, code, "not_to_exceed", "rule", message, evidence=billing.evidence)]


def missing_milestones(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    billing = record.fields.billing_model
    if billing.value is not BillingModel.milestone or record.milestones:
        return []
    message = f"{label} bills by milestone but lists no milestones"
    code = ExceptionCode.MISSING_MILESTONES
    return [finding(policy, code, "milestones", "missing", message, evidence=billing.evidence)]


def missing_rate_card(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    billing = record.fields.billing_model
    if billing.value not in TIME_BILLED or record.rate_card:
        return []
    message = f"{label} bills time and materials ({billing.value}) but has no rate card"
    code = ExceptionCode.MISSING_RATE_CARD
    return [finding(policy, code, "rate_card", "missing", message, evidence=billing.evidence)]


def missing_contract_number(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    if record.fields.contract_number.value is not None:
        return []
    message = f"{label} states no contract, SOW or PO number"
    return [finding(policy, ExceptionCode.MISSING_CONTRACT_NUMBER, "contract_number", "missing", message)]


def low_confidence(record: HandoffRecord, policy: Policy, label: str) -> list[HandoffException]:
    threshold = policy.low_confidence.threshold
    found = []
    for name in sorted(policy.low_confidence.fields, key=FIELD_ORDER.__getitem__):
        stated: FieldValue[object] = getattr(record.fields, name)
        if not policy.low_confidence.unsure(name, stated):
            continue
        message = (
            f"{label} {name.replace('_', ' ')} "
            f"{shown(name, stated.value, record.fields.currency.value)} was read with confidence "
            f"{stated.confidence:.2f}, below {threshold:.2f}: confirm it in the document"
        )
        found.append(
            finding(
                policy,
                ExceptionCode.LOW_CONFIDENCE,
                name,
                "rule",
                message,
                document_value=stated.value,
                evidence=stated.evidence,
            )
        )
    return found


RULES: Final[tuple[tuple[ExceptionCode, Rule], ...]] = (
    (ExceptionCode.UNSIGNED, unsigned),
    (ExceptionCode.MILESTONE_SUM_MISMATCH, milestone_sum_mismatch),
    (ExceptionCode.DATE_ORDER, date_order),
    (ExceptionCode.NONSTANDARD_PAYMENT_TERMS, nonstandard_payment_terms),
    (ExceptionCode.UNCAPPED_TIME_AND_MATERIALS, uncapped_time_and_materials),
    (ExceptionCode.MISSING_MILESTONES, missing_milestones),
    (ExceptionCode.MISSING_RATE_CARD, missing_rate_card),
    (ExceptionCode.MISSING_CONTRACT_NUMBER, missing_contract_number),
    (ExceptionCode.LOW_CONFIDENCE, low_confidence),
)


# Rules that only a contract (SOW, change order, …) can break: a proposal is neither signed nor numbered.
CONTRACT_ONLY: Final = frozenset({ExceptionCode.UNSIGNED, ExceptionCode.MISSING_CONTRACT_NUMBER})


def document_gaps(record: HandoffRecord, policy: Policy, label: str | None = None) -> list[HandoffException]:
    """The enabled document and readiness rules' exceptions for the record's document type, in rule order
    (find_gaps sorts them)."""
    named = label or document_label(record)
    proposal = record.fields.document_type.value is DocumentType.proposal
    return [
        gap
        for code, rule in RULES
        if policy.enabled(code) and not (proposal and code in CONTRACT_ONLY)
        for gap in rule(record, policy, named)
    ]
