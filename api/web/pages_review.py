"""The document review page: the page images with the evidence boxed, the fields beside them."""

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.deps import IntakeSettingsDep, SessionDep, StorageDep
from api.web.errors import WebRoute
from api.web.review_data import document_audit, review_view
from api.web.templating import render
from intake.service import get_document
from triage.policy import load_policy

router = APIRouter(include_in_schema=False, route_class=WebRoute)


@lru_cache(maxsize=1)
def low_confidence_threshold() -> float:
    """Below this confidence a field is marked for the reviewer: the triage policy's LOW_CONFIDENCE rule."""
    return load_policy().low_confidence.threshold


@router.get("/documents/{document_id}", response_class=HTMLResponse)
async def review_page(
    request: Request, document_id: str, session: SessionDep, storage: StorageDep, settings: IntakeSettingsDep
) -> HTMLResponse:
    document = get_document(session, document_id)
    view = await run_in_threadpool(
        review_view, session, storage, document, settings, low_confidence_threshold()
    )
    context = {
        "view": view,
        "doc": document,
        "audit": document_audit(session, document, []),
        "threshold": low_confidence_threshold(),
    }
    return render(request, "review.html", context)
