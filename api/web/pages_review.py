"""The document review page: the page images with the evidence boxed, the fields beside them, and the
review actions (accept / correct / not in document, resolve / waive, approve) calling review/."""

from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.deps import IntakeSettingsDep, SessionDep, StorageDep
from api.web.approval_view import approval_state
from api.web.auth import SignedIn, WebUser, permitted
from api.web.errors import WebRoute
from api.web.review_data import review_view
from api.web.templating import render
from erp.postings import list_postings
from intake.service import get_document
from intake.settings import IntakeSettings
from intake.storage import Storage
from models.errors import HandoffError
from models.exceptions import Disposition
from review.approval import Readiness, approve
from review.audit import DOCUMENT, list_audit
from review.audit_trail import audit_csv, readable
from review.edits import EditResult, accept_field, correct_field, set_not_in_document
from review.errors import InvalidValue
from review.inputs import typed_value
from review.records import record_detail
from review.resolution import Closing, resolve_exception, waive_exception
from review.roles import Permission
from review.settings import ReviewSettings
from review.versions import exception_of_document, latest_version, version_of_document
from triage.policy import load_policy

router = APIRouter(include_in_schema=False, route_class=WebRoute)
Reader = Annotated[WebUser, Depends(permitted(Permission.read))]


@lru_cache(maxsize=1)
def low_confidence_threshold() -> float:
    """Below this confidence a field is marked for the reviewer: the triage policy's LOW_CONFIDENCE rule."""
    return load_policy().low_confidence.threshold


def _context(
    session: Session,
    storage: Storage,
    settings: tuple[IntakeSettings, ReviewSettings, Readiness],
    document_id: str,
    user: WebUser,
) -> dict[str, Any]:
    intake_settings, review_settings, readiness = settings
    document = get_document(session, document_id)
    view = review_view(storage, document, intake_settings, low_confidence_threshold())
    latest = latest_version(session, document_id)
    detail = record_detail(session, document_id, settings=review_settings) if latest is not None else None
    draft = latest is not None and latest.status == "draft"
    needs = list(readiness(session, document_id, latest.record)) if latest is not None and draft else []
    audit = list_audit(session, entity_type=DOCUMENT, entity_id=document_id)
    return {
        "view": view,
        "doc": document,
        "detail": detail,
        "exceptions": detail.exceptions if detail else (),
        "field_reviews": {item.field: item for item in detail.field_reviews} if detail else {},
        "approval": approval_state(detail, user, needs) if detail else None,
        "erp_needs": dict(needs),
        "postings": list_postings(session, document_id=document_id),
        "audit": readable(audit) if user.can(Permission.read_audit) else None,
        "threshold": low_confidence_threshold(),
        "can_edit": user.can(Permission.edit_record),
        "can_resolve": user.can(Permission.resolve_exception),
        "can_waive": user.can(Permission.waive_exception),
    }


async def review_response(
    request: Request,
    session: Session,
    storage: Storage,
    settings: IntakeSettings,
    document_id: str,
    user: WebUser,
    outcome: tuple[str | None, str | None, int] = (None, None, 200),
    field_error: dict[str, str] | None = None,
) -> HTMLResponse:
    notice, error, status_code = outcome
    configured = (settings, request.app.state.review_settings, request.app.state.readiness)
    context = await run_in_threadpool(_context, session, storage, configured, document_id, user)
    shown = {"notice": notice, "error": None if field_error else error, "field_error": field_error}
    return render(request, "review.html", context | shown, status_code)


def web_closing(reason: str, disposition: str, money_impact: str) -> Closing:
    """The exception form's fields as a Closing: a disposition is required in the page; the money impact
    is typed as amounts are elsewhere ("$12,500")."""
    try:
        chosen = Disposition(disposition)
    except ValueError:
        raise InvalidValue(
            "choose how the exception turned out: confirmed, false alarm or fixed in CRM"
        ) from None
    impact = typed_value(Decimal | None, money_impact) if money_impact.strip() else None
    try:
        amount = Decimal(str(impact)) if impact is not None else None
    except ArithmeticError:
        raise InvalidValue(f"{money_impact!r} is not an amount") from None
    return Closing(reason=reason, disposition=chosen, money_impact=amount)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
async def review_page(
    request: Request,
    document_id: str,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    user: Reader,
) -> HTMLResponse:
    return await review_response(request, session, storage, settings, document_id, user)


