"""REST routes of intake: upload, list, read a document, its parsed text, original file and page images."""

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from api.auth import Caller, allow
from api.deps import IntakeSettingsDep, SessionDep, StorageDep
from intake.errors import TooLarge
from intake.service import get_document, ingest, list_documents, page_image
from intake.settings import IntakeSettings
from models.document import ParsedDocument, ParseWarning
from models.orm import Document
from pipeline.flow import submit_new
from review.audit import DOCUMENT, record_event
from review.roles import Permission

router = APIRouter(prefix="/api/documents", tags=["documents"])
READ = [Depends(allow(Permission.read))]
CHUNK = 1024 * 1024
MAX_FILES = 50
MAX_FIELDS = 20
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, DOCX, Markdown or text",
                        },
                        "crm_opportunity_id": {"type": "string", "maxLength": 64},
                    },
                }
            }
        },
    }
}
PROBLEM = {"model": dict[str, Any], "content": {"application/problem+json": {}}}
INTAKE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {**PROBLEM, "description": text}
    for code, text in {
        400: "empty file",
        401: "not signed in",
        403: "roles do not allow it, or the CSRF token is missing",
        404: "no such document or page",
        413: "over the size or page limit, or a decompression bomb",
        415: "not a PDF, DOCX, Markdown or text file",
        422: "corrupt, encrypted or unreadable file",
    }.items()
}


class DocumentOut(BaseModel):
    id: str
    sha256: str
    filename: str
    media_type: str
    size_bytes: int
    pages: int
    parser: str
    parse_status: str
    ocr_pages: list[int]
    warnings: list[ParseWarning]
    uploaded_by: str | None
    crm_opportunity_id: str | None
    status: str
    failed_stage: str | None
    stage_error: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: Document) -> "DocumentOut":
        # Only the warnings are read from the stored parse: validating its whole text would make listing
        # documents cost as much as reading every one of them.
        warnings = [ParseWarning.model_validate(warning) for warning in row.parsed.get("warnings", [])]
        return cls(
            id=str(row.id),
            sha256=row.sha256,
            filename=row.filename,
            media_type=row.media_type,
            size_bytes=row.size_bytes,
            pages=row.pages,
            parser=row.parser,
            parse_status=row.parse_status,
            ocr_pages=list(row.ocr_pages),
            warnings=warnings,
            uploaded_by=row.uploaded_by,
            crm_opportunity_id=row.crm_opportunity_id,
            status=row.status,
            failed_stage=row.failed_stage,
            stage_error=row.stage_error,
            created_at=row.created_at,
        )


def audit_upload(session: Session, actor: str, document_id: str, *, created: bool) -> None:
    after = {"created": created}
    record_event(session, actor, "document.upload", (DOCUMENT, document_id), after=after)
    session.commit()


async def read_limited(upload: UploadFile, settings: IntakeSettings) -> bytes:
    """Read the upload, refusing it as soon as it passes the size limit."""
    limit = settings.max_file_bytes
    if upload.size is not None and upload.size > limit:
        raise TooLarge(
            f"the file is {upload.size / 1024 / 1024:.1f} MB; the limit is {settings.max_file_mb:g} MB"
        )
    chunks: list[bytes] = []
    total = 0
    while chunk := await upload.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise TooLarge(f"the file is over the {settings.max_file_mb:g} MB limit")
        chunks.append(chunk)
    return b"".join(chunks)


async def upload_form(request: Request, file_field: str) -> tuple[list[UploadFile], dict[str, str]]:
    """The uploaded files and text fields of a multipart form. Routes call it after their caller is known
    (a parameter declared with File() would make FastAPI read and spool the body before authentication)."""
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
    except HTTPException:
        raise
    except Exception as error:  # python-multipart's parse errors: a malformed body is the client's fault
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("body",),
                    "msg": f"not a multipart form: {error}",
                    "input": None,
                }
            ]
        ) from error
    files = [item for item in form.getlist(file_field) if isinstance(item, UploadFile)]
    if not files:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body", file_field), "msg": "Field required", "input": None}]
        )
    fields = {key: value for key, value in form.items() if isinstance(value, str)}
    return files, fields


@router.post("", status_code=status.HTTP_201_CREATED, responses=INTAKE_PROBLEMS, openapi_extra=UPLOAD_BODY)
async def upload_document(
    request: Request,
    response: Response,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    caller: Annotated[Caller, Depends(allow(Permission.upload))],
) -> DocumentOut:
    """Upload a document (multipart field `file`, optional `crm_opportunity_id`). The same bytes uploaded
    again return the existing document (200)."""
    files, fields = await upload_form(request, "file")
    crm_opportunity_id = fields.get("crm_opportunity_id", "").strip() or None
    if crm_opportunity_id is not None and len(crm_opportunity_id) > 64:
        raise RequestValidationError(
            [
                {
                    "type": "string_too_long",
                    "loc": ("body", "crm_opportunity_id"),
                    "msg": "at most 64 characters",
                    "input": None,
                }
            ]
        )
    file = files[0]
    data = await read_limited(file, settings)
    result = await run_in_threadpool(
        ingest,
        data,
        file.filename or "upload",
        session=session,
        storage=storage,
        settings=settings,
        uploaded_by=caller.username,
        crm_opportunity_id=crm_opportunity_id,
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    await run_in_threadpool(
        audit_upload, session, caller.username, result.document_id, created=result.created
    )
    await run_in_threadpool(submit_new, session, result.document_id, result.created)
    return DocumentOut.of(await run_in_threadpool(get_document, session, result.document_id))


@router.get("", dependencies=READ)
def list_documents_route(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[DocumentOut]:
    return [DocumentOut.of(row) for row in list_documents(session, limit=limit, offset=offset)]


@router.get("/{document_id}", responses=INTAKE_PROBLEMS, dependencies=READ)
def read_document(document_id: str, session: SessionDep) -> DocumentOut:
    return DocumentOut.of(get_document(session, document_id))


@router.get("/{document_id}/parsed", responses=INTAKE_PROBLEMS, dependencies=READ)
def read_parsed(document_id: str, session: SessionDep) -> ParsedDocument:
    """The parsed text with page offsets: evidence offsets of the handoff record index `text`."""
    return ParsedDocument.model_validate(get_document(session, document_id).parsed)


@router.get(
    "/{document_id}/file",
    responses=INTAKE_PROBLEMS | {200: {"content": {"application/octet-stream": {}}}},
    response_class=Response,
    dependencies=READ,
)
def read_original(document_id: str, session: SessionDep, storage: StorageDep) -> Response:
    row = get_document(session, document_id)
    disposition = f"inline; filename*=UTF-8''{quote(row.filename, safe='')}"
    return Response(
        storage.get(row.storage_key), media_type=row.media_type, headers={"Content-Disposition": disposition}
    )


@router.get(
    "/{document_id}/pages/{page}.png",
    responses=INTAKE_PROBLEMS | {200: {"content": {"image/png": {}}}},
    response_class=Response,
    dependencies=READ,
)
def read_page_image(
    document_id: str,
    page: int,
    session: SessionDep,
    storage: StorageDep,
    settings: IntakeSettingsDep,
    dpi: Annotated[int | None, Query(ge=50, le=300)] = None,
) -> Response:
    """The page rendered as PNG (cached in storage), for the review screen."""
    png = page_image(session, storage, document_id, page, dpi or settings.page_image_dpi)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})
