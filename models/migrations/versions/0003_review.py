"""Review: users, API tokens, web sessions, login attempts, approvals, corrections; the `accept` review action;
database triggers that keep audit events append-only and approved record versions frozen.

The triggers hold against any client of the database, not just this application:
- audit_events: UPDATE and DELETE are refused (TRUNCATE too on PostgreSQL);
- record_versions: once a version is approved (status approved, or approved_at set) its record, document,
  version number and approval time never change, it cannot be deleted, and its status may only move
  approved → superseded.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)
# 0001 wrote the constraint's name through the naming convention twice; 0003 gives it the ORM's name.
OLD_ACTIONS = (
    "ck_reviews_ck_reviews_action_allowed",
    "action IN ('approve', 'correct', 'reject', 'resolve', 'waive')",
)
NEW_ACTIONS = (
    "ck_reviews_action_allowed",
    "action IN ('accept', 'approve', 'correct', 'reject', 'resolve', 'waive')",
)

AUDIT_MESSAGE = "audit_events are append-only"
FROZEN_MESSAGE = "an approved record version is frozen"
# A version is frozen once approved; it stays frozen when a later approved version supersedes it.
FROZEN_OLD = "(OLD.status = 'approved' OR OLD.approved_at IS NOT NULL)"

POSTGRES_UP = [
    f"""
    CREATE FUNCTION handoff_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{AUDIT_MESSAGE}' USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION handoff_audit_append_only()
    """,
    """
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION handoff_audit_append_only()
    """,
    f"""
    CREATE FUNCTION handoff_record_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT {FROZEN_OLD} THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE'
           OR NEW.record IS DISTINCT FROM OLD.record
           OR NEW.document_id IS DISTINCT FROM OLD.document_id
           OR NEW.version IS DISTINCT FROM OLD.version
           OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
           OR NEW.status NOT IN ('approved', 'superseded')
           OR (OLD.status = 'superseded' AND NEW.status <> 'superseded') THEN
            RAISE EXCEPTION '{FROZEN_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER record_versions_frozen BEFORE UPDATE OR DELETE ON record_versions
    FOR EACH ROW EXECUTE FUNCTION handoff_record_version_frozen()
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER record_versions_frozen ON record_versions",
    "DROP FUNCTION handoff_record_version_frozen()",
    "DROP TRIGGER audit_events_no_truncate ON audit_events",
    "DROP TRIGGER audit_events_append_only ON audit_events",
    "DROP FUNCTION handoff_audit_append_only()",
]

SQLITE_UP = [
    f"""
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER record_versions_frozen_update BEFORE UPDATE ON record_versions
    WHEN {FROZEN_OLD} AND (
        NEW.record IS NOT OLD.record
        OR NEW.document_id IS NOT OLD.document_id
        OR NEW.version IS NOT OLD.version
        OR NEW.approved_at IS NOT OLD.approved_at
        OR NEW.status NOT IN ('approved', 'superseded')
        OR (OLD.status = 'superseded' AND NEW.status <> 'superseded'))
    BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER record_versions_frozen_delete BEFORE DELETE ON record_versions
    WHEN {FROZEN_OLD}
    BEGIN SELECT RAISE(ABORT, '{FROZEN_MESSAGE}'); END
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER record_versions_frozen_delete",
    "DROP TRIGGER record_versions_frozen_update",
    "DROP TRIGGER audit_events_no_delete",
    "DROP TRIGGER audit_events_no_update",
]


def upgrade() -> None:
    _create_users()
    _create_api_tokens()
    _create_web_sessions()
    _create_login_attempts()
    _create_approvals()
    _create_corrections()
    _replace_review_actions(OLD_ACTIONS, NEW_ACTIONS)
    for statement in POSTGRES_UP if _is_postgres() else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in POSTGRES_DOWN if _is_postgres() else SQLITE_DOWN:
        op.execute(statement)
    op.execute("DELETE FROM reviews WHERE action = 'accept'")
    _replace_review_actions(NEW_ACTIONS, OLD_ACTIONS)
    for table in ("corrections", "approvals", "login_attempts", "web_sessions", "api_tokens", "users"):
        op.drop_table(table)


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _replace_review_actions(old: tuple[str, str], new: tuple[str, str]) -> None:
    """Swap the CHECK constraint on reviews.action: `old` and `new` are (name, condition).

    op.f marks a name as final (not run through the naming convention again); SQLite's batch copy
    reflects the named constraint, drops it and writes the new one.
    """
    (old_name, _), (new_name, new_check) = old, new
    with op.batch_alter_table("reviews") as batch:
        batch.drop_constraint(op.f(old_name), type_="check")
        batch.create_check_constraint(op.f(new_name), new_check)


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=f"fk_{table}_user_id_users")


def _record_version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["record_version_id"], ["record_versions.id"], name=f"fk_{table}_record_version_id_record_versions"
    )


def _create_users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )
    op.create_index("ix_users_username", "users", ["username"], unique=True)


def _create_api_tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("last_used_at", TIMESTAMP, nullable=True),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        _user_fk("api_tokens"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_index("ix_api_tokens_token_sha256", "api_tokens", ["token_sha256"], unique=True)


def _create_web_sessions() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        _user_fk("web_sessions"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])


def _create_login_attempts() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(255), nullable=False),
        sa.Column("client", sa.String(255), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_username_client_at", "login_attempts", ["username", "client", "at"])


def _create_approvals() -> None:
    op.create_table(
        "approvals",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("record_version_id", sa.String(36), nullable=False),
        sa.Column("approver", sa.String(255), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approvals"),
        _record_version_fk("approvals"),
        sa.UniqueConstraint("record_version_id", "approver", name="uq_approvals_record_version_id_approver"),
    )
    op.create_index("ix_approvals_record_version_id", "approvals", ["record_version_id"])


def _create_corrections() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("document_id", sa.String(36), nullable=False),
        sa.Column("record_version_id", sa.String(36), nullable=False),
        sa.Column("field_path", sa.String(255), nullable=False),
        sa.Column("extracted", JSON, nullable=True),
        sa.Column("corrected", JSON, nullable=True),
        sa.Column("evidence", JSON, nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_corrections"),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name="fk_corrections_document_id_documents"
        ),
        _record_version_fk("corrections"),
    )
    op.create_index("ix_corrections_document_id", "corrections", ["document_id"])
    op.create_index("ix_corrections_record_version_id", "corrections", ["record_version_id"])
    op.create_index("ix_corrections_at", "corrections", ["at"])
