"""REST route of evidence geometry: where a character range of a document's text sits on a page image."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from api.deps import IntakeSettingsDep, SessionDep, StorageDep
from api.routes_documents import INTAKE_PROBLEMS, READ
from intake.boxes import Box
from intake.geometry import document_boxes

router = APIRouter(prefix="/api/documents", tags=["documents"])


@router.get("/{document_id}/pages/{page}/boxes", responses=INTAKE_PROBLEMS, dependencies=READ)
async def read_boxes(
    document_id: str,
    page: int,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    char_start: Annotated[int, Query(ge=0, description="offset into the parsed text (Evidence.char_start)")],
    char_end: Annotated[int, Query(ge=1, description="end offset, exclusive")],
) -> list[Box]:
    """Line boxes of the text [char_start, char_end) on the page, as fractions of the page image (origin top
    left), so they overlay the PNG at any dpi. Computed once per page (an OCR page runs tesseract) and
    cached in storage."""
    return await run_in_threadpool(
        document_boxes, session, storage, document_id, page, (char_start, char_end), settings
    )
