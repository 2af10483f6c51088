"""Initial schema: documents, record versions, exceptions, reviews, audit events, ERP outbox.

Revision ID: 0001
Revises:
Create Date: 2025-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def _id() -> sa.Column[str]:
    return sa.Column("id", sa.String(36), nullable=False)


def _record_version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["record_version_id"],
        ["record_versions.id"],
        name=f"fk_{table}_record_version_id_record_versions",
    )


def upgrade() -> None:
    _create_documents()
    _create_record_versions()
    _create_exceptions()
    _create_reviews()
    _create_audit_events()
    _create_erp_outbox()


def _create_documents() -> None:
    op.create_table(
        "documents",
        _id(),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("media_type", sa.String(128), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("parser", sa.String(64), nullable=False),
        sa.Column("parse_status", sa.String(16), nullable=False),
        sa.Column("ocr_pages", JSON, nullable=False),
        sa.Column("parsed", JSON, nullable=False),
        sa.Column("storage_key", sa.String(255), nullable=False),
        sa.Column("uploaded_by", sa.String(255), nullable=True),
        sa.Column("crm_opportunity_id", sa.String(255), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
    )
    op.create_index("ix_documents_sha256", "documents", ["sha256"], unique=True)
    op.create_index("ix_documents_crm_opportunity_id", "documents", ["crm_opportunity_id"])
    op.create_index("ix_documents_status", "documents", ["status"])
    op.create_index("ix_documents_created_at", "documents", ["created_at"])


def _create_record_versions() -> None:
    op.create_table(
        "record_versions",
        _id(),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("approved_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_record_versions"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_record_versions_document_id_documents"
        ),
        sa.UniqueConstraint("document_id", "version", name="uq_record_versions_document_id_version"),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'superseded')", name="ck_record_versions_status_allowed"
        ),
    )
    op.create_index("ix_record_versions_status", "record_versions", ["status"])


def _create_exceptions() -> None:
    op.create_table(
        "exceptions",
        _id(),
        sa.Column("record_version_id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("field", sa.String(255), nullable=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("risk_score", sa.Double(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner_team", sa.String(64), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exceptions"),
        _record_version_fk("exceptions"),
        sa.CheckConstraint("status IN ('open', 'resolved', 'waived')", name="ck_exceptions_status_allowed"),
    )
    op.create_index("ix_exceptions_record_version_id_rank", "exceptions", ["record_version_id", "rank"])
    op.create_index("ix_exceptions_status", "exceptions", ["status"])
    op.create_index("ix_exceptions_owner_team", "exceptions", ["owner_team"])


def _create_reviews() -> None:
    op.create_table(
        "reviews",
        _id(),
        sa.Column("record_version_id", sa.String(36), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("field", sa.String(255), nullable=True),
        sa.Column("before", JSON, nullable=True),
        sa.Column("after", JSON, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        _record_version_fk("reviews"),
        sa.CheckConstraint(
            "action IN ('approve', 'correct', 'reject', 'resolve', 'waive')", name="ck_reviews_action_allowed"
        ),
    )
    op.create_index("ix_reviews_record_version_id", "reviews", ["record_version_id"])


def _create_audit_events() -> None:
    op.create_table(
        "audit_events",
        _id(),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("before", JSON, nullable=True),
        sa.Column("after", JSON, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    op.create_index(
        "ix_audit_events_entity_type_entity_id_at", "audit_events", ["entity_type", "entity_id", "at"]
    )


def _create_erp_outbox() -> None:
    op.create_table(
        "erp_outbox",
        _id(),
        sa.Column("record_version_id", sa.String(36), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_erp_outbox"),
        _record_version_fk("erp_outbox"),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed', 'dead')", name="ck_erp_outbox_status_allowed"
        ),
    )
    op.create_index("ix_erp_outbox_idempotency_key", "erp_outbox", ["idempotency_key"], unique=True)
    op.create_index("ix_erp_outbox_record_version_id", "erp_outbox", ["record_version_id"])
    op.create_index("ix_erp_outbox_status_next_attempt_at", "erp_outbox", ["status", "next_attempt_at"])


def downgrade() -> None:
    for table in ("erp_outbox", "audit_events", "reviews", "exceptions", "record_versions", "documents"):
        op.drop_table(table)
