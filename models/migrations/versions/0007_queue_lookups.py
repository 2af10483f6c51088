"""Lookup columns for a long queue. Exception due times as a column: the review queue filters and sorts by
SLA state in the database instead of reading every open exception's payload per request; existing rows get
the due time their payload states, or raised time + sla_hours (what triage.routing.with_due_dates gives), or
none. A record version's document type and contract key (its contract number's words, as
models.record.contract_number_words gives them): a change order finds its base record by an index instead
of reading every stored record, on every check and every review page of a change order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exceptions") as batch:
        batch.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_exceptions_due_at", "exceptions", ["due_at"])
    op.create_index("ix_exceptions_record_version_id_status", "exceptions", ["record_version_id", "status"])
    exceptions = sa.table(
        "exceptions",
        sa.column("id", sa.String),
        sa.column("payload", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("due_at", sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(exceptions.c.id, exceptions.c.payload, exceptions.c.created_at)).all()
    for row_id, payload, created_at in rows:
        due = _due(payload or {}, created_at)
        if due is not None:
            connection.execute(sa.update(exceptions).where(exceptions.c.id == row_id).values(due_at=due))
    with op.batch_alter_table("record_versions") as batch:
        batch.add_column(sa.Column("document_type", sa.String(32), nullable=True))
        batch.add_column(sa.Column("contract_key", sa.String(255), nullable=True))
    op.create_index("ix_record_versions_contract_key", "record_versions", ["contract_key"])
    versions = sa.table(
        "record_versions",
        sa.column("id", sa.String),
        sa.column("record", sa.JSON),
        sa.column("document_type", sa.String),
        sa.column("contract_key", sa.String),
    )
    for row_id, record in connection.execute(sa.select(versions.c.id, versions.c.record)).all():
        fields = (record or {}).get("fields", {})
        document_type = (fields.get("document_type") or {}).get("value")
        number = (fields.get("contract_number") or {}).get("value")
        key = " ".join(re.findall(r"[0-9a-z]+", str(number).casefold()))[:255] if number else ""
        values = {"document_type": str(document_type) if document_type else None, "contract_key": key or None}
        connection.execute(sa.update(versions).where(versions.c.id == row_id).values(**values))


def _due(payload: dict[str, object], created_at: datetime | str | None) -> datetime | None:
    stated = payload.get("due_at")
    if isinstance(stated, str):
        return _aware(datetime.fromisoformat(stated))
    hours = payload.get("sla_hours")
    if not isinstance(hours, int) or created_at is None:
        return None
    raised = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
    return _aware(raised) + timedelta(hours=hours)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def downgrade() -> None:
    op.drop_index("ix_record_versions_contract_key", table_name="record_versions")
    # Plain DROP COLUMN (SQLite 3.35+ too): a batch copy of record_versions would break the triggers of the
    # tables that reference it.
    op.execute("ALTER TABLE record_versions DROP COLUMN contract_key")
    op.execute("ALTER TABLE record_versions DROP COLUMN document_type")
    op.drop_index("ix_exceptions_record_version_id_status", table_name="exceptions")
    op.drop_index("ix_exceptions_due_at", table_name="exceptions")
    with op.batch_alter_table("exceptions") as batch:
        batch.drop_column("due_at")
