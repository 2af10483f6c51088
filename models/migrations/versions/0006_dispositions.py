"""Exception dispositions: how a reviewer closed each exception (confirmed with its money impact, false
alarm, fixed in CRM), the labels `handoff train-ranker --from-dispositions` learns from.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exceptions") as batch:
        batch.add_column(sa.Column("disposition", sa.String(16), nullable=True))
        batch.add_column(sa.Column("money_impact", sa.Double(), nullable=True))
    op.create_index("ix_exceptions_disposition", "exceptions", ["disposition"])


def downgrade() -> None:
    op.drop_index("ix_exceptions_disposition", table_name="exceptions")
    with op.batch_alter_table("exceptions") as batch:
        batch.drop_column("money_impact")
        batch.drop_column("disposition")
