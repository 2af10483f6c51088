"""ingest and page images against real databases (SQLite, PostgreSQL) and real storage (folder, S3)."""

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from intake.errors import DocumentNotFound, EmptyFile, NoPageImage, PageNotFound, UnsupportedFile
from intake.service import (
    IngestResult,
    document_key,
    get_document,
    ingest,
    list_documents,
    page_image,
    page_image_key,
)
from intake.settings import IntakeSettings
from intake.storage import Storage
from models.db import session_factory
from models.orm import Document

SETTINGS = IntakeSettings()
MARKDOWN = b"# Statement of Work\n\nClient: Northwind Health, Inc.\nTotal fees: USD 48,000.00\n"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

REFUSE_DOCUMENTS = {
    "sqlite": [
        "CREATE TRIGGER refuse_documents BEFORE INSERT ON documents "
        "BEGIN SELECT RAISE(ABORT, 'the database refuses new documents'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_documents() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the database refuses new documents'; END $$",
        "CREATE TRIGGER refuse_documents BEFORE INSERT ON documents "
        "FOR EACH ROW EXECUTE FUNCTION refuse_documents()",
    ],
}


def ingest_markdown(session: Session, storage: Storage, **options: Any) -> IngestResult:
    return ingest(MARKDOWN, "sow.md", session=session, storage=storage, settings=SETTINGS, **options)


def document_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Document)) or 0


def refuse_new_documents(engine: Engine) -> None:
    """Make the database itself reject inserts into documents, as a full disk or a revoked grant would."""
    with engine.begin() as connection:
        for statement in REFUSE_DOCUMENTS[engine.dialect.name]:
            connection.execute(text(statement))


def test_ingest_records_and_stores_a_new_document(
    session: Session, storage: Storage, storage_keys: Callable[[], set[str]]
) -> None:
    result = ingest_markdown(session, storage, uploaded_by="ana", crm_opportunity_id="006A")

    digest = hashlib.sha256(MARKDOWN).hexdigest()
    assert (result.created, result.sha256) == (True, digest)
    assert result.parsed.text.startswith("# Statement of Work")
    document = get_document(session, result.document_id)
    assert (document.filename, document.media_type, document.pages) == ("sow.md", "text/markdown", 1)
    assert (document.uploaded_by, document.crm_opportunity_id, document.status) == ("ana", "006A", "parsed")
    assert document.storage_key == f"documents/{digest[:2]}/{digest}"
    assert storage_keys() == {document.storage_key}
    assert storage.get(document.storage_key) == MARKDOWN


def test_the_same_bytes_are_taken_in_once(
    session: Session, storage: Storage, storage_keys: Callable[[], set[str]]
) -> None:
    first = ingest_markdown(session, storage)

    again = ingest(MARKDOWN, "renamed.md", session=session, storage=storage, settings=SETTINGS)

    assert (again.created, again.document_id) == (False, first.document_id)
    assert again.parsed == first.parsed
    assert document_count(session) == 1
    assert storage_keys() == {document_key(first.sha256)}


def test_a_duplicate_upload_writes_nothing_to_storage(
    session: Session, storage: Storage, storage_keys: Callable[[], set[str]]
) -> None:
    first = ingest_markdown(session, storage)
    storage.delete(document_key(first.sha256))

    ingest_markdown(session, storage)

    assert storage_keys() == set()


