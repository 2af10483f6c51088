"""Exception due times as a column: the review queue filters and sorts by SLA state in the database
instead of reading every open exception's payload per request. Existing rows get the due time their
payload states, or raised time + sla_hours (what triage.routing.with_due_dates gives), or none.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

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
    op.drop_index("ix_exceptions_record_version_id_status", table_name="exceptions")
    op.drop_index("ix_exceptions_due_at", table_name="exceptions")
    with op.batch_alter_table("exceptions") as batch:
        batch.drop_column("due_at")