async def _acted(
    request: Request,
    session: Session,
    storage: Storage,
    settings: IntakeSettings,
    document_id: str,
    user: WebUser,
    action: Any,
    field: tuple[str, str] | None = None,
) -> HTMLResponse:
    """Run a review action; the page comes back with what it did, or with its refusal in place: a field
    edit's refusal next to the field, with what was typed still in the box."""
    try:
        notice = await run_in_threadpool(action)
    except HandoffError as error:
        session.rollback()
        message = f"{error.detail} ({error.code})"
        outcome = (None, message, error.http_status)
        field_error = {"path": field[0], "typed": field[1], "message": message} if field else None
        return await review_response(
            request, session, storage, settings, document_id, user, outcome, field_error
        )
    return await review_response(request, session, storage, settings, document_id, user, (notice, None, 200))


@router.post("/documents/{document_id}/fields/{action}", response_class=HTMLResponse)
async def field_action(
    request: Request,
    document_id: str,
    action: Literal["accept", "correct", "absent"],
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    user: SignedIn,
    path: Annotated[str, Form(max_length=255)],
    version_id: Annotated[str, Form(max_length=36)],
    value: Annotated[str | None, Form(max_length=2000)] = None,
) -> HTMLResponse:
    def run() -> str:
        version_of_document(session, document_id, version_id)
        recheck = request.app.state.recheck
        if action == "accept":
            accepted = accept_field(session, user.username, version_id, path, recheck=recheck)
            return f"{path} accepted.{_retriaged(accepted)}"
        if action == "absent":
            result = set_not_in_document(session, user.username, version_id, path, recheck=recheck)
        else:
            typed = (value or "").strip()
            result = correct_field(session, user.username, version_id, path, typed, recheck=recheck)
        if not result.changed:
            return f"{path} unchanged."
        created = f" (a new draft, version {result.version})" if result.new_version else ""
        return f"{path} saved{created}.{_retriaged(result)}"

    return await _acted(request, session, storage, settings, document_id, user, run, (path, value or ""))


def _retriaged(result: EditResult) -> str:
    """What triaging the edited record again closed and opened, in words."""
    closed = f" No longer raised: {', '.join(result.exceptions_closed)}." if result.exceptions_closed else ""
    opened = f" Now raised: {', '.join(result.exceptions_opened)}." if result.exceptions_opened else ""
    return closed + opened


@router.post("/documents/{document_id}/exceptions/{exception_id}", response_class=HTMLResponse)
async def exception_action(
    request: Request,
    document_id: str,
    exception_id: str,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    user: SignedIn,
    outcome: Annotated[Literal["resolved", "waived"], Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
    disposition: Annotated[str, Form(max_length=32)] = "",
    money_impact: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    def run() -> str:
        exception_of_document(session, document_id, exception_id)
        closing = web_closing(reason, disposition, money_impact)
        close = resolve_exception if outcome == "resolved" else waive_exception
        result = close(session, user.username, exception_id, reason, closing)
        return f"{result.code} {result.status.value}."

    return await _acted(request, session, storage, settings, document_id, user, run)


@router.post("/documents/{document_id}/approve", response_class=HTMLResponse)
async def approve_action(
    request: Request,
    document_id: str,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    user: SignedIn,
    version_id: Annotated[str, Form(max_length=36)],
) -> HTMLResponse:
    on_approved = request.app.state.on_approved
    review_settings = request.app.state.review_settings

    def run() -> str:
        version_of_document(session, document_id, version_id)
        result = approve(
            session,
            user.username,
            version_id,
            settings=review_settings,
            on_approved=on_approved,
            readiness=request.app.state.readiness,
        )
        if result.approved:
            return f"Record version {result.version} approved by {', '.join(result.approvers)}."
        return f"Your approval is recorded; it still needs {result.waiting_for}."

    return await _acted(request, session, storage, settings, document_id, user, run)


@router.get("/documents/{document_id}/audit.csv")
def audit_download(
    document_id: str, session: SessionDep, user: Annotated[WebUser, Depends(permitted(Permission.read_audit))]
) -> Response:
    """The document's audit trail as CSV for auditors: readable columns and the raw event."""
    document = get_document(session, document_id)
    lines = readable(list_audit(session, entity_type=DOCUMENT, entity_id=document.id, limit=100_000))
    filename = f"audit-{document.id}.csv"
    return Response(
        audit_csv(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
