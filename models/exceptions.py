"""Exceptions (spec §3): gaps between a record and its CRM opportunity, and document-rule findings."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from models.base import FrozenModel
from models.record import Evidence


class ExceptionCode(StrEnum):
    VALUE_MISMATCH = "VALUE_MISMATCH"
    MISSING_IN_DOCUMENT = "MISSING_IN_DOCUMENT"
    MISSING_IN_CRM = "MISSING_IN_CRM"
    MILESTONE_SUM_MISMATCH = "MILESTONE_SUM_MISMATCH"
    DATE_ORDER = "DATE_ORDER"
    UNSIGNED = "UNSIGNED"
    NONSTANDARD_PAYMENT_TERMS = "NONSTANDARD_PAYMENT_TERMS"
    UNCAPPED_TIME_AND_MATERIALS = "UNCAPPED_TIME_AND_MATERIALS"
    # Readiness rules (the handoff minimum dataset) and the change-order rule; appended, never renamed.
    MISSING_MILESTONES = "MISSING_MILESTONES"
    MISSING_RATE_CARD = "MISSING_RATE_CARD"
    MISSING_CONTRACT_NUMBER = "MISSING_CONTRACT_NUMBER"
    LOW_CONFIDENCE = "LOW_CONFIDENCE"
    CHANGE_ORDER_CURRENCY_MISMATCH = "CHANGE_ORDER_CURRENCY_MISMATCH"


class Disposition(StrEnum):
    """How a reviewer closed an exception: the label the ranker learns from."""

    confirmed = "confirmed"  # a real problem, with the money it was about
    false_alarm = "false_alarm"  # nothing was wrong
    fixed_in_crm = "fixed_in_crm"  # the document was right; the CRM was corrected


class Severity(StrEnum):
    blocker = "blocker"
    high = "high"
    medium = "medium"
    low = "low"


class HandoffException(FrozenModel):
    """One exception of the ranked list (named so as not to shadow Python's built-in Exception)."""

    code: str = Field(description="an ExceptionCode or a policy-defined code")
    field: str | None = None
    kind: str = Field(description="mismatch | missing | rule")
    severity: Severity
    document_value: Any = None
    crm_value: Any = None
    message: str
    evidence: tuple[Evidence, ...] = ()
    risk_score: float | None = Field(default=None, ge=0.0, le=1.0)
    revenue_at_risk: float | None = None
    rank: int | None = Field(default=None, ge=1)
    owner_team: str | None = Field(default=None, description="extension: team that resolves it (policy)")
    sla_hours: int | None = Field(default=None, ge=0, description="extension: hours to resolve (policy)")
    due_at: datetime | None = Field(default=None, description="extension: raised-at time + sla_hours")
