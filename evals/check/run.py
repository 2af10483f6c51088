"""Running `handoff check`'s pipeline on the pairs, and scoring what it reports against what was seeded.

Each pair goes through two paths:
- pipeline: the rendered PDF → intake.parse → the offline extraction engine → triage.store.checked_exceptions
  (find_gaps, rank, due dates: what `handoff check` runs);
- truth: the document's truth values as a record (a perfect extraction) → the same checked_exceptions. It
  measures triage alone.
A gap is a (code, field) pair. Seeded gaps not reported are misses, reported gaps not seeded are unexpected.
Each miss and unexpected gap of the pipeline names its cause: `extraction` when the engine read one of the
fields the rule looks at differently from the truth; `extraction_confidence` for a LOW_CONFIDENCE gap on a
value read right (the engine doubted a correct reading); `triage` when every field the rule reads was read
right.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

from evals.check.pairs import Gap, Pair
from evals.sow import render_pdf
from extraction.engine import extract
from intake.parse import parse
from intake.settings import IntakeSettings
from models.exceptions import HandoffException
from models.record import (
    DocumentInfo,
    ExtractorInfo,
    HandoffRecord,
    Milestone,
    RateCardItem,
    fields_from_values,
    values_of,
)
from triage.policy import Policy
from triage.ranker_model import RankerModel
from triage.store import checked_exceptions

Item = TypeVar("Item", Milestone, RateCardItem)
# Due dates do not change which gaps are found; a fixed clock keeps the per-pair output reproducible.
RAISED_AT: Final = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MONEY_FIELDS: Final = frozenset({"total_contract_value", "not_to_exceed", "expense_cap"})
# Record fields each rule reads, beyond the exception's own field.
RULE_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "NONSTANDARD_PAYMENT_TERMS": ("payment_terms_days",),
    "UNCAPPED_TIME_AND_MATERIALS": ("billing_model", "not_to_exceed"),
    "UNSIGNED": ("signed",),
    "MILESTONE_SUM_MISMATCH": ("milestones", "total_contract_value", "billing_model", "not_to_exceed"),
    "DATE_ORDER": ("start_date", "end_date", "effective_date"),
    "MISSING_MILESTONES": ("billing_model", "milestones"),
    "MISSING_RATE_CARD": ("billing_model", "rate_card"),
    "MISSING_CONTRACT_NUMBER": ("contract_number",),
}


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    cause: str  # "extraction", "extraction_confidence" or "triage"
    message: str | None  # the exception's message; None for a miss
    misread: dict[str, dict[str, Any]]  # field the rule reads → {"extracted": …, "truth": …}, misread only


@dataclass(frozen=True)
class Outcome:
    pair: Pair
    found: frozenset[Gap]  # by the pipeline
    found_from_truth: frozenset[Gap]
    misses: tuple[Finding, ...]
    unexpected: tuple[Finding, ...]
    extracted: dict[str, Any]  # the pipeline's record values (truth format)


def gaps(exceptions: Iterable[HandoffException]) -> frozenset[Gap]:
    return frozenset((exception.code, exception.field or "") for exception in exceptions)


def truth_record(pair: Pair) -> HandoffRecord:
    """The pair's document as a perfect extraction reads it: the truth values, confidence 1."""
    return record_of_truth(pair.pair_id, pair.values)


def record_of_truth(doc_id: str, values: dict[str, Any]) -> HandoffRecord:
    """A document's truth values (truth.json format) as a record: a perfect extraction, confidence 1."""
    return HandoffRecord(
        document=DocumentInfo(
            sha256=hashlib.sha256(doc_id.encode()).hexdigest(),
            filename=f"{doc_id}.pdf",
            pages=0,
            parser="truth",
        ),
        extractor=ExtractorInfo(backend="offline", model="truth"),
        fields=fields_from_values(values),
        milestones=tuple(_item(Milestone, item) for item in values["milestones"]),
        rate_card=tuple(_item(RateCardItem, item) for item in values["rate_card"]),
    )


def _item(kind: type[Item], values: dict[str, Any]) -> Item:
    return kind.model_validate({name: {"value": value, "confidence": 1.0} for name, value in values.items()})


def pipeline_record(pair: Pair, settings: IntakeSettings) -> HandoffRecord:
    pdf = render_pdf(pair.spec, scanned_pages=pair.scanned_pages)
    document = parse(pdf, f"{pair.pair_id}.pdf", settings)
    return extract(document)


def run_pair(pair: Pair, policy: Policy, model: RankerModel, settings: IntakeSettings) -> Outcome:
    record = pipeline_record(pair, settings)
    reported = checked_exceptions(record, pair.opportunity, policy, model, RAISED_AT)
    from_truth = checked_exceptions(truth_record(pair), pair.opportunity, policy, model, RAISED_AT)
    extracted = values_of(record)
    found = gaps(reported)
    messages = {(exception.code, exception.field or ""): exception.message for exception in reported}
    misses = tuple(_finding(gap, pair, extracted, None) for gap in sorted(pair.expected - found))
    unexpected = tuple(_finding(gap, pair, extracted, messages[gap]) for gap in sorted(found - pair.expected))
    return Outcome(pair, found, gaps(from_truth), misses, unexpected, extracted)


def fields_read(gap: Gap) -> tuple[str, ...]:
    code, field = gap
    if code in RULE_FIELDS:
        return RULE_FIELDS[code]
    # A compared amount also depends on the currency: amounts in different currencies are not compared.
    return (field, "currency") if field == "total_contract_value" else (field,)


def same_value(field: str, extracted: Any, truth: Any) -> bool:
    if field == "milestones":
        return _amounts(extracted, "amount") == _amounts(truth, "amount")
    if field == "rate_card":
        return _amounts(extracted, "rate") == _amounts(truth, "rate")
    if field in MONEY_FIELDS and extracted is not None and truth is not None:
        return round(float(extracted), 2) == round(float(truth), 2)
    return bool(extracted == truth)


def _amounts(items: list[dict[str, Any]], key: str) -> list[float | None]:
    return [None if item[key] is None else round(float(item[key]), 2) for item in items]


def _finding(gap: Gap, pair: Pair, extracted: dict[str, Any], message: str | None) -> Finding:
    code, field = gap
    misread = {
        name: {"extracted": extracted.get(name), "truth": pair.values.get(name)}
        for name in fields_read(gap)
        if not same_value(name, extracted.get(name), pair.values.get(name))
    }
    if misread:
        cause = "extraction"
    elif code == "LOW_CONFIDENCE":
        cause = "extraction_confidence"
    else:
        cause = "triage"
    return Finding(code, field, cause, message, misread)
