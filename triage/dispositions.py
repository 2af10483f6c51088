"""Reviewers' dispositions as the ranker's training data: every exception a reviewer closed as confirmed
(with the money impact it had), false alarm or fixed in CRM, with the record version and CRM opportunity it
was raised on. `handoff train-ranker --from-dispositions` fits the ranker on them (triage.ranker_fit) and
`handoff eval-dispositions` compares rankers on them.

Labels: confirmed → a billing error with its money impact; a false alarm or a CRM-side fix → no billing
error, no revenue impact (the document was right).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.crm import CrmOpportunity
from models.exceptions import Disposition, HandoffException
from models.orm import Document, ExceptionRow, RecordVersion
from models.record import HandoffRecord
from triage.ranker_fit import TrainingExample

OpportunityLookup = Callable[[str], CrmOpportunity | None]


@dataclass(frozen=True)
class DisposedException:
    """One disposed exception: its training example, the record version it belongs to and when it was
    raised (splits by time keep evaluation on dispositions newer than what a model learnt from)."""

    example: TrainingExample
    record_version_id: str
    raised_at: datetime


def disposed_exceptions(
    session: Session, opportunity_of: OpportunityLookup, *, after: datetime | None = None
) -> list[DisposedException]:
    """Every exception with a disposition (raised after `after`, when given), oldest first."""
    statement = (
        select(ExceptionRow, RecordVersion.record, Document.crm_opportunity_id)
        .join(RecordVersion, ExceptionRow.record_version_id == RecordVersion.id)
        .join(Document, Document.id == RecordVersion.document_id)
        .where(ExceptionRow.disposition.is_not(None))
        .order_by(ExceptionRow.created_at, ExceptionRow.id)
    )
    if after is not None:
        statement = statement.where(ExceptionRow.created_at > after)
    opportunities: dict[str, CrmOpportunity | None] = {}
    found = []
    for row, record, opportunity_id in session.execute(statement):
        if opportunity_id and opportunity_id not in opportunities:
            opportunities[opportunity_id] = opportunity_of(opportunity_id)
        confirmed = row.disposition == Disposition.confirmed.value
        example = TrainingExample(
            exception=HandoffException.model_validate(row.payload),
            record=HandoffRecord.model_validate(record),
            opportunity=opportunities.get(opportunity_id) if opportunity_id else None,
            revenue_impact=float(row.money_impact or 0.0) if confirmed else 0.0,
            billing_error=confirmed,
        )
        found.append(DisposedException(example, row.record_version_id, row.created_at))
    return found
