"""find_gaps: a handoff record against its CRM opportunity (spec §2–3) and the document rules. Pure: no I/O.

CRM pairs, record field ↔ opportunity field: client_name ↔ account_name, total_contract_value ↔ amount,
currency, start_date, end_date, billing_model ↔ billing_type, payment_terms_days. For each pair:
- null on both sides → nothing; null in the record → MISSING_IN_DOCUMENT; null in the CRM → MISSING_IN_CRM;
- both stated and different → VALUE_MISMATCH. Names differ when they are not the same legal entity
  (triage/names.py); amounts differ by more than `amount_tolerance_pct` of the CRM amount, and are not
  compared at all when both currencies are stated and differ (the currency pair reports that); other values
  differ when they are not equal.
- A record value read below the LOW_CONFIDENCE threshold (triage/policy.py) raises LOW_CONFIDENCE and neither
  VALUE_MISMATCH nor MISSING_IN_CRM: an unsure reading alone is not a discrepancy. Once a reviewer confirms or
  corrects it (confidence 1), the record is triaged again and a real difference is raised. Likewise a null
  the rest of the record says the document states (`unread`: the client; the currency of stated
  amounts; the billing model of stated fees) and stated in the CRM raises LOW_CONFIDENCE, not
  MISSING_IN_DOCUMENT, until a person confirms that the document does not state it.
Without an opportunity only the document and readiness rules (triage/rules.py) run.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from models.crm import CrmOpportunity
from models.exceptions import ExceptionCode, HandoffException
from models.record import FieldValue, HandoffRecord
from triage.findings import document_label, finding, ordered, percent_delta, shown
from triage.names import same_entity
from triage.policy import Policy
from triage.rules import document_gaps


@dataclass(frozen=True)
class Pair:
    field: str
    crm_field: str
    document_term: str
    crm_term: str


PAIRS: Final = (
    Pair("client_name", "account_name", "client", "account"),
    Pair("total_contract_value", "amount", "total", "amount"),
    Pair("currency", "currency", "currency", "currency"),
    Pair("start_date", "start_date", "start date", "start date"),
    Pair("end_date", "end_date", "end date", "end date"),
    Pair("billing_model", "billing_type", "billing model", "billing type"),
    Pair("payment_terms_days", "payment_terms_days", "payment term", "payment term"),
)


def find_gaps(
    record: HandoffRecord, opportunity: CrmOpportunity | None, policy: Policy
) -> list[HandoffException]:
    """Every exception of the record: the CRM pairs (given an opportunity), document and readiness rules."""
    found = document_gaps(record, policy)
    if opportunity is not None:
        found += crm_gaps(record, opportunity, policy)
    return ordered(found)


def crm_gaps(
    record: HandoffRecord,
    opportunity: CrmOpportunity,
    policy: Policy,
    *,
    label: str | None = None,
    skip: Collection[str] = (),
) -> list[HandoffException]:
    """The CRM pairs' exceptions; `label` names the document in messages, `skip` lists fields not compared."""
    context = _Context(record, opportunity, policy, label or document_label(record))
    return [gap for pair in PAIRS if pair.field not in skip and (gap := context.compare(pair)) is not None]


