"""Triage's I/O edge: a checked record stored as a new record version with its exception rows, and the PMO
exception list read back across documents.

`checked_exceptions` is the pure step every caller runs before storing (`handoff check`, `POST
/api/documents/{id}/check`, evals/check): find_gaps → rank_exceptions → with_due_dates. A change order whose
base record is stored (`find_base_record`) is compared as a delta on it with compare_change_order instead; one
without is compared alone, and `base_notes` says so. The base's rows are only read.

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

from sqlalchemy import Select, Subquery, and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.errors import DocumentNotFound
from models.base import FrozenModel
from models.crm import CrmOpportunity
from models.exceptions import HandoffException, Severity
from models.orm import Document, ExceptionRow, ExceptionStatus, RecordStatus, RecordVersion, utc_now
from models.record import DocumentType, HandoffRecord, contract_number_words
from triage.change_order import compare_change_order, links
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
    base: HandoffRecord | None = None,
) -> list[HandoffException]:
    """The record's exceptions, ranked (rank 1 first) and due `sla_hours` after `raised_at`.

    With `base`, the record must be a change order amending it: it is compared as a delta on the base
    (compare_change_order); without, on its own (find_gaps).
    """
    if base is None:
        found = find_gaps(record, opportunity, policy)
    else:
        found = compare_change_order(record, base, opportunity, policy)
    return with_due_dates(rank_exceptions(found, record, opportunity, model), raised_at)


def is_change_order(record: HandoffRecord) -> bool:
    return record.fields.document_type.value is DocumentType.change_order


def find_base_record(
    session: Session, change_order: HandoffRecord, *, excluding: str | None = None
) -> tuple[str, HandoffRecord] | None:
    """The stored record a change order amends, as (document id, record); None for a record that is not a
    change order, or when no base is stored.

    A base is the latest record version of a document, not itself a change order, whose contract number the
    change order references (`links`). When several are, the most recently stored wins. `excluding` leaves
    one document out: the change order's own. Only reads.
    """
    referenced = change_order.amends_contract_number.value or change_order.fields.contract_number.value
    if not is_change_order(change_order) or not referenced:
        return None
    wanted = contract_number_words(referenced)
    # A linked base's number is the referenced one or its start: looked up by the versions' indexed
    # contract_key (models.orm), so a change order's check or review reads only those records in full.
    keys = [" ".join(wanted[:size]) for size in range(1, len(wanted) + 1)]
    for version_id, document_id in session.execute(_base_candidates(keys, excluding)):
        stored = session.scalar(select(RecordVersion.record).where(RecordVersion.id == version_id))
        base = HandoffRecord.model_validate(stored)
        if links(change_order, base):
            return document_id, base
    return None


def _base_candidates(keys: list[str], excluding: str | None) -> Select[str, str]:
    latest = _latest_versions()
    statement = (
        select(RecordVersion.id, RecordVersion.document_id)
        .join(
            latest,
            and_(
                latest.c.document_id == RecordVersion.document_id,
                latest.c.version == RecordVersion.version,
            ),
        )
        .where(
            RecordVersion.contract_key.in_(keys),
            or_(
                RecordVersion.document_type.is_(None),
                RecordVersion.document_type != DocumentType.change_order.value,
            ),
        )
        .order_by(RecordVersion.created_at.desc(), RecordVersion.document_id)
    )
    if excluding is not None:
        statement = statement.where(RecordVersion.document_id != excluding)
    return statement


def base_notes(record: HandoffRecord, base: tuple[str, HandoffRecord] | None) -> list[str]:
    """Why a change order was compared alone (no base found); empty for any other check."""
    if not is_change_order(record) or base is not None:
        return []
    referenced = record.amends_contract_number.value or record.fields.contract_number.value
    return [
        f"no stored base record for change order {record.fields.contract_number.value or '(no number)'} "
        f"(amends {referenced or 'an unstated contract number'}): compared alone, so its value, the "
        "increment, stands for the whole engagement"
    ]


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
    version.exceptions = [exception_row(exception, raised) for exception in exceptions]
    session.add(version)
    session.flush()
    return version


def exception_row(exception: HandoffException, raised: datetime) -> ExceptionRow:
    if exception.due_at is None:
        exception = with_due_dates([exception], raised)[0]
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
        due_at=exception.due_at,
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


def _latest_versions() -> Subquery:
    return (
        select(RecordVersion.document_id, func.max(RecordVersion.version).label("version"))
        .group_by(RecordVersion.document_id)
        .subquery()
    )


def _latest_exceptions() -> Select[ExceptionRow, int, str, str]:
    latest = _latest_versions()
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
        writer.writerow([csv_cell(value) for value in _csv_values(view)])
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


def csv_cell(value: object) -> object:
    """A CSV cell: text that a spreadsheet would run as a formula is quoted as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
