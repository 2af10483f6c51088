"""The tables on a real SQLite file and a real PostgreSQL database: round trips, constraints, timestamps."""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from models.db import DatabaseSettings, make_engine, session_factory
from models.document import ParsedDocument, join_pages
from models.exceptions import HandoffException, Severity
from models.orm import (
    AuditEvent,
    Base,
    Document,
    ExceptionRow,
    OutboxEntry,
    RecordStatus,
    RecordVersion,
    Review,
    ReviewAction,
)
from models.record import DocumentInfo, ExtractorInfo, HandoffRecord


def parsed_document(content: str) -> ParsedDocument:
    text, pages = join_pages([content])
    return ParsedDocument(
        sha256=hashlib.sha256(content.encode()).hexdigest(),
        filename="sow.md",
        media_type="text/markdown",
        size_bytes=len(content.encode()),
        parser="text",
        pages=pages,
        text=text,
    )


def document_row(content: str = "# Statement of Work") -> Document:
    parsed = parsed_document(content)
    return Document(
        sha256=parsed.sha256,
        filename=parsed.filename,
        media_type=parsed.media_type,
        size_bytes=parsed.size_bytes,
        pages=len(parsed.pages),
        parser=parsed.parser,
        parse_status=parsed.status.value,
        ocr_pages=[],
        parsed=parsed.model_dump(mode="json"),
        storage_key=f"documents/{parsed.sha256[:2]}/{parsed.sha256}",
    )


def handoff_record(document: Document) -> HandoffRecord:
    return HandoffRecord(
        document=DocumentInfo(
            sha256=document.sha256, filename=document.filename, pages=document.pages, parser=document.parser
        ),
        extractor=ExtractorInfo(backend="offline", model="rules"),
    )


def version_row(document: Document, version: int = 1) -> RecordVersion:
    return RecordVersion(
        document=document,
        version=version,
        record=handoff_record(document).model_dump(mode="json"),
        created_by="extractor",
    )


def approved_version_row(document: Document) -> RecordVersion:
    """An approved version: the only kind an ERP outbox row may point at (migration 0004's trigger)."""
    version = version_row(document)
    version.status = "approved"
    version.approved_at = datetime.now(UTC)
    return version


def reopen(engine: Engine) -> Session:
    return session_factory(engine)()


def test_a_reviewed_record_round_trips(session: Session, engine: Engine) -> None:
    document = document_row()
    version = version_row(document)
    exception = HandoffException(
        code="UNSIGNED", field="signed", kind="rule", severity=Severity.high, message="not signed", rank=1
    )
    session.add_all(
        [
            document,
            version,
            ExceptionRow(
                record_version=version,
                code=exception.code,
                field=exception.field,
                severity=exception.severity.value,
                payload=exception.model_dump(mode="json"),
                risk_score=0.4,
                rank=1,
            ),
            Review(
                record_version=version,
                actor="ana",
                action=ReviewAction.correct,
                field="signed",
                before=False,
                after=True,
            ),
        ]
    )
    session.commit()

    with reopen(engine) as fresh:
        loaded = fresh.scalars(select(Document)).one()
        assert ParsedDocument.model_validate(loaded.parsed) == parsed_document("# Statement of Work")
        assert loaded.status == "parsed"
        [loaded_version] = loaded.versions
        assert HandoffRecord.model_validate(loaded_version.record) == handoff_record(document)
        assert loaded_version.status == RecordStatus.draft
        assert HandoffException.model_validate(loaded_version.exceptions[0].payload) == exception
        assert loaded_version.exceptions[0].status == "open"
        assert (loaded_version.reviews[0].before, loaded_version.reviews[0].after) == (False, True)


