"""REST routes of the pipeline and ERP posting: retry a failed document, list, request and replay postings.

POST /api/postings refuses (409 not_approved) any record version that is not approved; the database refuses
an outbox row for one as well (migration 0004).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, status
from fastapi.concurrency import run_in_threadpool

from api.auth import Caller, allow
from api.deps import SessionDep
from erp.postings import PostingView, get_posting, list_postings, replay, request_posting
from intake.service import get_document
from models.orm import OutboxStatus
from pipeline.flow import queue_posting, retry, retry_permission
from review.roles import Permission, require

router = APIRouter(tags=["postings"])
Reader = Annotated[Caller, Depends(allow(Permission.read))]
Checker = Annotated[Caller, Depends(allow(Permission.check))]
Approver = Annotated[Caller, Depends(allow(Permission.approve))]
PROBLEM = {"model": dict[str, Any], "content": {"application/problem+json": {}}}
PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {**PROBLEM, "description": "no such document or posting"},
    409: {**PROBLEM, "description": "not approved, not failed, or not dead-lettered"},
}


@router.post("/api/documents/{document_id}/retry", responses=PROBLEMS)
def retry_document(document_id: str, session: SessionDep, caller: Checker) -> dict[str, str]:
    """Run a failed document again from the stage that failed. A failed posting is replayed, which needs the
    approve permission, as POST /api/postings/{id}/replay does."""
    require(session, caller.username, retry_permission(get_document(session, document_id)))
    return {"document_id": document_id, "stage": retry(session, caller.username, document_id)}


@router.get("/api/postings")
def list_postings_route(
    session: SessionDep,
    caller: Reader,
    posting_status: Annotated[OutboxStatus | None, Query(alias="status")] = None,
    document_id: Annotated[str | None, Query(max_length=64)] = None,
) -> list[PostingView]:
    return list_postings(session, posting_status, document_id=document_id)


@router.get("/api/postings/{entry_id}", responses=PROBLEMS)
def read_posting(entry_id: str, session: SessionDep, caller: Reader) -> PostingView:
    return get_posting(session, entry_id)


@router.post("/api/postings", status_code=status.HTTP_202_ACCEPTED, responses=PROBLEMS)
async def request_posting_route(
    session: SessionDep, caller: Approver, record_version_id: Annotated[str, Body(embed=True, max_length=64)]
) -> PostingView:
    """Post an approved record version to the ERP (the existing posting if it has one)."""
    view = await run_in_threadpool(request_posting, session, caller.username, record_version_id)
    await run_in_threadpool(queue_posting, view.id)
    return view


@router.post("/api/postings/{entry_id}/replay", status_code=status.HTTP_202_ACCEPTED, responses=PROBLEMS)
async def replay_posting(entry_id: str, session: SessionDep, caller: Approver) -> PostingView:
    """Queue a dead-lettered posting again, with the same idempotency key."""
    view = await run_in_threadpool(replay, session, caller.username, entry_id)
    await run_in_threadpool(queue_posting, entry_id)
    return view
