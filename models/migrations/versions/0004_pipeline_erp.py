"""Pipeline and ERP posting: document statuses (CHECK), a failed stage's error, pipeline runs, outbox claims
and ERP references; a trigger that refuses an erp_outbox row whose record version is not approved.

The trigger holds against any client of the database: an outbox row (the order to post to the ERP) can only
be written, or re-pointed, while its record version's status is `approved`. The allowed document statuses
are a CHECK constraint on PostgreSQL; SQLite can only add a CHECK by rebuilding the table, which other tables
reference, so there two triggers enforce the same list.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
STATUSES = (
    "parsed",
    "queued",
    "parsing",
    "extracting",
    "checking",
    "ready_for_review",
    "approved",
    "posting",
    "posted",
    "failed",
)
STATUS_CHECK = f"status IN ({', '.join(repr(status) for status in STATUSES)})"
NOT_APPROVED = "an erp_outbox row needs an approved record version"
APPROVED_VERSION = "SELECT 1 FROM record_versions WHERE id = NEW.record_version_id AND status = 'approved'"

POSTGRES_UP = [
    f"""
    CREATE FUNCTION handoff_outbox_requires_approval() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS ({APPROVED_VERSION}) THEN
            RAISE EXCEPTION '{NOT_APPROVED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER erp_outbox_requires_approval BEFORE INSERT OR UPDATE OF record_version_id ON erp_outbox
    FOR EACH ROW EXECUTE FUNCTION handoff_outbox_requires_approval()
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS erp_outbox_requires_approval ON erp_outbox",
    "DROP FUNCTION IF EXISTS handoff_outbox_requires_approval()",
]
SQLITE_STATUS = "BEGIN SELECT RAISE(ABORT, 'document status not allowed'); END"
SQLITE_UP = [
    f"""
    CREATE TRIGGER documents_status_allowed_insert BEFORE INSERT ON documents
    FOR EACH ROW WHEN NOT (NEW.{STATUS_CHECK}) {SQLITE_STATUS}
    """,
    f"""
    CREATE TRIGGER documents_status_allowed_update BEFORE UPDATE OF status ON documents
    FOR EACH ROW WHEN NOT (NEW.{STATUS_CHECK}) {SQLITE_STATUS}
    """,
    f"""
    CREATE TRIGGER erp_outbox_requires_approval_insert BEFORE INSERT ON erp_outbox
    FOR EACH ROW WHEN NOT EXISTS ({APPROVED_VERSION})
    BEGIN SELECT RAISE(ABORT, '{NOT_APPROVED}'); END
    """,
    f"""
    CREATE TRIGGER erp_outbox_requires_approval_update BEFORE UPDATE OF record_version_id ON erp_outbox
    FOR EACH ROW WHEN NOT EXISTS ({APPROVED_VERSION})
    BEGIN SELECT RAISE(ABORT, '{NOT_APPROVED}'); END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS documents_status_allowed_insert",
    "DROP TRIGGER IF EXISTS documents_status_allowed_update",
    "DROP TRIGGER IF EXISTS erp_outbox_requires_approval_insert",
    "DROP TRIGGER IF EXISTS erp_outbox_requires_approval_update",
]


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.add_column("documents", sa.Column("failed_stage", sa.String(32), nullable=True))
    op.add_column("documents", sa.Column("stage_error", sa.Text(), nullable=True))
    if _is_postgres():
        op.create_check_constraint(op.f("ck_documents_status_allowed"), "documents", STATUS_CHECK)
    op.add_column("erp_outbox", sa.Column("claimed_until", TIMESTAMP, nullable=True))
    op.add_column("erp_outbox", sa.Column("erp_reference", sa.String(255), nullable=True))
    op.add_column("erp_outbox", sa.Column("erp_response", JSON, nullable=True))
    _create_pipeline_runs()
    for statement in POSTGRES_UP if _is_postgres() else SQLITE_UP:
        op.execute(statement)


def _create_pipeline_runs() -> None:
    op.create_table(
        "pipeline_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("result", JSON, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed')", name=op.f("ck_pipeline_runs_status_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_pipeline_runs_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_runs")),
    )
    op.create_index(
        op.f("ix_pipeline_runs_document_id_stage_started_at"),
        "pipeline_runs",
        ["document_id", "stage", "started_at"],
    )


def downgrade() -> None:
    for statement in POSTGRES_DOWN if _is_postgres() else SQLITE_DOWN:
        op.execute(statement)
    op.drop_table("pipeline_runs")
    for column in ("erp_response", "erp_reference", "claimed_until"):
        op.drop_column("erp_outbox", column)
    if _is_postgres():
        op.drop_constraint(op.f("ck_documents_status_allowed"), "documents", type_="check")
    # SQLite (3.35+) drops a column in place: no rebuild of a table other tables reference.
    for column in ("stage_error", "failed_stage"):
        op.drop_column("documents", column)