def test_timestamps_come_back_timezone_aware_in_utc(session: Session, engine: Engine) -> None:
    document = document_row()
    approved_in_paris = datetime(2026, 3, 16, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    version = version_row(document)
    version.approved_at = approved_in_paris
    session.add_all([document, version])
    session.commit()

    with reopen(engine) as fresh:
        loaded = fresh.get(RecordVersion, version.id)
        assert loaded is not None
        assert loaded.approved_at == approved_in_paris
        assert loaded.approved_at.utcoffset() == timedelta(0)
        assert loaded.created_at.tzinfo is not None
        assert abs(datetime.now(UTC) - loaded.created_at) < timedelta(hours=1)


def test_naive_timestamps_are_refused(session: Session) -> None:
    document = document_row()
    version = version_row(document)
    version.approved_at = datetime(2026, 3, 16, 9, 30)
    session.add_all([document, version])

    with pytest.raises(StatementError, match="naive datetime"):
        session.commit()


def test_the_same_bytes_cannot_be_two_documents(session: Session) -> None:
    session.add(document_row("same"))
    session.commit()
    session.add(document_row("same"))

    with pytest.raises(IntegrityError):
        session.commit()


def test_a_version_number_is_unique_per_document(session: Session) -> None:
    first, second = document_row("first"), document_row("second")
    session.add_all([first, second, version_row(first, 1), version_row(second, 1)])
    session.commit()
    session.add(version_row(first, 1))

    with pytest.raises(IntegrityError):
        session.commit()


def test_an_idempotency_key_is_posted_once(session: Session) -> None:
    version = approved_version_row(document_row())
    session.add_all(
        [
            OutboxEntry(record_version=version, idempotency_key="erp:1", payload={"total": 1}),
            OutboxEntry(record_version=version, idempotency_key="erp:1", payload={"total": 1}),
        ]
    )

    with pytest.raises(IntegrityError):
        session.commit()


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(RecordVersion(document_id="no-such-document", version=1, record={}, created_by="extractor"))

    with pytest.raises(IntegrityError):
        session.commit()


OUT_OF_VOCABULARY: dict[str, Callable[[RecordVersion], Base]] = {
    "record_status": lambda version: RecordVersion(
        document=version.document, version=2, record={}, created_by="x", status="final"
    ),
    "review_action": lambda version: Review(record_version=version, actor="ana", action="delete"),
    "outbox_status": lambda version: OutboxEntry(
        record_version=version, idempotency_key="k", payload={}, status="lost"
    ),
    "document_status": lambda version: Document(
        sha256="f" * 64,
        filename="x.md",
        media_type="text/markdown",
        size_bytes=1,
        pages=1,
        parser="text",
        parse_status="ok",
        ocr_pages=[],
        parsed={},
        storage_key="k",
        status="shredded",
    ),
}


@pytest.mark.parametrize("kind", sorted(OUT_OF_VOCABULARY))
def test_statuses_outside_their_vocabulary_are_refused(session: Session, kind: str) -> None:
    version = approved_version_row(document_row())
    session.add(version)
    session.commit()
    session.add(OUT_OF_VOCABULARY[kind](version))

    with pytest.raises(IntegrityError):
        session.commit()


def test_audit_events_keep_before_and_after(session: Session, engine: Engine) -> None:
    session.add(
        AuditEvent(
            actor="ana",
            action="record.correct",
            entity_type="record_version",
            entity_id="42",
            before={"currency": None},
            after={"currency": "USD"},
        )
    )
    session.commit()

    with reopen(engine) as fresh:
        event = fresh.scalars(select(AuditEvent)).one()
        assert (event.before, event.after) == ({"currency": None}, {"currency": "USD"})
        assert event.at.tzinfo is not None


def test_outbox_entries_start_pending_and_due(session: Session) -> None:
    entry = OutboxEntry(
        record_version=approved_version_row(document_row()), idempotency_key="erp:2", payload={}
    )
    session.add(entry)
    session.commit()

    assert (entry.status, entry.attempts, entry.sent_at) == ("pending", 0, None)
    assert entry.next_attempt_at <= datetime.now(UTC)


@pytest.mark.parametrize(
    "url", ["postgresql://user@db.example/handoff", "postgres://user@db.example/handoff"]
)
def test_postgresql_urls_use_psycopg_3(url: str) -> None:
    engine = make_engine(url)

    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_database_url_defaults_to_a_local_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOFF_DATABASE_URL", raising=False)
    assert DatabaseSettings().database_url == "sqlite:///var/handoff.db"

    monkeypatch.setenv("HANDOFF_DATABASE_URL", "postgresql://postgres@127.0.0.1/handoff")
    assert DatabaseSettings().database_url == "postgresql://postgres@127.0.0.1/handoff"