@dataclass(frozen=True)
class _Context:
    record: HandoffRecord
    opportunity: CrmOpportunity
    policy: Policy
    label: str

    def compare(self, pair: Pair) -> HandoffException | None:
        stated: FieldValue[object] = getattr(self.record.fields, pair.field)
        document, crm = stated.value, getattr(self.opportunity, pair.crm_field)
        if document is None and crm is None:
            return None
        if document is None:
            return self._missing_in_document(pair, crm)
        if self._unsure(pair, stated):
            return None
        if crm is None:
            return self._missing_in_crm(pair, stated)
        if not self.policy.enabled(ExceptionCode.VALUE_MISMATCH) or not self._differ(pair, document, crm):
            return None
        message = (
            f"{self.label} {pair.document_term} {self._document_text(pair, document)} differs from CRM "
            f"{pair.crm_term} {self._crm_text(pair, crm)}{self._delta(pair, document, crm)}"
        )
        return finding(
            self.policy,
            ExceptionCode.VALUE_MISMATCH,
            pair.field,
            "mismatch",
            message,
            document_value=document,
            crm_value=crm,
            evidence=stated.evidence,
        )

    def _unsure(self, pair: Pair, stated: FieldValue[object]) -> bool:
        """The value is under review for its confidence (LOW_CONFIDENCE is raised for it): it neither
        mismatches the CRM nor is missing there until a person confirms or corrects it (then the record is
        triaged again with the value at confidence 1)."""
        rule = self.policy.low_confidence
        return self.policy.enabled(ExceptionCode.LOW_CONFIDENCE) and rule.unsure(pair.field, stated)

    def _missing_in_document(self, pair: Pair, crm: object) -> HandoffException | None:
        if not self.policy.enabled(ExceptionCode.MISSING_IN_DOCUMENT):
            return None
        reason = unread(self.record, pair.field)
        if (
            reason is not None
            and self.policy.enabled(ExceptionCode.LOW_CONFIDENCE)
            and pair.field in self.policy.low_confidence.fields
        ):
            # a null the rest of the record says is a miss: a person looks for it before it is called missing
            message = (
                f"{self.label} {pair.document_term} was not read, though {reason}; CRM {pair.crm_term} is "
                f"{self._crm_text(pair, crm)}: find it in the document, or confirm that it is not stated"
            )
            return finding(
                self.policy, ExceptionCode.LOW_CONFIDENCE, pair.field, "missing", message, crm_value=crm
            )
        message = (
            f"{self.label} does not state the {pair.document_term}; "
            f"CRM {pair.crm_term} is {self._crm_text(pair, crm)}"
        )
        return finding(
            self.policy, ExceptionCode.MISSING_IN_DOCUMENT, pair.field, "missing", message, crm_value=crm
        )

    def _missing_in_crm(self, pair: Pair, stated: FieldValue[object]) -> HandoffException | None:
        if not self.policy.enabled(ExceptionCode.MISSING_IN_CRM):
            return None
        message = (
            f"CRM opportunity {self.opportunity.opportunity_id} has no {pair.crm_term}; "
            f"{self.label} {pair.document_term} is {self._document_text(pair, stated.value)}"
        )
        return finding(
            self.policy,
            ExceptionCode.MISSING_IN_CRM,
            pair.field,
            "missing",
            message,
            document_value=stated.value,
            evidence=stated.evidence,
        )

    def _differ(self, pair: Pair, document: object, crm: object) -> bool:
        if pair.field == "client_name":
            return not same_entity(str(document), str(crm), self.policy.thresholds.name_match)
        if isinstance(document, Decimal) and isinstance(crm, Decimal):
            return self._currencies_agree() and not self._amounts_agree(document, crm)
        return document != crm

    def _currencies_agree(self) -> bool:
        """False only when both sides state a currency and they differ: such amounts are not compared."""
        document, crm = self.record.fields.currency.value, self.opportunity.currency
        return document is None or crm is None or document == crm

    def _amounts_agree(self, document: Decimal, crm: Decimal) -> bool:
        tolerance = abs(crm) * Decimal(str(self.policy.thresholds.amount_tolerance_pct)) / 100
        return abs(document - crm) <= tolerance

    def _document_text(self, pair: Pair, value: object) -> str:
        return shown(pair.field, value, self.record.fields.currency.value)

    def _crm_text(self, pair: Pair, value: object) -> str:
        return shown(pair.field, value, self.opportunity.currency)

    @staticmethod
    def _delta(pair: Pair, document: object, crm: object) -> str:
        if isinstance(document, Decimal) and isinstance(crm, Decimal):
            return percent_delta(document, crm)
        if isinstance(document, date) and isinstance(crm, date):
            return f" ({(document - crm).days:+d} days)"
        if pair.field == "payment_terms_days" and isinstance(document, int) and isinstance(crm, int):
            return f" ({document - crm:+d} days)"
        return ""


def unread(record: HandoffRecord, name: str) -> str | None:
    """Why the record's null `name` is more likely a miss than a document that does not state it, from what
    the rest of the record shows, or None: a client (a contract or proposal names the customer it is with),
    the currency of amounts the record states, the billing model of the fees it states. A null a person
    confirmed (confidence 1) is not unread."""
    stated: FieldValue[object] = getattr(record.fields, name)
    if stated.value is not None or stated.confidence >= 1.0:
        return None
    fields, milestones = record.fields, [item.amount.value for item in record.milestones]
    fees = [fields.total_contract_value.value, *milestones]
    if name == "client_name":
        return "a contract names its client"
    if name == "currency" and any(
        amount is not None
        for amount in (*fees, fields.not_to_exceed.value, *(item.rate.value for item in record.rate_card))
    ):
        return "the document states amounts"
    if name == "billing_model" and (any(fee is not None for fee in fees) or record.rate_card):
        return "the document states fees"
    return None
