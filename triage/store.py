"""Triage's I/O edge: a checked record stored as a new record version with its exception rows, and the PMO
exception list read back across documents.

`checked_exceptions` is the pure step every caller runs before storing (`handoff check`, `POST
/api/documents/{id}/check`, evals/check): find_gaps → rank_exceptions → with_due_dates.

The list shows the open exceptions of each document's latest record version only: a new check supersedes
what the previous one found. It is ordered globally by revenue risk — revenue at risk (highest first, unknown
last), then risk score (highest first), then severity — and, past those, by document and the document's own
rank, so one document's exceptions keep their order. Due dates come from the stored exception (raised time +
SLA); overdue is worked out at query time against `now`, never stored.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.errors import DocumentNotFound
from models.base import FrozenModel
from models.crm import CrmOpportunity
from models.exceptions import HandoffException, Severity
from models.orm import Document, ExceptionRow, ExceptionStatus, RecordStatus, RecordVersion, utc_now
from models.record import HandoffRecord
from triage.compare import find_gaps
from triage.policy import Policy
from triage.ranker import rank_exceptions
from triage.ranker_model import RankerModel
from triage.routing import is_overdue, with_due_dates

# Two checks of one document racing for the same version number: the loser takes the next number.
VERSION_ATTEMPTS: Final = 3
CSV_COLUMNS: Final = (
    "document_id",
    "filename",
    "record_version",
    "rank",
    "severity",
    "code",
    "field",
    "document_value",
    "crm_value",
    "revenue_at_risk",
    "risk_score",
    "owner_team",
    "due_at",
    "overdue",
    "status",
    "message",
    "exception_id",
)
# A spreadsheet runs a cell that starts with one of these as a formula; document text must stay text.
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


class ExceptionView(FrozenModel):
    """One exception of the PMO list: the exception as stored, where it comes from and its SLA state."""

    id: str
    document_id: str
    filename: str
    record_version: int
    status: ExceptionStatus
    raised_at: datetime
    due_at: datetime | None
    overdue: bool
    exception: HandoffException


def checked_exceptions(
    record: HandoffRecord,
    opportunity: CrmOpportunity | None,
    policy: Policy,
    model: RankerModel,
    raised_at: datetime,
) -> list[HandoffException]:
    """The record's exceptions, ranked (rank 1 first) and due `sla_hours` after `raised_at`."""
    found = find_gaps(record, opportunity, policy)
    return with_due_dates(rank_exceptions(found, record, opportunity, model), raised_at)


def store_check(
    session: Session,
    document_id: str,
    record: HandoffRecord,
    exceptions: Sequence[HandoffException],
    *,
    created_by: str,
    raised_at: datetime | None = None,
) -> RecordVersion:
    """Write the record as the document's next version (draft) with its exceptions (open), in one transaction.

    `raised_at` (default now) is when the exceptions were raised: the clock their SLA runs from.
    """
    if session.get(Document, document_id) is None:
        raise DocumentNotFound(f"no document {document_id}")
    raised = raised_at or utc_now()
    for _ in range(VERSION_ATTEMPTS - 1):
        try:
            return _commit_version(session, document_id, record, exceptions, created_by, raised)
        except IntegrityError:
            continue
    return _commit_version(session, document_id, record, exceptions, created_by, raised)


def _commit_version(
    session: Session,
    document_id: str,
    record: HandoffRecord,
    exceptions: Sequence[HandoffException],
    created_by: str,
    raised: datetime,
) -> RecordVersion:
    try:
        version = _add_version(session, document_id, record, exceptions, created_by, raised)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return version


def _add_version(
    session: Session,
    document_id: str,
    record: HandoffRecord,
    exceptions: Sequence[HandoffException],
    created_by: str,
    raised: datetime,
) -> RecordVersion:
    last = session.scalar(
        select(func.max(RecordVersion.version)).where(RecordVersion.document_id == document_id)
    )
    version = RecordVersion(
        document_id=document_id,
        version=(last or 0) + 1,
        record=record.model_dump(mode="json"),
        status=RecordStatus.draft.value,
        created_by=created_by,
        created_at=raised,
    )
    version.exceptions = [_row(exception, raised) for exception in exceptions]
    session.add(version)
    session.flush()
    return version


