"""What the queue shows per document: its latest record version, value, open exceptions and SLA state.

Ranked by the highest exception risk of the latest version (revenue at risk, then risk score), the way the
PMO list ranks single exceptions (triage.store), then blockers; documents with no open exception come
last, newest first.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Document, ExceptionRow, ExceptionStatus, RecordVersion, utc_now

DUE_SOON: Final = timedelta(hours=24)
QUEUE_LIMIT: Final = 500


@dataclass(frozen=True)
class QueueRow:
    document: Document
    version: RecordVersion | None
    value: float | None
    currency: str | None
    open_exceptions: int
    blockers: int
    revenue_at_risk: float | None
    risk_score: float | None
    owner_team: str | None
    due_at: datetime | None
    sla: str | None  # "overdue", "due_soon", "on_track" or None when nothing is open

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.open_exceptions == 0,
            self.revenue_at_risk is None,
            -(self.revenue_at_risk or 0.0),
            self.risk_score is None,
            -(self.risk_score or 0.0),
            -self.blockers,
            -self.document.created_at.timestamp(),
        )


@dataclass(frozen=True)
class QueueFilters:
    status: str | None = None
    owner: str | None = None
    sla: str | None = None
    search: str | None = None


def latest_versions(session: Session, document_ids: Iterable[str]) -> dict[str, RecordVersion]:
    wanted = list(document_ids)
    versions = session.scalars(select(RecordVersion).where(RecordVersion.document_id.in_(wanted))).all()
    latest: dict[str, RecordVersion] = {}
    for version in versions:
        if version.document_id not in latest or version.version > latest[version.document_id].version:
            latest[version.document_id] = version
    return latest


def queue_rows(session: Session, filters: QueueFilters, now: datetime | None = None) -> list[QueueRow]:
    statement = select(Document).order_by(Document.created_at.desc()).limit(QUEUE_LIMIT)
    if filters.status:
        statement = statement.where(Document.status == filters.status)
    if filters.search:
        statement = statement.where(Document.filename.ilike(f"%{filters.search}%"))
    documents = session.scalars(statement).all()
    latest = latest_versions(session, (document.id for document in documents))
    open_rows = _open_exceptions(session, [version.id for version in latest.values()])
    moment = now or utc_now()
    rows = [
        _row(
            document,
            latest.get(document.id),
            open_rows.get(getattr(latest.get(document.id), "id", "")),
            moment,
        )
        for document in documents
    ]
    rows = [row for row in rows if _kept(row, filters)]
    return sorted(rows, key=QueueRow.sort_key)


def owner_teams(rows: Sequence[QueueRow]) -> list[str]:
    return sorted({row.owner_team for row in rows if row.owner_team})


def _kept(row: QueueRow, filters: QueueFilters) -> bool:
    if filters.owner and row.owner_team != filters.owner:
        return False
    return not filters.sla or row.sla == filters.sla


def _open_exceptions(session: Session, version_ids: list[str]) -> dict[str, list[ExceptionRow]]:
    statement = select(ExceptionRow).where(
        ExceptionRow.record_version_id.in_(version_ids), ExceptionRow.status == ExceptionStatus.open.value
    )
    grouped: dict[str, list[ExceptionRow]] = {}
    for row in session.scalars(statement):
        grouped.setdefault(row.record_version_id, []).append(row)
    return grouped


def _row(
    document: Document, version: RecordVersion | None, exceptions: list[ExceptionRow] | None, now: datetime
) -> QueueRow:
    exceptions = exceptions or []
    fields = (version.record.get("fields", {}) if version else {}) or {}
    top = max(exceptions, key=_risk, default=None)
    due = [at for at in (_due_at(row) for row in exceptions) if at is not None]
    due_at = min(due, default=None)
    return QueueRow(
        document=document,
        version=version,
        value=fields.get("total_contract_value", {}).get("value"),
        currency=fields.get("currency", {}).get("value"),
        open_exceptions=len(exceptions),
        blockers=sum(row.severity == "blocker" for row in exceptions),
        revenue_at_risk=top.payload.get("revenue_at_risk") if top else None,
        risk_score=top.risk_score if top else None,
        owner_team=top.owner_team if top else None,
        due_at=due_at,
        sla=_sla(due_at, now) if exceptions else None,
    )


def _risk(row: ExceptionRow) -> tuple[float, float]:
    return (float(row.payload.get("revenue_at_risk") or 0.0), row.risk_score or 0.0)


def _due_at(row: ExceptionRow) -> datetime | None:
    raw = row.payload.get("due_at")
    if raw:
        return datetime.fromisoformat(raw)
    hours = row.payload.get("sla_hours")
    return row.created_at + timedelta(hours=hours) if hours is not None else None


def _sla(due_at: datetime | None, now: datetime) -> str:
    if due_at is None:
        return "on_track"
    if due_at < now:
        return "overdue"
    return "due_soon" if due_at - now <= DUE_SOON else "on_track"
