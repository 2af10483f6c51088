"""REST routes of triage: check a stored document against its CRM opportunity, and the PMO exception list.

A change order is compared as a delta on its base record when one is stored (triage.store.find_base_record);
the response names that base, or says in `notes` that none was found and the change order was compared alone.
"""

from functools import lru_cache
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from api.auth import Caller, allow
from api.deps import SessionDep
from api.routes_crm import CrmSettingsDep
from extraction.engine import extract
from intake.service import get_document
from models.crm import CrmOpportunity
from models.document import ParsedDocument
from models.exceptions import HandoffException
from models.orm import Document, ExceptionStatus, utc_now
from models.record import HandoffRecord
from review.roles import Permission
from triage.policy import load_policy
from triage.ranker import load_ranker
from triage.ranker_model import RankerModel
from triage.settings import CrmSettings, make_crm
from triage.store import (
    ExceptionView,
    base_notes,
    checked_exceptions,
    exceptions_csv,
    find_base_record,
    list_exceptions,
    store_check,
)

router = APIRouter(tags=["exceptions"])
CSV_FILENAME: Final = "handoff-exceptions.csv"
PROBLEM = {"model": dict[str, Any], "content": {"application/problem+json": {}}}
CHECK_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {**PROBLEM, "description": text}
    for code, text in {
        401: "not signed in",
        403: "roles do not allow it, or the CSRF token is missing",
        404: "no such document, or the CRM has no such opportunity",
        422: "the body is not an opportunity",
        500: "the ranker model file is missing or unusable",
        502: "the CRM could not be read",
    }.items()
}


class CheckResult(BaseModel):
    document_id: str
    record_version: int
    opportunity_id: str | None
    record: HandoffRecord
    exceptions: list[HandoffException]
    base_document_id: str | None = Field(
        description="for a change order, the stored document whose latest record it was compared on"
    )
    notes: list[str] = Field(description="how the check was made, e.g. a change order with no stored base")


@lru_cache(maxsize=1)
def shipped_ranker() -> RankerModel:
    """The ranker model file, read once per process: restart after `handoff train-ranker` rebuilds it."""
    return load_ranker()


def resolve_opportunity(
    given: CrmOpportunity | None,
    document: Document,
    settings: CrmSettings,
    sessions: sessionmaker[Session],
) -> CrmOpportunity | None:
    """The body's opportunity; a body of only an id, or no body and the id the document was uploaded with,
    is looked up in the configured CRM; neither → None (the document rules only)."""
    if given is not None and given.model_fields_set != {"opportunity_id"}:
        return given
    wanted = given.opportunity_id if given is not None else document.crm_opportunity_id
    if wanted is None:
        return None
    return make_crm(settings, sessions).get(wanted)


@router.post(
    "/api/documents/{document_id}/check", status_code=status.HTTP_201_CREATED, responses=CHECK_PROBLEMS
)
def check_document(
    document_id: str,
    request: Request,
    session: SessionDep,
    crm_settings: CrmSettingsDep,
    caller: Annotated[Caller, Depends(allow(Permission.check))],
    opportunity: Annotated[
        CrmOpportunity | None,
        Body(
            description='The CRM opportunity (spec §2), or {"opportunity_id": …} to read it from the '
            "configured CRM; without a body, the opportunity id the document was uploaded with, if any."
        ),
    ] = None,
) -> CheckResult:
    """Extract the document's record, compare it with the CRM (a change order as a delta on its stored base),
    rank the exceptions and store them as the document's next record version."""
    document = get_document(session, document_id)
    resolved = resolve_opportunity(opportunity, document, crm_settings, request.app.state.session_factory)
    record = extract(ParsedDocument.model_validate(document.parsed))
    base = find_base_record(session, record, excluding=document_id)
    raised_at = utc_now()
    exceptions = checked_exceptions(
        record, resolved, load_policy(), shipped_ranker(), raised_at, base[1] if base else None
    )
    version = store_check(
        session, document_id, record, exceptions, created_by=caller.username, raised_at=raised_at
    )
    return CheckResult(
        document_id=document_id,
        record_version=version.version,
        opportunity_id=resolved.opportunity_id if resolved else None,
        record=record,
        exceptions=exceptions,
        base_document_id=base[0] if base else None,
        notes=base_notes(record, base),
    )


@router.get(
    "/api/exceptions",
    response_model=list[ExceptionView],
    responses={200: {"content": {"text/csv": {}}, "description": "JSON list, or CSV with format=csv"}},
    dependencies=[Depends(allow(Permission.list_exceptions))],
)
def list_exceptions_route(
    session: SessionDep,
    owner: Annotated[str | None, Query(max_length=64, description="owner team")] = None,
    min_risk: Annotated[float | None, Query(ge=0, le=1, description="risk_score at least")] = None,
    exception_status: Annotated[Literal["open", "resolved", "waived", "all"], Query(alias="status")] = "open",
    output_format: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response | list[ExceptionView]:
    """Open exceptions of every document's latest record version, most revenue at risk first."""
    views = list_exceptions(
        session,
        owner=owner,
        min_risk=min_risk,
        status=None if exception_status == "all" else ExceptionStatus(exception_status),
        limit=limit,
        offset=offset,
    )
    if output_format == "json":
        return views
    return Response(
        exceptions_csv(views),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{CSV_FILENAME}"'},
    )
