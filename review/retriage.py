"""Live re-triage: a correction re-runs the comparison and the rules on the corrected record.

The app passes the check it runs after extraction (`Recheck`: the CRM comparison and the rules, ranked) and
review.edits calls `retriage` in the correction's own transaction, on the version the correction went into:

- an open exception the corrected record no longer raises is closed (resolved) with the reason and an audit
  entry naming the correction (`exception.closed_by_correction`);
- an exception it now raises that the version did not have opens (`exception.opened_by_correction`);
- an exception closed by an earlier correction that holds again is reopened;
- what a person resolved or waived stays as they left it.

Exceptions are matched by (code, field).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.exceptions import HandoffException
from models.orm import ExceptionRow, ExceptionStatus, RecordVersion, Review, ReviewAction, utc_now
from models.record import HandoffRecord
from review.audit import DOCUMENT, record_event
from triage.store import exception_row

# (session, document id, corrected record) → the exceptions the check raises on it
Recheck = Callable[[Session, str, HandoffRecord], Sequence[HandoffException]]
CLOSED_BY_CORRECTION: Final = "no longer holds after the correction of"
Key = tuple[str, str | None]


@dataclass(frozen=True)
class Retriaged:
    closed: tuple[str, ...]
    opened: tuple[str, ...]
    reopened: tuple[str, ...]


def retriage(session: Session, actor: str, version: RecordVersion, path: str, recheck: Recheck) -> Retriaged:
    """Bring the version's exceptions in line with its (corrected) record; the caller commits."""
    session.flush()
    found = {
        (item.code, item.field): item
        for item in recheck(session, version.document_id, HandoffRecord.model_validate(version.record))
    }
    by_correction = _closed_by_correction(session, version)
    rows = {(row.code, row.field): row for row in version.exceptions}
    now = utc_now()
    closed, opened, reopened = [], [], []
    for key, row in rows.items():
        if row.status == ExceptionStatus.open.value and key not in found:
            _close(session, actor, version, row, path)
            closed.append(row.code)
        elif key in found and row.id in by_correction:
            _reopen(session, actor, version, row, path)
            reopened.append(row.code)
    for key, item in found.items():
        if key not in rows:
            row = exception_row(item, now)
            version.exceptions.append(row)
            session.flush()
            record_event(
                session,
                actor,
                "exception.opened_by_correction",
                (DOCUMENT, version.document_id),
                after={"exception_id": row.id, "code": row.code, "field": row.field, "correction": path},
                at=now,
            )
            opened.append(row.code)
    return Retriaged(tuple(closed), tuple(opened), tuple(reopened))


def _closed_by_correction(session: Session, version: RecordVersion) -> set[str]:
    """Ids of the version's resolved exceptions whose last closing was a correction's, not a person's."""
    reviews = session.scalars(
        select(Review)
        .where(Review.record_version_id == version.id, Review.action == ReviewAction.resolve.value)
        .order_by(Review.created_at)
    ).all()
    last: dict[str, bool] = {}
    for review in reviews:
        exception_id = review.after.get("exception_id") if isinstance(review.after, dict) else None
        if exception_id:
            last[exception_id] = bool(review.reason and review.reason.startswith(CLOSED_BY_CORRECTION))
    return {
        row.id
        for row in version.exceptions
        if row.status == ExceptionStatus.resolved.value and last.get(row.id, False)
    }


def _close(session: Session, actor: str, version: RecordVersion, row: ExceptionRow, path: str) -> None:
    reason = f"{CLOSED_BY_CORRECTION} {path} by {actor}"
    before = {"exception_id": row.id, "code": row.code, "status": row.status}
    row.status = ExceptionStatus.resolved.value
    session.add(
        Review(
            record_version_id=version.id,
            actor=actor,
            action=ReviewAction.resolve.value,
            field=row.field,
            before={"status": ExceptionStatus.open.value},
            after={"status": row.status, "exception_id": row.id},
            reason=reason,
        )
    )
    record_event(
        session,
        actor,
        "exception.closed_by_correction",
        (DOCUMENT, version.document_id),
        before=before,
        after=before | {"status": row.status, "reason": reason, "correction": path},
    )


def _reopen(session: Session, actor: str, version: RecordVersion, row: ExceptionRow, path: str) -> None:
    before = {"exception_id": row.id, "code": row.code, "status": row.status}
    row.status = ExceptionStatus.open.value
    record_event(
        session,
        actor,
        "exception.reopened_by_correction",
        (DOCUMENT, version.document_id),
        before=before,
        after=before | {"status": row.status, "correction": path},
    )