def _row(exception: HandoffException, raised: datetime) -> ExceptionRow:
    return ExceptionRow(
        code=exception.code,
        field=exception.field,
        severity=exception.severity.value,
        payload=exception.model_dump(mode="json"),
        risk_score=exception.risk_score,
        rank=exception.rank,
        status=ExceptionStatus.open.value,
        owner_team=exception.owner_team,
        created_at=raised,
    )


def list_exceptions(
    session: Session,
    *,
    owner: str | None = None,
    min_risk: float | None = None,
    status: ExceptionStatus | None = ExceptionStatus.open,
    limit: int | None = None,
    offset: int = 0,
    now: datetime | None = None,
) -> list[ExceptionView]:
    """The exceptions of every document's latest record version, most revenue risk first.

    `owner` keeps one owner team, `min_risk` the exceptions whose risk_score is at least it, `status` one
    status (None: every status); `now` (default the current time) decides which are overdue.
    """
    statement = _latest_exceptions()
    if owner is not None:
        statement = statement.where(ExceptionRow.owner_team == owner)
    if min_risk is not None:
        statement = statement.where(ExceptionRow.risk_score >= min_risk)
    if status is not None:
        statement = statement.where(ExceptionRow.status == status.value)
    statement = statement.order_by(*_risk_order()).offset(offset).limit(limit)
    moment = now or utc_now()
    return [
        _view(row, version, document_id, filename, moment)
        for row, version, document_id, filename in session.execute(statement)
    ]


def _latest_exceptions() -> Select[ExceptionRow, int, str, str]:
    latest = (
        select(RecordVersion.document_id, func.max(RecordVersion.version).label("version"))
        .group_by(RecordVersion.document_id)
        .subquery()
    )
    return (
        select(ExceptionRow, RecordVersion.version, Document.id, Document.filename)
        .join(RecordVersion, ExceptionRow.record_version_id == RecordVersion.id)
        .join(
            latest,
            and_(
                latest.c.document_id == RecordVersion.document_id,
                latest.c.version == RecordVersion.version,
            ),
        )
        .join(Document, Document.id == RecordVersion.document_id)
    )


def _risk_order() -> tuple[Any, ...]:
    revenue = ExceptionRow.payload["revenue_at_risk"].as_float()
    severity = case(
        {severity.value: index for index, severity in enumerate(Severity)},
        value=ExceptionRow.severity,
        else_=len(Severity),
    )
    return (
        revenue.is_(None),
        revenue.desc(),
        ExceptionRow.risk_score.is_(None),
        ExceptionRow.risk_score.desc(),
        severity,
        Document.id,
        ExceptionRow.rank,
        ExceptionRow.id,
    )


def _view(row: ExceptionRow, version: int, document_id: str, filename: str, now: datetime) -> ExceptionView:
    exception = HandoffException.model_validate(row.payload)
    if exception.due_at is None:
        exception = with_due_dates([exception], row.created_at)[0]
    return ExceptionView(
        id=row.id,
        document_id=document_id,
        filename=filename,
        record_version=version,
        status=ExceptionStatus(row.status),
        raised_at=row.created_at,
        due_at=exception.due_at,
        overdue=row.status == ExceptionStatus.open.value and is_overdue(exception, now),
        exception=exception,
    )


def exceptions_csv(views: Iterable[ExceptionView]) -> str:
    """The list as CSV with a header row of CSV_COLUMNS; text cells cannot turn into spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for view in views:
        writer.writerow([_cell(value) for value in _csv_values(view)])
    return buffer.getvalue()


def _csv_values(view: ExceptionView) -> tuple[object, ...]:
    exception = view.exception
    return (
        view.document_id,
        view.filename,
        view.record_version,
        exception.rank,
        exception.severity.value,
        exception.code,
        exception.field,
        exception.document_value,
        exception.crm_value,
        exception.revenue_at_risk,
        exception.risk_score,
        exception.owner_team,
        view.due_at.isoformat() if view.due_at else None,
        view.overdue,
        view.status.value,
        exception.message,
        view.id,
    )


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
