"""SQLAlchemy tables: documents, record versions, exceptions, reviews, the audit log, the ERP outbox, and the
review tables (users, API tokens, web sessions, login attempts, approvals, corrections).

Portable between SQLite and PostgreSQL. Primary keys are UUID strings made by the application, so an id is
known before its row is written (outbox idempotency keys, audit entries). JSON columns are JSONB on
PostgreSQL. Timestamps are stored in UTC and always read back timezone-aware, SQLite included.
Every change to these tables needs an Alembic migration in models/migrations/versions.
"""

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from models.record import contract_number_words

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonValue = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime; SQLite drops the offset, so it is put back on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: timestamps must carry a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


class RecordStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    superseded = "superseded"


class ExceptionStatus(StrEnum):
    open = "open"
    resolved = "resolved"
    waived = "waived"


class ReviewAction(StrEnum):
    accept = "accept"
    approve = "approve"
    correct = "correct"
    reject = "reject"
    resolve = "resolve"
    waive = "waive"


class OutboxStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    dead = "dead"


class DocumentStatus(StrEnum):
    """Where a document is in the pipeline; `parsed` marks rows stored before the pipeline existed."""

    parsed = "parsed"
    queued = "queued"
    parsing = "parsing"
    extracting = "extracting"
    checking = "checking"
    ready_for_review = "ready_for_review"
    approved = "approved"
    posting = "posting"
    posted = "posted"
    failed = "failed"


DOCUMENT_PARSED = DocumentStatus.parsed.value


def one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (one_of("status", DocumentStatus),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    filename: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)
    parser: Mapped[str] = mapped_column(String(64))
    parse_status: Mapped[str] = mapped_column(String(16))
    ocr_pages: Mapped[list[int]] = mapped_column(JsonValue)
    parsed: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    storage_key: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[str | None] = mapped_column(String(255))
    crm_opportunity_id: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[str] = mapped_column(String(32), default=DOCUMENT_PARSED, index=True)
    failed_stage: Mapped[str | None] = mapped_column(String(32))
    stage_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)

    versions: Mapped[list["RecordVersion"]] = relationship(
        back_populates="document", order_by="RecordVersion.version"
    )


