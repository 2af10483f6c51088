"""Exceptions under review: resolve one (the gap was fixed or explained) or waive it (accepted as is).

Both need a reason and take a disposition — confirmed (with the money impact it had), false alarm, or fixed
in CRM — the label `handoff train-ranker --from-dispositions` learns from. Both act only on an open
exception of the document's latest record version while it is a draft, and write a Review row and an audit
event. Waiving is for approvers, the PMO and admins
(review.roles); a blocker exception must be resolved or waived before its version can be approved.
"""

from decimal import Decimal
from typing import Final

from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.exceptions import Disposition
from models.orm import ExceptionRow, ExceptionStatus, Review, ReviewAction, utc_now
from review.audit import DOCUMENT, record_event
from review.errors import Conflict, InvalidValue, NotFound
from review.paths import out_of_bounds
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


class Closing(FrozenModel):
    """Why an exception is closed: the reason, and how it turned out (the ranker's training label)."""

    reason: str
    disposition: Disposition | None = None
    money_impact: Decimal | None = None


def resolve_exception(
    session: Session, actor: str, exception_id: str, reason: str, closing: Closing | None = None
) -> ExceptionOutcome:
    """Mark an open exception resolved, with the reason (and its disposition, when given)."""
    require(session, actor, Permission.resolve_exception)
    return _close(session, actor, exception_id, closing or Closing(reason=reason), ExceptionStatus.resolved)


def waive_exception(
    session: Session, actor: str, exception_id: str, reason: str, closing: Closing | None = None
) -> ExceptionOutcome:
    """Accept an open exception as it is, with the reason (and its disposition, when given)."""
    require(session, actor, Permission.waive_exception)
    return _close(session, actor, exception_id, closing or Closing(reason=reason), ExceptionStatus.waived)


def _checked(closing: Closing) -> Closing:
    reason = closing.reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidValue(f"a reason of 1 to {MAX_REASON} characters is required")
    impact = closing.money_impact
    if impact is not None:
        if closing.disposition is not Disposition.confirmed:
            raise InvalidValue("a money impact goes with a confirmed exception only")
        problem = out_of_bounds(impact)
        if problem or impact < 0:
            raise InvalidValue(
                f"the money impact {impact} is not valid: {problem or 'it cannot be negative'}"
            )
    return closing.model_copy(update={"reason": reason})


def _close(
    session: Session, actor: str, exception_id: str, closing: Closing, status: ExceptionStatus
) -> ExceptionOutcome:
    closing = _checked(closing)
    reason = closing.reason
    row = session.get(ExceptionRow, exception_id)
    if row is None:
        raise NotFound(f"no exception {exception_id}")
    version = row.record_version
    require_latest(session, version)
    require_draft(version)
    if row.status != ExceptionStatus.open.value:
        raise Conflict(f"exception {exception_id} is already {row.status}")
    row.disposition = closing.disposition.value if closing.disposition else None
    row.money_impact = float(closing.money_impact) if closing.money_impact is not None else None
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
        after=before
        | {
            "status": status.value,
            "reason": reason,
            "disposition": row.disposition,
            "money_impact": row.money_impact,
        },
        at=now,
    )
