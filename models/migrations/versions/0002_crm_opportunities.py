"""CRM opportunities registered by the closed-won webhook, ahead of their documents.

Revision ID: 0002
Revises: 0001
Create Date: 2025-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "crm_opportunities",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("opportunity_id", sa.String(255), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_crm_opportunities"),
    )
    op.create_index(
        "ix_crm_opportunities_opportunity_id", "crm_opportunities", ["opportunity_id"], unique=True
    )


def downgrade() -> None:
    op.drop_table("crm_opportunities")
