"""The ERP postings page: every posting with its status, attempts and last error, filtered by status, and
a Replay button on dead-lettered ones (erp.postings.replay, then pipeline.flow.queue_posting, as the REST
replay route does; the same `approve` permission)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import SessionDep
from api.web.auth import WebUser, permitted
from api.web.errors import WebRoute
from api.web.templating import render
from erp.postings import list_postings, replay
from models.errors import HandoffError
from models.orm import OutboxStatus
from pipeline.flow import queue_posting
from pipeline.operations import backlog
from review.roles import Permission

router = APIRouter(include_in_schema=False, route_class=WebRoute)
Reader = Annotated[WebUser, Depends(permitted(Permission.read))]
Replayer = Annotated[WebUser, Depends(permitted(Permission.approve))]
StatusFilter = Literal["pending", "sent", "failed", "dead", "all"]
STATUSES = ("all", *(status.value for status in OutboxStatus))


def postings_page_response(
    request: Request,
    session: SessionDep,
    status: StatusFilter,
    outcome: tuple[str | None, str | None, int] = (None, None, 200),
) -> HTMLResponse:
    notice, error, status_code = outcome
    chosen = None if status == "all" else OutboxStatus(status)
    context = {
        "postings": list_postings(session, chosen),
        "status": status,
        "statuses": STATUSES,
        "notice": notice,
        "error": error,
    }
    return render(request, "postings.html", context, status_code)


@router.get("/postings", response_class=HTMLResponse)
def postings_page(
    request: Request, session: SessionDep, user: Reader, status: StatusFilter = "all"
) -> HTMLResponse:
    return postings_page_response(request, session, status)


@router.post("/postings/{entry_id}/replay", response_class=HTMLResponse)
async def replay_action(
    request: Request, entry_id: str, session: SessionDep, user: Replayer, status: StatusFilter = "all"
) -> HTMLResponse:
    """Queue a dead-lettered posting again (same idempotency key); a refusal shows in the page."""
    try:
        view = await run_in_threadpool(replay, session, user.username, entry_id)
    except HandoffError as error:
        session.rollback()
        outcome = (None, f"{error.detail} ({error.code})", error.http_status)
        return await run_in_threadpool(postings_page_response, request, session, status, outcome)
    await run_in_threadpool(queue_posting, entry_id)
    notice = f"Posting of {view.filename} replayed."
    return await run_in_threadpool(postings_page_response, request, session, status, (notice, None, 200))


@router.get("/ops", response_class=HTMLResponse)
def operations_page(request: Request, session: SessionDep, user: Reader) -> HTMLResponse:
    """The backlog at a glance: documents by status, postings by status, throughput, oldest unposted."""
    return render(request, "ops.html", {"backlog": backlog(session)})
