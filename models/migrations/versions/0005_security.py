"""Security hardening: API tokens expire, sign-in attempts remember the browser (device) they came from and
are indexed for throttling by address and by time.

Tokens made before this migration get an expiry 90 days after it runs (not after their creation: a script
using a years-old token gets notice instead of breaking the day the upgrade lands).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)
EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", TIMESTAMP, nullable=True))
    tokens = sa.table("api_tokens", sa.column("expires_at", TIMESTAMP))
    expiry = datetime.now(UTC) + timedelta(days=EXISTING_TOKEN_DAYS)
    op.execute(tokens.update().values(expires_at=expiry))
    with op.batch_alter_table("api_tokens") as batch:
        batch.alter_column("expires_at", existing_type=TIMESTAMP, nullable=False)
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("device", sa.String(64), nullable=True))
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_client_at", "login_attempts", ["client", "at"])
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])
    op.create_index("ix_login_attempts_device", "login_attempts", ["device"])


def downgrade() -> None:
    for name in ("device", "at", "client_at", "username_at"):
        op.drop_index(f"ix_login_attempts_{name}", table_name="login_attempts")
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("device")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
