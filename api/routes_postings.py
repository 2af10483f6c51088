"""REST routes of the pipeline and ERP posting: retry a failed document, list, request and replay postings.

POST /api/postings refuses (409 not_approved) any record version that is not approved; the database refuses
an outbox row for one as well (migration 0004).
"""

from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Query, status
from fastapi.concurrency import run_in_threadpool

from api.deps import SessionDep
from api.pipeline import queue_posting, retry
from erp.postings import PostingView, get_posting, list_postings, replay, request_posting
from models.orm import OutboxStatus

router = APIRouter(tags=["postings"])
API_ACTOR: Final = "api"
PROBLEM = {"model": dict[str, Any], "content": {"application/problem+json": {}}}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {**PROBLEM, "description": "no such document or posting"},
    409: {**PROBLEM, "description": "not approved, not failed, or not dead-lettered"},
}


@router.post("/api/documents/{document_id}/retry", responses=PROBLEMS)
def retry_document(document_id: str, session: SessionDep) -> dict[str, str]:
    """Run a failed document again from the stage that failed (a failed posting is replayed)."""
    return {"document_id": document_id, "stage": retry(session, API_ACTOR, document_id)}


@router.get("/api/postings")
def list_postings_route(
    session: SessionDep,
    posting_status: Annotated[OutboxStatus | None, Query(alias="status")] = None,
    document_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[PostingView]:
    return list_postings(session, posting_status, document_id=document_id)


@router.get("/api/postings/{entry_id}", responses=PROBLEMS)
def read_posting(entry_id: str, session: SessionDep) -> PostingView:
    return get_posting(session, entry_id)


@router.post("/api/postings", status_code=status.HTTP_202_ACCEPTED, responses=PROBLEMS)
async def request_posting_route(
    session: SessionDep, record_version_id: Annotated[str, Body(embed=True, max_length=64)]
) -> PostingView:
    """Post an approved record version to the ERP (the existing posting if it has one)."""
    view = await run_in_threadpool(request_posting, session, API_ACTOR, record_version_id)
    await run_in_threadpool(queue_posting, view.id)
    return view


@router.post("/api/postings/{entry_id}/replay", status_code=status.HTTP_202_ACCEPTED, responses=PROBLEMS)
async def replay_posting(entry_id: str, session: SessionDep) -> PostingView:
    """Queue a dead-lettered posting again, with the same idempotency key."""
    view = await run_in_threadpool(replay, session, API_ACTOR, entry_id)
    await run_in_threadpool(queue_posting, entry_id)
    return view