@pytest.mark.parametrize(
    ("data", "error"), [(b"", EmptyFile), (b"\x00\x01\x02 binary", UnsupportedFile)], ids=["empty", "binary"]
)
def test_a_refused_file_leaves_no_row_and_no_blob(
    session: Session,
    storage: Storage,
    storage_keys: Callable[[], set[str]],
    data: bytes,
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        ingest(data, "upload.bin", session=session, storage=storage, settings=SETTINGS)

    assert document_count(session) == 0
    assert storage_keys() == set()


def test_a_failed_insert_removes_the_blob_it_wrote(
    session: Session, engine: Engine, storage: Storage, storage_keys: Callable[[], set[str]]
) -> None:
    refuse_new_documents(engine)

    with pytest.raises(DBAPIError, match="refuses new documents"):
        ingest_markdown(session, storage)

    assert document_count(session) == 0
    assert storage_keys() == set()


def test_a_failed_insert_keeps_a_blob_that_was_there_before(
    session: Session, engine: Engine, storage: Storage
) -> None:
    key = document_key(hashlib.sha256(MARKDOWN).hexdigest())
    storage.put(key, MARKDOWN)
    refuse_new_documents(engine)

    with pytest.raises(DBAPIError, match="refuses new documents"):
        ingest_markdown(session, storage)

    assert storage.get(key) == MARKDOWN


def test_a_concurrent_upload_of_the_same_bytes_returns_the_row_that_won(
    session: Session, engine: Engine, storage: Storage, storage_keys: Callable[[], set[str]]
) -> None:
    winner: list[IngestResult] = []

    @event.listens_for(session, "before_flush", once=True)
    def another_worker_commits_first(*_: object) -> None:
        with session_factory(engine)() as other_session:
            winner.append(ingest_markdown(other_session, storage))

    result = ingest_markdown(session, storage)

    assert winner[0].created
    assert (result.created, result.document_id) == (False, winner[0].document_id)
    assert document_count(session) == 1
    assert storage_keys() == {document_key(result.sha256)}


def test_an_unknown_document_id_is_a_typed_error(session: Session) -> None:
    with pytest.raises(DocumentNotFound) as raised:
        get_document(session, "00000000-0000-0000-0000-000000000000")

    assert (raised.value.code, raised.value.http_status) == ("document_not_found", 404)


def test_documents_are_listed_newest_first(session: Session, storage: Storage) -> None:
    uploads = [f"# Document {number}\n".encode() for number in range(3)]
    ids = [
        ingest(data, "doc.md", session=session, storage=storage, settings=SETTINGS).document_id
        for data in uploads
    ]

    assert [document.id for document in list_documents(session, limit=10, offset=0)] == ids[::-1]
    assert [document.id for document in list_documents(session, limit=1, offset=1)] == [ids[1]]


def test_a_pdf_round_trips_with_its_pages(session: Session, storage: Storage, two_page_pdf: bytes) -> None:
    result = ingest(two_page_pdf, "sow.pdf", session=session, storage=storage, settings=SETTINGS)

    document = get_document(session, result.document_id)
    assert (document.media_type, document.pages) == ("application/pdf", 2)
    assert "page 2" in result.parsed.pages[1].text
    assert storage.get(document.storage_key) == two_page_pdf


def test_a_page_image_is_rendered_once_then_served_from_storage(
    session: Session, storage: Storage, two_page_pdf: bytes
) -> None:
    result = ingest(two_page_pdf, "sow.pdf", session=session, storage=storage, settings=SETTINGS)

    rendered = page_image(session, storage, result.document_id, page=2, dpi=60)

    assert rendered.startswith(PNG_SIGNATURE)
    cached_key = page_image_key(result.sha256, 60, 2)
    assert storage.get(cached_key) == rendered
    # Without the original the page could not be rendered again: the second answer comes from the cache.
    storage.delete(document_key(result.sha256))
    assert page_image(session, storage, result.document_id, page=2, dpi=60) == rendered


def test_pages_at_different_resolutions_are_cached_apart(
    session: Session, storage: Storage, two_page_pdf: bytes, storage_keys: Callable[[], set[str]]
) -> None:
    result = ingest(two_page_pdf, "sow.pdf", session=session, storage=storage, settings=SETTINGS)

    small = page_image(session, storage, result.document_id, page=1, dpi=50)
    large = page_image(session, storage, result.document_id, page=1, dpi=100)

    assert len(large) > len(small)
    assert storage_keys() >= {page_image_key(result.sha256, 50, 1), page_image_key(result.sha256, 100, 1)}


def test_a_document_that_is_not_a_pdf_has_no_page_images(session: Session, storage: Storage) -> None:
    result = ingest_markdown(session, storage)

    with pytest.raises(NoPageImage) as raised:
        page_image(session, storage, result.document_id, page=1, dpi=60)

    assert (raised.value.code, raised.value.http_status) == ("no_page_image", 404)


@pytest.mark.parametrize("page", [0, 3])
def test_a_page_outside_the_document_is_a_typed_error(
    session: Session, storage: Storage, two_page_pdf: bytes, page: int
) -> None:
    result = ingest(two_page_pdf, "sow.pdf", session=session, storage=storage, settings=SETTINGS)

    with pytest.raises(PageNotFound):
        page_image(session, storage, result.document_id, page=page, dpi=60)
