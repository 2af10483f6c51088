"""REST routes of review: the queue, a record with its exceptions and approvals, every review action, the
audit log and the corrections export. Each route mirrors one review/ function; the rules live there."""

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from api.auth import Caller, allow
from api.deps import SessionDep
from models.bounds import MAX_AMOUNT
from models.exceptions import Disposition
from review.approval import ApprovalResult, approve
from review.audit import AuditView, list_audit
from review.corrections import iter_corrections
from review.edits import EditResult, accept_field, correct_field, set_not_in_document
from review.evidence import EvidenceInput
from review.queue import QueueFilter, QueueItem, QueueSort, SlaState, list_queue
from review.records import RecordDetail, record_detail
from review.resolution import Closing, ExceptionOutcome, resolve_exception, waive_exception
from review.roles import Permission
from review.settings import ReviewSettings
from review.versions import version_of_document

router = APIRouter(prefix="/api", tags=["review"])
PROBLEM = {"model": dict[str, Any], "content": {"application/problem+json": {}}}
REVIEW_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {**PROBLEM, "description": text}
    for code, text in {
        401: "not signed in",
        403: "roles, four-eyes rules or CSRF token do not allow it",
        404: "no such document, record version, field item or exception",
        409: "stale or approved version, already done, or an open blocker",
        422: "the value, path, evidence or reason is not valid",
    }.items()
}


def _caller(permission: Permission) -> Any:
    return Depends(allow(permission))


Reader = Annotated[Caller, _caller(Permission.read)]
Editor = Annotated[Caller, _caller(Permission.edit_record)]


def review_settings(request: Request) -> ReviewSettings:
    settings: ReviewSettings = request.app.state.review_settings
    return settings


class FieldRequest(BaseModel):
    version_id: str = Field(description="the record version the reviewer saw", max_length=64)
    field: str = Field(description="e.g. fields.total_contract_value, milestones[0].amount", max_length=255)


class CorrectRequest(FieldRequest):
    value: Any = Field(description="the new value, in the field's JSON type; null means not in the document")
    evidence: list[EvidenceInput] | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, max_length=2000)


class NotInDocumentRequest(FieldRequest):
    reason: str | None = Field(default=None, max_length=2000)


class ReasonRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    disposition: Disposition | None = Field(
        default=None,
        description="how it turned out (confirmed, false_alarm, fixed_in_crm): the ranker's label",
    )
    money_impact: Decimal | None = Field(
        default=None, ge=0, le=MAX_AMOUNT, allow_inf_nan=False, description="confirmed only"
    )

    def closing(self) -> Closing:
        return Closing(reason=self.reason, disposition=self.disposition, money_impact=self.money_impact)


class ApproveRequest(BaseModel):
    version_id: str = Field(description="the record version the approver saw", max_length=64)


