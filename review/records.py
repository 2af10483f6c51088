"""A document's record as the review screen shows it: the latest version with its fields, exceptions,
approvals, per-field review state, every version, and what approval still needs."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.orm import Approval, Document, ExceptionStatus, RecordVersion, Review, ReviewAction
from models.record import HandoffRecord
from review.approval import required_approvals
from review.errors import NotFound
from review.settings import ReviewSettings
from review.versions import editors, latest_version


class VersionSummary(FrozenModel):
    id: str
    version: int
    status: str
    created_by: str
    created_at: datetime
    approved_at: datetime | None


class ExceptionItem(FrozenModel):
    id: str
    code: str
    field: str | None
    severity: str
    status: ExceptionStatus
    risk_score: float | None
    rank: int | None
    owner_team: str | None
    message: str
    payload: dict[str, Any]
    disposition: str | None = None
    money_impact: float | None = None


class ApprovalItem(FrozenModel):
    approver: str
    at: datetime


class FieldReview(FrozenModel):
    """The last review action on a field of this version: accept or correct, by whom, when."""

    field: str
    action: str
    actor: str
    at: datetime


class RecordDetail(FrozenModel):
    document_id: str
    filename: str
    document_status: str
    uploaded_by: str | None
    crm_opportunity_id: str | None
    version: VersionSummary
    record: HandoffRecord
    exceptions: tuple[ExceptionItem, ...]
    approvals: tuple[ApprovalItem, ...]
    required_approvals: int
    editors: tuple[str, ...]
    field_reviews: tuple[FieldReview, ...]
    versions: tuple[VersionSummary, ...]


def record_detail(
    session: Session, document_id: str, *, settings: ReviewSettings | None = None
) -> RecordDetail:
    """The document's latest record version for review; NotFound for an unknown or unchecked document."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound(f"no document {document_id}")
    version = latest_version(session, document_id)
    if version is None:
        raise NotFound(f"document {document_id} has no record yet: it has not been checked")
    approvals = session.scalars(
        select(Approval).where(Approval.record_version_id == version.id).order_by(Approval.at, Approval.id)
    )
    return RecordDetail(
        document_id=document.id,
        filename=document.filename,
        document_status=document.status,
        uploaded_by=document.uploaded_by,
        crm_opportunity_id=document.crm_opportunity_id,
        version=_summary(version),
        record=HandoffRecord.model_validate(version.record),
        exceptions=tuple(_exception(row) for row in version.exceptions),
        approvals=tuple(ApprovalItem(approver=row.approver, at=row.at) for row in approvals),
        required_approvals=required_approvals(version.record, settings or ReviewSettings()),
        editors=tuple(sorted(editors(session, version))),
        field_reviews=_field_reviews(session, version),
        versions=tuple(_summary(row) for row in document.versions),
    )


def _summary(version: RecordVersion) -> VersionSummary:
    return VersionSummary(
        id=version.id,
        version=version.version,
        status=version.status,
        created_by=version.created_by,
        created_at=version.created_at,
        approved_at=version.approved_at,
    )


def _exception(row: Any) -> ExceptionItem:
    return ExceptionItem(
        id=row.id,
        code=row.code,
        field=row.field,
        severity=row.severity,
        status=ExceptionStatus(row.status),
        risk_score=row.risk_score,
        rank=row.rank,
        owner_team=row.owner_team,
        message=str(row.payload.get("message", "")),
        payload=row.payload,
        disposition=row.disposition,
        money_impact=row.money_impact,
    )


def _field_reviews(session: Session, version: RecordVersion) -> tuple[FieldReview, ...]:
    latest: dict[str, FieldReview] = {}
    for row in session.scalars(
        select(Review)
        .where(
            Review.record_version_id == version.id,
            Review.action.in_([ReviewAction.accept.value, ReviewAction.correct.value]),
            Review.field.is_not(None),
        )
        .order_by(Review.created_at, Review.id)
    ):
        assert row.field is not None
        latest[row.field] = FieldReview(
            field=row.field, action=row.action, actor=row.actor, at=row.created_at
        )
    return tuple(latest.values())
