"""The review queue: every document with its latest record version, riskiest first.

Ranked by the highest risk_score among the open exceptions of the latest version (unknown last), then by
the most recent upload. Each row carries the document and version status, the record's total value and
currency, the owner teams of its open exceptions and an SLA state: `overdue` when an open exception is past
its due time, `due_soon` when one is due within ReviewSettings.sla_due_soon_hours, `on_track` otherwise,
`none` without open exceptions. Documents not yet checked (no version) come last. Other orders: the
soonest due, the newest upload, the largest value (QueueSort).
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.exceptions import Severity
from models.orm import Document, ExceptionRow, ExceptionStatus, RecordVersion, utc_now
from review.settings import ReviewSettings


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


class QueueSort(StrEnum):
    risk = "risk"  # highest open risk first (the default)
    due = "due"  # the soonest due open exception first
    newest = "newest"  # the latest upload first
    value = "value"  # the largest total contract value first


class QueueFilter(FrozenModel):
    status: str | None = None
    record_status: str | None = None
    owner: str | None = None
    min_risk: float | None = None
    sla: SlaState | None = None
    name: str | None = Field(default=None, max_length=255, description="file name contains (any case)")


def list_queue(
    session: Session,
    filters: QueueFilter | None = None,
    *,
    limit: int = 200,
    offset: int = 0,
    sort: QueueSort = QueueSort.risk,
    settings: ReviewSettings | None = None,
    now: datetime | None = None,
) -> list[QueueItem]:
    """The queue (see the module doc); `filters` keeps a document status, record status, owner team, a
    minimum highest open risk, an SLA state or a file name fragment. Filtering, sorting and paging happen
    in the database, which reads only the columns a row shows (not the parsed text nor the whole record)."""
    moment = now or utc_now()
    soon = timedelta(hours=(settings or ReviewSettings()).sla_due_soon_hours)
    statement = _queue_statement(filters or QueueFilter(), moment, soon)
    rows = session.execute(_sorted(statement, sort).offset(offset).limit(limit)).all()
    versions = [row.version_id for row in rows if row.version_id is not None]
    teams, shown = _owner_teams(session, versions), _shown_values(session, versions)
    return [
        _item(row, teams.get(row.version_id, ()), shown.get(row.version_id, (None, None, None)))
        for row in rows
    ]


def count_queue(
    session: Session,
    filters: QueueFilter | None = None,
    *,
    settings: ReviewSettings | None = None,
    now: datetime | None = None,
) -> int:
    """How many documents the filters keep (for paging)."""
    if filters is None or filters == QueueFilter():  # every document is in the queue: no join needed
        return int(session.scalar(select(func.count()).select_from(Document)) or 0)
    soon = timedelta(hours=(settings or ReviewSettings()).sla_due_soon_hours)
    statement = _queue_statement(filters, now or utc_now(), soon)
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def owner_teams(session: Session) -> list[str]:
    """The teams that own an open exception somewhere: the owner filter's choices."""
    rows = session.scalars(
        select(ExceptionRow.owner_team)
        .where(ExceptionRow.status == ExceptionStatus.open.value, ExceptionRow.owner_team.is_not(None))
        .distinct()
    )
    return sorted(team for team in rows if team)


def _queue_statement(wanted: QueueFilter, now: datetime, soon: timedelta) -> Select[Any]:
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
            func.min(ExceptionRow.due_at).label("next_due"),
        )
        .where(ExceptionRow.status == ExceptionStatus.open.value)
        .group_by(ExceptionRow.record_version_id)
        .subquery()
    )
    sla = case(
        (stats.c.next_due.is_(None), SlaState.none.value),
        (stats.c.next_due < now, SlaState.overdue.value),
        (stats.c.next_due <= now + soon, SlaState.due_soon.value),
        else_=SlaState.on_track.value,
    ).label("sla")
    statement = (
        select(
            Document.id.label("document_id"),
            Document.filename,
            Document.status.label("document_status"),
            Document.uploaded_by,
            Document.created_at.label("uploaded_at"),
            RecordVersion.id.label("version_id"),
            RecordVersion.version,
            RecordVersion.status.label("record_status"),
            stats.c.max_risk,
            stats.c.open_count,
            stats.c.blockers,
            stats.c.next_due,
            sla,
        )
        .outerjoin(latest, latest.c.document_id == Document.id)
        .outerjoin(
            RecordVersion,
            and_(RecordVersion.document_id == Document.id, RecordVersion.version == latest.c.version),
        )
        .outerjoin(stats, stats.c.record_version_id == RecordVersion.id)
    )
    return _filtered(statement, wanted, stats, sla)