class RecordVersion(Base):
    __tablename__ = "record_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"), one_of("status", RecordStatus))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    version: Mapped[int] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    status: Mapped[str] = mapped_column(String(16), default=RecordStatus.draft.value, index=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Read out of `record` whenever it is written (record_lookups): a change order finds its base by them
    # with an index instead of reading every stored record.
    document_type: Mapped[str | None] = mapped_column(String(32))
    contract_key: Mapped[str | None] = mapped_column(String(255), index=True)

    document: Mapped[Document] = relationship(back_populates="versions")
    exceptions: Mapped[list["ExceptionRow"]] = relationship(
        back_populates="record_version", order_by="ExceptionRow.rank"
    )
    reviews: Mapped[list["Review"]] = relationship(
        back_populates="record_version", order_by="Review.created_at"
    )


@event.listens_for(RecordVersion, "before_insert")
@event.listens_for(RecordVersion, "before_update")
def record_lookups(_mapper: Any, _connection: Any, version: RecordVersion) -> None:
    """document_type and contract_key (the contract number's words) of the version's record."""
    fields = (version.record or {}).get("fields", {})
    document_type = (fields.get("document_type") or {}).get("value")
    number = (fields.get("contract_number") or {}).get("value")
    version.document_type = str(document_type) if document_type is not None else None
    key = " ".join(contract_number_words(str(number)))[:255] if number else ""
    version.contract_key = key or None


class ExceptionRow(Base):
    """One ranked exception of a record version (the row form of models.exceptions.HandoffException)."""

    __tablename__ = "exceptions"
    __table_args__ = (
        one_of("status", ExceptionStatus),
        Index(None, "record_version_id", "rank"),
        Index(None, "record_version_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_version_id: Mapped[str] = mapped_column(ForeignKey("record_versions.id"))
    code: Mapped[str] = mapped_column(String(64))
    field: Mapped[str | None] = mapped_column(String(255))
    severity: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    risk_score: Mapped[float | None] = mapped_column(Double)
    rank: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ExceptionStatus.open.value, index=True)
    owner_team: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # The payload's due_at (raised + the policy's sla_hours) as a column: the queue's SLA filter and sort.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # How the reviewer closed it (models.exceptions.Disposition) and, when confirmed, the money it was about:
    # the labels the ranker learns from (handoff train-ranker --from-dispositions).
    disposition: Mapped[str | None] = mapped_column(String(16), index=True)
    money_impact: Mapped[float | None] = mapped_column(Double)

    record_version: Mapped[RecordVersion] = relationship(back_populates="exceptions")


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (one_of("action", ReviewAction),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_version_id: Mapped[str] = mapped_column(ForeignKey("record_versions.id"), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(16))
    field: Mapped[str | None] = mapped_column(String(255))
    before: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    after: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    record_version: Mapped[RecordVersion] = relationship(back_populates="reviews")


class AuditEvent(Base):
    """Who changed what, when; rows are only ever inserted."""

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "entity_type", "entity_id", "at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    after: Mapped[Any] = mapped_column(JsonValue, nullable=True)


class OutboxEntry(Base):
    __tablename__ = "erp_outbox"
    __table_args__ = (
        one_of("status", OutboxStatus),
        Index(None, "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_version_id: Mapped[str] = mapped_column(ForeignKey("record_versions.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erp_reference: Mapped[str | None] = mapped_column(String(255))
    erp_response: Mapped[dict[str, Any] | None] = mapped_column(JsonValue, nullable=True)

    record_version: Mapped[RecordVersion] = relationship()


class CrmOpportunityRow(Base):
    """An opportunity the closed-won webhook registered ahead of its document (a CrmOpportunity as JSON).

    `sent_at` is the sender's signed timestamp: a delivery older than the stored one does not overwrite it.
    """

    __tablename__ = "crm_opportunities"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    opportunity_id: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    source: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


# --- review: people, credentials, approvals and labelled corrections (migration 0003) ----------------------


class Role(StrEnum):
    deal_desk = "deal_desk"
    reviewer = "reviewer"
    approver = "approver"
    pmo = "pmo"
    admin = "admin"


class User(Base):
    """A person who signs in: `password_hash` is an argon2id hash, `roles` a list of Role values."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    roles: Mapped[list[str]] = mapped_column(JsonValue)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class ApiToken(Base):
    """A bearer token for the REST API. Only the token's SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship()


class WebSession(Base):
    """A browser session. `id` is the SHA-256 of the cookie's random secret, so a database read cannot
    impersonate anyone; `csrf_token` is the session's anti-forgery token (sent back in forms and headers)."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One sign-in attempt, kept for throttling by username, client address, browser (device) and time."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index(None, "username", "client", "at"),
        Index(None, "username", "at"),
        Index(None, "client", "at"),
        Index(None, "at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(255))
    client: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    success: Mapped[bool] = mapped_column(Boolean)
    # SHA-256 of the browser's device cookie (review.throttle): a browser that signed in before is known
    device: Mapped[str | None] = mapped_column(String(64), index=True)


class Approval(Base):
    """One approver's approval of one record version; a person approves a version at most once."""

    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("record_version_id", "approver"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    record_version_id: Mapped[str] = mapped_column(ForeignKey("record_versions.id"), index=True)
    approver: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Correction(Base):
    """A labelled example: a reviewer changed `field_path` from the extracted value to the corrected one.

    `extracted` is the value the extractor produced (carried over when one field is corrected twice),
    `corrected` the reviewer's value (null: not in the document), `evidence` the quotes kept or supplied.
    """

    __tablename__ = "corrections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    record_version_id: Mapped[str] = mapped_column(ForeignKey("record_versions.id"), index=True)
    field_path: Mapped[str] = mapped_column(String(255))
    extracted: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    corrected: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JsonValue)
    actor: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)


# --- pipeline: one row per run of a stage of a document (migration 0004) ----------------------------------


class StageRunStatus(StrEnum):
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class StageRun(Base):
    """A run of one pipeline stage of one document: its result (the extracted record) or its error."""

    __tablename__ = "pipeline_runs"
    __table_args__ = (one_of("status", StageRunStatus), Index(None, "document_id", "stage", "started_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"))
    stage: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=StageRunStatus.running.value)
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonValue, nullable=True)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
