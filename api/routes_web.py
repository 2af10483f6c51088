"""Server-rendered pages: the document list with an upload form, and a document view with its page images.

The full review queue (login, roles, evidence highlighting) builds on these templates.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.deps import IntakeSettingsDep, SessionDep, StorageDep
from api.pipeline import submit_new
from api.routes_documents import read_limited
from intake.service import get_document, ingest, list_documents
from models.document import ParsedDocument
from models.errors import HandoffError

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@router.get("/", response_class=HTMLResponse)
def index(request: Request, session: SessionDep, error: str | None = None) -> HTMLResponse:
    documents = list_documents(session, limit=200, offset=0)
    return templates.TemplateResponse(request, "index.html", {"documents": documents, "error": error})


@router.post("/upload", response_model=None)
async def upload(
    request: Request,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    file: Annotated[UploadFile, File()],
) -> RedirectResponse | HTMLResponse:
    try:
        data = await read_limited(file, settings)
        result = await run_in_threadpool(
            ingest, data, file.filename or "upload", session=session, storage=storage, settings=settings
        )
    except HandoffError as error:
        documents = list_documents(session, limit=200, offset=0)
        context = {"documents": documents, "error": f"{file.filename}: {error.detail} ({error.code})"}
        return templates.TemplateResponse(request, "index.html", context, status_code=error.http_status)
    await run_in_threadpool(submit_new, session, result.document_id, result.created)
    return RedirectResponse(f"/documents/{result.document_id}", status_code=303)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: str, session: SessionDep) -> HTMLResponse:
    row = get_document(session, document_id)
    parsed = ParsedDocument.model_validate(row.parsed)
    return templates.TemplateResponse(request, "document.html", {"doc": row, "parsed": parsed})
