"""The queue (documents ranked by exception risk) and the deal desk's upload page with live statuses."""

from typing import Annotated, Final

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.deps import IntakeSettingsDep, SessionDep, StorageDep
from api.routes_documents import read_limited, upload_form
from api.web.auth import SignedIn, WebUser, must, permitted
from api.web.errors import WebRoute
from api.web.templating import render
from intake.service import get_document, ingest
from models.errors import HandoffError
from models.orm import CrmOpportunityRow, Document, DocumentStatus
from pipeline import flow as pipeline
from review.audit import DOCUMENT, record_event
from review.queue import QueueFilter, QueueSort, SlaState, count_queue, list_queue, owner_teams
from review.roles import Permission

router = APIRouter(include_in_schema=False, route_class=WebRoute)
Reader = Annotated[WebUser, Depends(permitted(Permission.read))]
Uploader = Annotated[WebUser, Depends(permitted(Permission.upload))]
# statuses after which nothing changes without a person: the upload page stops polling
SETTLED: Final = frozenset(
    status.value
    for status in (
        DocumentStatus.ready_for_review,
        DocumentStatus.approved,
        DocumentStatus.posted,
        DocumentStatus.failed,
        DocumentStatus.parsed,
    )
)
STATUSES: Final = tuple(status.value for status in DocumentStatus)
QUEUE_PAGE: Final = 50


@router.get("/", response_class=HTMLResponse)
def queue_page(
    request: Request,
    session: SessionDep,
    user: Reader,
    status: str | None = None,
    owner: str | None = None,
    sla: str | None = None,
    q: Annotated[str | None, Query(max_length=255)] = None,
    sort: str | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """review.queue's ranking (highest open risk first, or another order), filtered and paged in the
    database: QUEUE_PAGE documents a page, however long the queue."""
    filters = {"status": status or "", "owner": owner or "", "sla": sla or "", "q": q or ""}
    order = QueueSort(sort) if sort and sort in QueueSort.__members__ else QueueSort.risk
    wanted = QueueFilter(
        status=status or None,
        owner=owner or None,
        sla=SlaState(sla) if sla and sla in SlaState.__members__ else None,
        name=q or None,
    )
    settings = request.app.state.review_settings
    total = count_queue(session, wanted, settings=settings)
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(page, pages)
    items = list_queue(
        session,
        wanted,
        limit=QUEUE_PAGE,
        offset=(page - 1) * QUEUE_PAGE,
        sort=order,
        settings=settings,
    )
    context = {
        "items": items,
        "filters": filters,
        "sort": order.value,
        "sorts": [choice.value for choice in QueueSort],
        "statuses": STATUSES,
        "sla_states": [state.value for state in SlaState],
        "owners": owner_teams(session),
        "page": page,
        "pages": pages,
        "total": total,
        "query": {key: value for key, value in (filters | {"sort": order.value}).items() if value},
    }
    return render(request, "queue.html", context)


def _opportunities(request: Request) -> list[str]:
    with request.app.state.session_factory() as session:
        rows = session.scalars(
            select(CrmOpportunityRow.opportunity_id).order_by(CrmOpportunityRow.opportunity_id)
        )
        return list(rows)


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, user: Uploader) -> HTMLResponse:
    return render(request, "upload.html", {"opportunities": _opportunities(request), "uploads": []})


@router.post("/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    background: BackgroundTasks,
    user: SignedIn,
) -> HTMLResponse:
    """Store each file (the same bytes twice are one document) and queue the new ones for the pipeline.
    The form is read only once the user is known and may upload."""
    must(user, Permission.upload)
    files, fields = await upload_form(request, "files")
    opportunity = fields.get("crm_opportunity_id", "").strip()[:64] or None
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
                uploaded_by=user.username,
                crm_opportunity_id=opportunity,
            )
        except HandoffError as error:
            uploads.append({"filename": name, "error": f"{error.detail} ({error.code})"})
            continue
        document = await run_in_threadpool(get_document, session, result.document_id)
        if result.created:
            await run_in_threadpool(_queue_check, request, session, background, (user, document, opportunity))
        uploads.append({"filename": name, "document": document, "created": result.created})
    opportunities = await run_in_threadpool(_opportunities, request)  # no database wait on the event loop
    context = {"opportunities": opportunities, "uploads": uploads, "settled": SETTLED}
    return render(request, "upload.html", context)


def _queue_check(
    request: Request,
    session: Session,
    background: BackgroundTasks,
    upload: tuple[WebUser, Document, str | None],
) -> None:
    """Audit the new upload and queue it for the pipeline after the response (pipeline.flow.submit)."""
    user, document, opportunity = upload
    document.status = DocumentStatus.queued.value
    after = {"filename": document.filename, "crm_opportunity_id": opportunity}
    record_event(session, user.username, "document.upload", (DOCUMENT, document.id), after=after)
    session.commit()
    background.add_task(_submit, request.app.state.session_factory, document.id)


def _submit(sessions: sessionmaker[Session], document_id: str) -> None:
    # Embedded (no broker) the stages run right here, after the response; with a broker they are queued.
    with sessions() as session:
        pipeline.submit(session, document_id)


@router.get("/documents/{document_id}/status", response_class=HTMLResponse)
def document_status(request: Request, document_id: str, session: SessionDep, user: Reader) -> HTMLResponse:
    """The status cell of one upload; it keeps polling until the document has settled."""
    document = get_document(session, document_id)
    return render(request, "_status.html", {"document": document, "settled": SETTLED})


@router.post("/documents/{document_id}/check", response_class=HTMLResponse)
def check_again(
    request: Request,
    document_id: str,
    session: SessionDep,
    user: SignedIn,
) -> HTMLResponse:
    """Run the pipeline on a stored document: one stored before the pipeline from the start, a failed one
    again from the stage that failed (pipeline.flow.retry)."""
    must(user, Permission.check)
    document = get_document(session, document_id)
    must(user, pipeline.retry_permission(document))
    record_event(session, user.username, "document.check", (DOCUMENT, document.id))
    session.commit()
    if document.status == DocumentStatus.failed.value:
        pipeline.retry(session, user.username, document_id)
    else:
        pipeline.submit(session, document_id)
    session.refresh(document)
    return render(request, "_status.html", {"document": document, "settled": SETTLED})
