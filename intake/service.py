"""Intake's I/O edge: store an upload once (content-addressed, deduplicated by SHA-256), record it in the
database, and serve its page images from a render cache in storage."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.errors import DocumentNotFound, NoPageImage, ObjectNotFound, PageNotFound, StorageError
from intake.parse import parse, sha256_of
from intake.render import render_page_png
from intake.settings import IntakeSettings
from intake.sniff import PDF
from intake.storage import Storage
from models.document import ParsedDocument
from models.orm import Document

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    document_id: str
    sha256: str
    created: bool
    parsed: ParsedDocument


def document_key(sha256: str) -> str:
    return f"documents/{sha256[:2]}/{sha256}"


def page_image_key(sha256: str, dpi: int, page: int) -> str:
    return f"pages/{sha256}/{dpi}/{page}.png"


def ingest(
    data: bytes,
    filename: str,
    *,
    session: Session,
    storage: Storage,
    settings: IntakeSettings,
    uploaded_by: str | None = None,
    crm_opportunity_id: str | None = None,
) -> IngestResult:
    """Parse, store and record an upload; the same bytes uploaded again return the first document.

    A file intake refuses raises its IntakeError before anything is written. When the database refuses
    the row, the blob written for it is removed again, so no object is left without a document.
    """
    digest = sha256_of(data)
    existing = _find_by_sha256(session, digest)
    if existing is not None:
        return _result(existing, created=False)
    parsed = parse(data, filename, settings)
    key = document_key(digest)
    blob_existed = storage.exists(key)
    if not blob_existed:
        storage.put(key, data)
    document = _document_row(parsed, key, uploaded_by, crm_opportunity_id)
    try:
        session.add(document)
        session.commit()
    except IntegrityError:
        session.rollback()
        # Another worker committed the same bytes between our lookup and our insert: its row wins and
        # the blob, identical by construction, is now its blob.
        concurrent = _find_by_sha256(session, digest)
        if concurrent is not None:
            return _result(concurrent, created=False)
        _discard_blob(storage, key, blob_existed)
        raise
    except Exception:
        session.rollback()
        _discard_blob(storage, key, blob_existed)
        raise
    return IngestResult(document_id=document.id, sha256=digest, created=True, parsed=parsed)


def _find_by_sha256(session: Session, sha256: str) -> Document | None:
    return session.scalars(select(Document).where(Document.sha256 == sha256)).one_or_none()


def _result(document: Document, *, created: bool) -> IngestResult:
    return IngestResult(
        document_id=document.id,
        sha256=document.sha256,
        created=created,
        parsed=ParsedDocument.model_validate(document.parsed),
    )


def _document_row(
    parsed: ParsedDocument, key: str, uploaded_by: str | None, crm_opportunity_id: str | None
) -> Document:
    return Document(
        sha256=parsed.sha256,
        filename=parsed.filename,
        media_type=parsed.media_type,
        size_bytes=parsed.size_bytes,
        pages=len(parsed.pages),
        parser=parsed.parser,
        parse_status=parsed.status.value,
        ocr_pages=list(parsed.ocr_pages),
        parsed=parsed.model_dump(mode="json"),
        storage_key=key,
        uploaded_by=uploaded_by,
        crm_opportunity_id=crm_opportunity_id,
    )


def _discard_blob(storage: Storage, key: str, blob_existed: bool) -> None:
    if blob_existed:
        return
    try:
        storage.delete(key)
    except StorageError:
        # The database error being raised matters more; an orphan blob is harmless and re-used on retry.
        logger.exception("could not remove blob %s after a failed insert", key)


def get_document(session: Session, document_id: str) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise DocumentNotFound(f"no document {document_id}")
    return document


def list_documents(session: Session, limit: int = 50, offset: int = 0) -> Sequence[Document]:
    """Documents, newest first."""
    statement = select(Document).order_by(Document.created_at.desc(), Document.id).limit(limit).offset(offset)
    return session.scalars(statement).all()


def page_image(session: Session, storage: Storage, document_id: str, page: int, dpi: int) -> bytes:
    """PNG of a PDF page, rendered once per (document, dpi, page) and then served from storage. Only the
    columns it needs are read: a review page asks for several images, each must not load the parsed text."""
    document = session.execute(
        select(Document.media_type, Document.pages, Document.sha256, Document.storage_key).where(
            Document.id == document_id
        )
    ).one_or_none()
    if document is None:
        raise DocumentNotFound(f"no document {document_id}")
    if document.media_type != PDF:
        raise NoPageImage(f"document {document_id} is {document.media_type}; only PDFs have page images")
    if not 1 <= page <= document.pages:
        raise PageNotFound(f"page {page} does not exist; the document has {document.pages}")
    key = page_image_key(document.sha256, dpi, page)
    try:
        return storage.get(key)
    except ObjectNotFound:
        pass
    image = render_page_png(storage.get(document.storage_key), page, dpi)
    storage.put(key, image)
    return image
