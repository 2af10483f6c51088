"""Record versions as review sees them: the latest one, which one an edit goes into, and who edited it.

An approved version is frozen (the database refuses to change it, migration 0003). Editing it, or a draft
that already has an approval (that approval was given to the content as it was), copies the version into
a new draft: same record plus the change, exceptions copied with their status (open/resolved/waived) and
raising time, so SLA clocks keep running. The approved version stays `approved` — it is what the ERP has —
until the new version is approved; only then is it marked `superseded` (review.approval).
"""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.orm import (
    Approval,
    Document,
    DocumentStatus,
    ExceptionRow,
    RecordStatus,
    RecordVersion,
    Review,
    ReviewAction,
    utc_now,
)
from review.audit import DOCUMENT, record_event
from review.errors import Conflict, NotFound


def load_version(session: Session, version_id: str) -> RecordVersion:
    version = session.get(RecordVersion, version_id)
    if version is None:
        raise NotFound(f"no record version {version_id}")
    return version


def version_of_document(session: Session, document_id: str, version_id: str) -> RecordVersion:
    """The record version `version_id` if it belongs to document `document_id`; NotFound otherwise (an id
    from another document in a document's URL is refused, not acted on)."""
    version = session.get(RecordVersion, version_id)
    if version is None or version.document_id != document_id:
        raise NotFound(f"document {document_id} has no record version {version_id}")
    return version


def exception_of_document(session: Session, document_id: str, exception_id: str) -> ExceptionRow:
    """The exception `exception_id` if it was raised on a version of document `document_id`; else NotFound."""
    row = session.get(ExceptionRow, exception_id)
    version = session.get(RecordVersion, row.record_version_id) if row is not None else None
    if row is None or version is None or version.document_id != document_id:
        raise NotFound(f"document {document_id} has no exception {exception_id}")
    return row


def latest_version(session: Session, document_id: str) -> RecordVersion | None:
    return session.scalar(
        select(RecordVersion)
        .where(RecordVersion.document_id == document_id)
        .order_by(RecordVersion.version.desc())
        .limit(1)
    )


def require_latest(session: Session, version: RecordVersion) -> None:
    """Conflict when the document has a version newer than the one the caller saw."""
    newest = session.scalar(
        select(func.max(RecordVersion.version)).where(RecordVersion.document_id == version.document_id)
    )
    if newest is not None and newest > version.version:
        raise Conflict(
            f"record version {version.version} of document {version.document_id} is stale: "
            f"version {newest} is the latest; reload and try again"
        )


def require_draft(version: RecordVersion) -> None:
    if version.status != RecordStatus.draft.value:
        raise Conflict(f"record version {version.version} is {version.status}, not a draft")


def approvers(session: Session, version: RecordVersion) -> list[str]:
    """Who approved this version, in order."""
    return list(
        session.scalars(
            select(Approval.approver)
            .where(Approval.record_version_id == version.id)
            .order_by(Approval.at, Approval.id)
        )
    )


def editors(session: Session, version: RecordVersion) -> set[str]:
    """Whoever corrected a value of this version, or of the unapproved versions it was copied from.

    Counted from the corrections since the document's last approved version before this one: a person
    whose change is in the content, even through a copy, is an editor of it.
    """
    since = session.scalar(
        select(func.max(RecordVersion.version)).where(
            RecordVersion.document_id == version.document_id,
            RecordVersion.approved_at.is_not(None),
            RecordVersion.version < version.version,
        )
    )
    statement = (
        select(Review.actor)
        .join(RecordVersion, Review.record_version_id == RecordVersion.id)
        .where(
            RecordVersion.document_id == version.document_id,
            RecordVersion.version <= version.version,
            RecordVersion.version > (since or 0),
            Review.action == ReviewAction.correct.value,
        )
    )
    return set(session.scalars(statement))


def editable_version(session: Session, actor: str, version: RecordVersion) -> tuple[RecordVersion, bool]:
    """The version an edit of `version` goes into, and whether it is a new copy (see the module doc)."""
    if version.status == RecordStatus.draft.value and not approvers(session, version):
        return version, False
    if version.status == RecordStatus.superseded.value:
        raise Conflict(f"record version {version.version} is superseded")
    return copy_version(session, actor, version), True


def copy_version(session: Session, actor: str, version: RecordVersion) -> RecordVersion:
    """A new draft version of the document with `version`'s record and exceptions (not yet committed)."""
    now = utc_now()
    copy = RecordVersion(
        document_id=version.document_id,
        version=version.version + 1,
        record=version.record,
        status=RecordStatus.draft.value,
        created_by=actor,
        created_at=now,
    )
    copy.exceptions = [_copied(row) for row in version.exceptions]
    session.add(copy)
    if version.status == RecordStatus.draft.value:
        # A draft with approvals is never approved as it was: its copy carries the review on.
        version.status = RecordStatus.superseded.value
    document = session.get(Document, version.document_id)
    assert document is not None
    document.status = DocumentStatus.ready_for_review.value
    session.flush()
    record_event(
        session,
        actor,
        "record.new_version",
        (DOCUMENT, version.document_id),
        before={"record_version_id": version.id, "version": version.version, "status": version.status},
        after={"record_version_id": copy.id, "version": copy.version, "status": copy.status},
        at=now,
    )
    return copy


def _copied(row: ExceptionRow) -> ExceptionRow:
    return ExceptionRow(
        code=row.code,
        field=row.field,
        severity=row.severity,
        payload=row.payload,
        risk_score=row.risk_score,
        rank=row.rank,
        status=row.status,
        owner_team=row.owner_team,
        created_at=row.created_at,
        due_at=row.due_at,
    )