def _sorted(statement: Select[Any], sort: QueueSort) -> Select[Any]:
    columns = statement.selected_columns
    unchecked = columns.version_id.is_(None)
    ties = (columns.uploaded_at.desc(), columns.document_id)
    if sort is QueueSort.newest:
        return statement.order_by(*ties)
    if sort is QueueSort.due:
        return statement.order_by(columns.next_due.is_(None), columns.next_due, *ties)
    if sort is QueueSort.value:  # read out of every record: the slowest order on a long queue
        value = _value_of("total_contract_value").as_float()
        return statement.order_by(value.is_(None), value.desc(), *ties)
    return statement.order_by(unchecked, columns.max_risk.is_(None), columns.max_risk.desc(), *ties)


def _filtered(statement: Select[Any], wanted: QueueFilter, stats: Any, sla: Any) -> Select[Any]:
    if wanted.status is not None:
        statement = statement.where(Document.status == wanted.status)
    if wanted.record_status is not None:
        statement = statement.where(RecordVersion.status == wanted.record_status)
    if wanted.min_risk is not None:
        statement = statement.where(stats.c.max_risk >= wanted.min_risk)
    if wanted.sla is not None:
        statement = statement.where(sla == wanted.sla.value)
    if wanted.name:
        statement = statement.where(
            func.lower(Document.filename).contains(wanted.name.lower(), autoescape=True)
        )
    if wanted.owner is not None:
        owned = select(ExceptionRow.id).where(
            ExceptionRow.record_version_id == RecordVersion.id,
            ExceptionRow.status == ExceptionStatus.open.value,
            ExceptionRow.owner_team == wanted.owner,
        )
        statement = statement.where(owned.exists())
    return statement


def _value_of(name: str) -> Any:
    return RecordVersion.record[("fields", name, "value")]


def _shown_values(session: Session, version_ids: list[str]) -> dict[str, tuple[Any, Any, Any]]:
    """Total value, currency and client of these versions, read out of their records in the database
    (only for the rows of one page: a record is large, and most of it is evidence)."""
    if not version_ids:
        return {}
    rows = session.execute(
        select(
            RecordVersion.id,
            _value_of("total_contract_value").as_float(),
            _value_of("currency").as_string(),
            _value_of("client_name").as_string(),
        ).where(RecordVersion.id.in_(version_ids))
    )
    return {version_id: (total, currency, client) for version_id, total, currency, client in rows}


def _owner_teams(session: Session, version_ids: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    if version_ids:
        rows = session.execute(
            select(ExceptionRow.record_version_id, ExceptionRow.owner_team).where(
                ExceptionRow.record_version_id.in_(version_ids),
                ExceptionRow.status == ExceptionStatus.open.value,
                ExceptionRow.owner_team.is_not(None),
            )
        )
        for version_id, team in rows:
            if team:
                found[version_id].add(team)
    return {version_id: tuple(sorted(teams)) for version_id, teams in found.items()}


def _item(row: Any, teams: tuple[str, ...], shown: tuple[Any, Any, Any]) -> QueueItem:
    due = row.next_due
    if due is not None and due.tzinfo is None:
        due = due.replace(tzinfo=UTC)  # SQLite keeps no offset; stored values are UTC
    return QueueItem(
        document_id=row.document_id,
        filename=row.filename,
        document_status=row.document_status,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        record_version_id=row.version_id,
        version=row.version,
        record_status=row.record_status,
        total_contract_value=shown[0],
        currency=shown[1],
        client_name=shown[2],
        max_risk=row.max_risk,
        open_exceptions=row.open_count or 0,
        open_blockers=int(row.blockers or 0),
        owner_teams=teams,
        sla=SlaState(row.sla),  # decided by the query, as its SLA filter decides
        next_due_at=due,
    )
