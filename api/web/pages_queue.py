"""The queue (documents ranked by exception risk) and the deal desk's upload page with live statuses."""

from typing import Annotated, Final

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from api.deps import IntakeSettingsDep, SessionDep, StorageDep
from api.routes_crm import CrmSettingsDep
from api.routes_documents import read_limited
from api.web.errors import WebRoute
from api.web.processing import check_upload
from api.web.queue_data import QueueFilters, owner_teams, queue_rows
from api.web.templating import render
from intake.service import get_document, ingest
from models.errors import HandoffError
from models.orm import CrmOpportunityRow

router = APIRouter(include_in_schema=False, route_class=WebRoute)
# statuses after which nothing changes without a person: the upload page stops polling
SETTLED: Final = frozenset({"ready_for_review", "approved", "posted", "failed", "parsed"})
STATUSES: Final = (
    "queued",
    "parsing",
    "extracting",
    "checking",
    "ready_for_review",
    "approved",
    "posting",
    "posted",
    "failed",
    "parsed",
)
SLA_STATES: Final = ("overdue", "due_soon", "on_track")


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    status: str | None = None,
    owner: str | None = None,
    sla: str | None = None,
    q: str | None = None,
) -> HTMLResponse:
    filters = QueueFilters(status=status or None, owner=owner or None, sla=sla or None, search=q or None)
    rows = queue_rows(session, filters)
    every = rows if filters == QueueFilters() else queue_rows(session, QueueFilters())
    context = {
        "rows": rows,
        "filters": filters,
        "statuses": STATUSES,
        "sla_states": SLA_STATES,
        "owners": owner_teams(every),
    }
    return render(request, "queue.html", context)


def _opportunities(request: Request) -> list[str]:
    with request.app.state.session_factory() as session:
        rows = session.scalars(
            select(CrmOpportunityRow.opportunity_id).order_by(CrmOpportunityRow.opportunity_id)
        )
        return list(rows)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    return render(request, "upload.html", {"opportunities": _opportunities(request), "uploads": []})


@router.post("/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    crm_settings: CrmSettingsDep,
    background: BackgroundTasks,
    files: Annotated[list[UploadFile], File()],
    crm_opportunity_id: Annotated[str, Form(max_length=64)] = "",
) -> HTMLResponse:
    """Store each file (the same bytes twice are one document) and check the new ones in the background."""
    opportunity = crm_opportunity_id.strip() or None
    uploads: list[dict[str, object]] = []
    for upload_file in files:
        name = upload_file.filename or "upload"
        try:
            data = await read_limited(upload_file, settings)
            result = await run_in_threadpool(
                ingest,
                data,
                name,
                session=session,
                storage=storage,
                settings=settings,
                uploaded_by=_username(request),
                crm_opportunity_id=opportunity,
            )
        except HandoffError as error:
            uploads.append({"filename": name, "error": f"{error.detail} ({error.code})"})
            continue
        document = get_document(session, result.document_id)
        if result.created:
            document.status = "queued"
            session.commit()
            background.add_task(check_upload, request.app.state.session_factory, crm_settings, document.id)
        uploads.append({"filename": name, "document": document, "created": result.created})
    context = {"opportunities": _opportunities(request), "uploads": uploads, "settled": SETTLED}
    return render(request, "upload.html", context)


@router.get("/documents/{document_id}/status", response_class=HTMLResponse)
def document_status(request: Request, document_id: str, session: SessionDep) -> HTMLResponse:
    """The status cell of one upload; it keeps polling until the document has settled."""
    document = get_document(session, document_id)
    return render(request, "_status.html", {"document": document, "settled": SETTLED})


def _username(request: Request) -> str | None:
    user = getattr(request.state, "user", None)
    return getattr(user, "username", None)
