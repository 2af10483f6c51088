"""Exceptions under review: resolve one (the gap was fixed or explained) or waive it (accepted as is).

Both need a reason, act only on an open exception of the document's latest record version while it is a
draft, and write a Review row and an audit event. Waiving is for approvers, the PMO and admins
(review.roles); a blocker exception must be resolved or waived before its version can be approved.
"""

from typing import Final

from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.orm import ExceptionRow, ExceptionStatus, Review, ReviewAction, utc_now
from review.audit import DOCUMENT, record_event
from review.errors import Conflict, InvalidValue, NotFound
from review.roles import Permission, require
from review.versions import require_draft, require_latest

MAX_REASON: Final = 2000


class ExceptionOutcome(FrozenModel):
    exception_id: str
    record_version_id: str
    document_id: str
    code: str
    status: ExceptionStatus
    reason: str


def resolve_exception(session: Session, actor: str, exception_id: str, reason: str) -> ExceptionOutcome:
    """Mark an open exception resolved, with the reason."""
    require(session, actor, Permission.resolve_exception)
    return _close(session, actor, exception_id, reason, ExceptionStatus.resolved)


def waive_exception(session: Session, actor: str, exception_id: str, reason: str) -> ExceptionOutcome:
    """Accept an open exception as it is, with the reason."""
    require(session, actor, Permission.waive_exception)
    return _close(session, actor, exception_id, reason, ExceptionStatus.waived)


def _close(
    session: Session, actor: str, exception_id: str, reason: str, status: ExceptionStatus
) -> ExceptionOutcome:
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidValue(f"a reason of 1 to {MAX_REASON} characters is required")
    row = session.get(ExceptionRow, exception_id)
    if row is None:
        raise NotFound(f"no exception {exception_id}")
    version = row.record_version
    require_latest(session, version)
    require_draft(version)
    if row.status != ExceptionStatus.open.value:
        raise Conflict(f"exception {exception_id} is already {row.status}")
    _record(session, actor, row, status, reason)
    session.commit()
    return ExceptionOutcome(
        exception_id=row.id,
        record_version_id=version.id,
        document_id=version.document_id,
        code=row.code,
        status=status,
        reason=reason,
    )


def _record(session: Session, actor: str, row: ExceptionRow, status: ExceptionStatus, reason: str) -> None:
    """Close the exception with a Review row and an audit event (in the caller's transaction)."""
    version = row.record_version
    action = ReviewAction.resolve if status is ExceptionStatus.resolved else ReviewAction.waive
    now = utc_now()
    before = {"exception_id": row.id, "record_version_id": version.id, "code": row.code, "status": row.status}
    row.status = status.value
    session.add(
        Review(
            record_version_id=version.id,
            actor=actor,
            action=action.value,
            field=row.field,
            before={"status": ExceptionStatus.open.value},
            after={"status": status.value, "exception_id": row.id},
            reason=reason,
            created_at=now,
        )
    )
    record_event(
        session,
        actor,
        f"exception.{action.value}",
        (DOCUMENT, version.document_id),
        before=before,
        after=before | {"status": status.value, "reason": reason},
        at=now,
    )
