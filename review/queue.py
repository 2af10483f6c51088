"""The review queue: every document with its latest record version, riskiest first.

Ranked by the highest risk_score among the open exceptions of the latest version (unknown last), then by
the most recent upload. Each row carries the document and version status, the record's total value and
currency, the owner teams of its open exceptions and an SLA state: `overdue` when an open exception is past
its due time, `due_soon` when one is due within ReviewSettings.sla_due_soon_hours, `on_track` otherwise,
`none` without open exceptions. Documents not yet checked (no version) come last.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.exceptions import HandoffException, Severity
from models.orm import Document, ExceptionRow, ExceptionStatus, RecordVersion, utc_now
from review.settings import ReviewSettings
from triage.routing import with_due_dates


class SlaState(StrEnum):
    overdue = "overdue"
    due_soon = "due_soon"
    on_track = "on_track"
    none = "none"


class QueueItem(FrozenModel):
    document_id: str
    filename: str
    document_status: str
    uploaded_by: str | None
    uploaded_at: datetime
    record_version_id: str | None
    version: int | None
    record_status: str | None
    total_contract_value: float | None
    currency: str | None
    client_name: str | None
    max_risk: float | None
    open_exceptions: int
    open_blockers: int
    owner_teams: tuple[str, ...]
    sla: SlaState
    next_due_at: datetime | None


class QueueFilter(FrozenModel):
    status: str | None = None
    record_status: str | None = None
    owner: str | None = None
    min_risk: float | None = None


def list_queue(
    session: Session,
    filters: QueueFilter | None = None,
    *,
    limit: int = 200,
    offset: int = 0,
    settings: ReviewSettings | None = None,
    now: datetime | None = None,
) -> list[QueueItem]:
    """The queue (see the module doc); `filters` keeps a document status, record status, owner team, or
    a minimum highest open risk."""
    wanted = filters or QueueFilter()
    statement = _queue_statement(wanted)
    rows = session.execute(statement.offset(offset).limit(limit)).all()
    open_rows = _open_exceptions(session, [version.id for _, version, *_ in rows if version is not None])
    moment = now or utc_now()
    soon = timedelta(hours=(settings or ReviewSettings()).sla_due_soon_hours)
    return [
        _item(document, version, (risk, count, blockers), open_rows, moment, soon)
        for document, version, risk, count, blockers in rows
    ]


def _queue_statement(wanted: QueueFilter) -> Select[Any]:
    latest = (
        select(RecordVersion.document_id, func.max(RecordVersion.version).label("version"))
        .group_by(RecordVersion.document_id)
        .subquery()
    )
    is_blocker = case((ExceptionRow.severity == Severity.blocker.value, 1), else_=0)
    stats = (
        select(
            ExceptionRow.record_version_id,
            func.max(ExceptionRow.risk_score).label("max_risk"),
            func.count(ExceptionRow.id).label("open_count"),
            func.sum(is_blocker).label("blockers"),
        )
        .where(ExceptionRow.status == ExceptionStatus.open.value)
        .group_by(ExceptionRow.record_version_id)
        .subquery()
    )
    statement = (
        select(Document, RecordVersion, stats.c.max_risk, stats.c.open_count, stats.c.blockers)
        .outerjoin(latest, latest.c.document_id == Document.id)
        .outerjoin(
            RecordVersion,
            and_(RecordVersion.document_id == Document.id, RecordVersion.version == latest.c.version),
        )
        .outerjoin(stats, stats.c.record_version_id == RecordVersion.id)
    )
    statement = _filtered(statement, wanted, stats)
    return statement.order_by(
        RecordVersion.id.is_(None),
        stats.c.max_risk.is_(None),
        stats.c.max_risk.desc(),
        Document.created_at.desc(),
        Document.id,
    )


def _filtered(statement: Select[Any], wanted: QueueFilter, stats: Any) -> Select[Any]:
    if wanted.status is not None:
        statement = statement.where(Document.status == wanted.status)
    if wanted.record_status is not None:
        statement = statement.where(RecordVersion.status == wanted.record_status)
    if wanted.min_risk is not None:
        statement = statement.where(stats.c.max_risk >= wanted.min_risk)
    if wanted.owner is not None:
        owned = select(ExceptionRow.id).where(
            ExceptionRow.record_version_id == RecordVersion.id,
            ExceptionRow.status == ExceptionStatus.open.value,
            ExceptionRow.owner_team == wanted.owner,
        )
        statement = statement.where(owned.exists())
    return statement


def _open_exceptions(session: Session, version_ids: list[str]) -> dict[str, list[ExceptionRow]]:
    found: dict[str, list[ExceptionRow]] = defaultdict(list)
    if version_ids:
        for row in session.scalars(
            select(ExceptionRow).where(
                ExceptionRow.record_version_id.in_(version_ids),
                ExceptionRow.status == ExceptionStatus.open.value,
            )
        ):
            found[row.record_version_id].append(row)
    return found


def _item(
    document: Document,
    version: RecordVersion | None,
    stats: tuple[float | None, int | None, int | None],
    open_by_version: dict[str, list[ExceptionRow]],
    now: datetime,
    soon: timedelta,
) -> QueueItem:
    risk, count, blockers = stats
    fields: dict[str, Any] = version.record.get("fields", {}) if version else {}
    open_rows = open_by_version.get(version.id, []) if version else []
    due = sorted(d for d in (_due_at(row) for row in open_rows) if d is not None)
    return QueueItem(
        document_id=document.id,
        filename=document.filename,
        document_status=document.status,
        uploaded_by=document.uploaded_by,
        uploaded_at=document.created_at,
        record_version_id=version.id if version else None,
        version=version.version if version else None,
        record_status=version.status if version else None,
        total_contract_value=fields.get("total_contract_value", {}).get("value"),
        currency=fields.get("currency", {}).get("value"),
        client_name=fields.get("client_name", {}).get("value"),
        max_risk=risk,
        open_exceptions=count or 0,
        open_blockers=int(blockers or 0),
        owner_teams=tuple(sorted({row.owner_team for row in open_rows if row.owner_team})),
        sla=_sla(due[0] if due else None, now, soon),
        next_due_at=due[0] if due else None,
    )


def _due_at(row: ExceptionRow) -> datetime | None:
    exception = HandoffException.model_validate(row.payload)
    if exception.due_at is None:
        exception = with_due_dates([exception], row.created_at)[0]
    return exception.due_at


def _sla(due: datetime | None, now: datetime, soon: timedelta) -> SlaState:
    if due is None:
        return SlaState.none
    if due < now:
        return SlaState.overdue
    return SlaState.due_soon if due - now <= soon else SlaState.on_track