@router.get("/queue", responses=REVIEW_PROBLEMS)
def queue(
    request: Request,
    session: SessionDep,
    caller: Reader,
    status: Annotated[str | None, Query(max_length=32, description="document status")] = None,
    record_status: Annotated[Literal["draft", "approved", "superseded"] | None, Query()] = None,
    owner: Annotated[str | None, Query(max_length=64, description="owner team of an open exception")] = None,
    min_risk: Annotated[float | None, Query(ge=0, le=1)] = None,
    sla: Annotated[SlaState | None, Query(description="SLA state of the soonest due open exception")] = None,
    name: Annotated[str | None, Query(max_length=255, description="file name contains (any case)")] = None,
    sort: Annotated[QueueSort, Query(description="risk (default), due, newest or value")] = QueueSort.risk,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[QueueItem]:
    """Documents with their latest record version, highest open exception risk first (or `sort`)."""
    filters = QueueFilter(
        status=status, record_status=record_status, owner=owner, min_risk=min_risk, sla=sla, name=name
    )
    settings = review_settings(request)
    return list_queue(session, filters, limit=limit, offset=offset, sort=sort, settings=settings)


@router.get("/records/{document_id}", responses=REVIEW_PROBLEMS)
def read_record(document_id: str, request: Request, session: SessionDep, caller: Reader) -> RecordDetail:
    """The latest record version with its fields, exceptions, approvals and the list of versions."""
    return record_detail(session, document_id, settings=review_settings(request))


def _version_of(session: SessionDep, document_id: str, version_id: str) -> str:
    return version_of_document(session, document_id, version_id).id


@router.post("/records/{document_id}/fields/accept", responses=REVIEW_PROBLEMS)
def accept(
    document_id: str, body: FieldRequest, request: Request, session: SessionDep, caller: Editor
) -> EditResult:
    """Confirm a field's value as extracted: it becomes a person's (confidence 1) and, if it was read below
    full confidence, the record is triaged again; recorded and audited."""
    version_id = _version_of(session, document_id, body.version_id)
    recheck = getattr(request.app.state, "recheck", None)
    return accept_field(session, caller.username, version_id, body.field, recheck=recheck)


@router.post("/records/{document_id}/fields/correct", responses=REVIEW_PROBLEMS)
def correct(
    document_id: str, body: CorrectRequest, request: Request, session: SessionDep, caller: Editor
) -> EditResult:
    """Correct a field; on an approved version this makes a new draft version."""
    version_id = _version_of(session, document_id, body.version_id)
    return correct_field(
        session,
        caller.username,
        version_id,
        body.field,
        body.value,
        evidence=body.evidence,
        reason=body.reason,
        recheck=getattr(request.app.state, "recheck", None),
    )


@router.post("/records/{document_id}/fields/not-in-document", responses=REVIEW_PROBLEMS)
def not_in_document(
    document_id: str, body: NotInDocumentRequest, request: Request, session: SessionDep, caller: Editor
) -> EditResult:
    """Set a field to "not in the document" (value null, no evidence)."""
    version_id = _version_of(session, document_id, body.version_id)
    recheck = getattr(request.app.state, "recheck", None)
    return set_not_in_document(
        session, caller.username, version_id, body.field, reason=body.reason, recheck=recheck
    )


@router.post("/records/{document_id}/approve", responses=REVIEW_PROBLEMS)
def approve_record(
    document_id: str,
    body: ApproveRequest,
    request: Request,
    session: SessionDep,
    caller: Annotated[Caller, _caller(Permission.approve)],
) -> ApprovalResult:
    """Approve the version you saw; the last required approval queues it for the ERP."""
    version_id = _version_of(session, document_id, body.version_id)
    on_approved: Callable[[str], None] | None = getattr(request.app.state, "on_approved", None)
    return approve(
        session,
        caller.username,
        version_id,
        settings=review_settings(request),
        on_approved=on_approved,
        readiness=getattr(request.app.state, "readiness", None),
    )


@router.post("/exceptions/{exception_id}/resolve", responses=REVIEW_PROBLEMS)
def resolve(
    exception_id: str,
    body: ReasonRequest,
    session: SessionDep,
    caller: Annotated[Caller, _caller(Permission.resolve_exception)],
) -> ExceptionOutcome:
    return resolve_exception(session, caller.username, exception_id, body.reason, body.closing())


@router.post("/exceptions/{exception_id}/waive", responses=REVIEW_PROBLEMS)
def waive(
    exception_id: str,
    body: ReasonRequest,
    session: SessionDep,
    caller: Annotated[Caller, _caller(Permission.waive_exception)],
) -> ExceptionOutcome:
    return waive_exception(session, caller.username, exception_id, body.reason, body.closing())


@router.get("/audit", responses=REVIEW_PROBLEMS)
def audit(
    session: SessionDep,
    caller: Annotated[Caller, _caller(Permission.read_audit)],
    entity_type: Annotated[str | None, Query(max_length=64, description="e.g. document, user")] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    actor: Annotated[str | None, Query(max_length=255)] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[AuditView]:
    """Audit events, oldest first; a document's history: entity_type=document&entity_id=<id>."""
    return list_audit(
        session, entity_type=entity_type, entity_id=entity_id, actor=actor, limit=limit, offset=offset
    )


@router.get(
    "/corrections",
    response_class=Response,
    responses=REVIEW_PROBLEMS | {200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines"}},
)
def corrections(
    session: SessionDep, caller: Annotated[Caller, _caller(Permission.export_corrections)]
) -> Response:
    """Every correction as a labelled example, one JSON object per line (as `handoff export-corrections`)."""
    lines = (
        json.dumps(example, ensure_ascii=False, sort_keys=True) + "\n"
        for example in iter_corrections(session)
    )
    return Response(
        "".join(lines),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="handoff-corrections.jsonl"'},
    )
