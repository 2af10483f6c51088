"""The review tables and triggers of migration 0003 on a real SQLite file and a real PostgreSQL database:
audit rows cannot be changed or removed, approved record versions are frozen, uniqueness holds."""

from datetime import timedelta

import pytest
from sqlalchemy import Engine, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from models.db import make_engine, upgrade_database
from models.orm import (
    Approval,
    AuditEvent,
    RecordStatus,
    RecordVersion,
    Review,
    ReviewAction,
    User,
    utc_now,
)
from models.record import contract_number_words
from tests.models.test_orm import document_row, handoff_record


def stored_version(session: Session, status: RecordStatus = RecordStatus.draft) -> RecordVersion:
    document = document_row()
    session.add(document)
    session.flush()
    version = RecordVersion(
        document_id=document.id,
        version=1,
        record=handoff_record(document).model_dump(mode="json"),
        status=status.value,
        created_by="extractor",
        approved_at=utc_now() if status is RecordStatus.approved else None,
    )
    session.add(version)
    session.commit()
    return version


def audit_event(session: Session) -> AuditEvent:
    event = AuditEvent(actor="alice", action="approve", entity_type="record_version", entity_id="x")
    session.add(event)
    session.commit()
    return event


def refused(engine: Engine, statement: str, **params: object) -> str:
    with pytest.raises(DBAPIError) as caught, engine.begin() as connection:
        connection.execute(text(statement), params)
    return str(caught.value.orig)


def test_audit_events_cannot_be_updated(engine: Engine, session: Session) -> None:
    event = audit_event(session)

    message = refused(engine, "UPDATE audit_events SET actor = 'mallory' WHERE id = :id", id=event.id)

    assert "append-only" in message
    with engine.connect() as connection:
        actor = connection.execute(text("SELECT actor FROM audit_events WHERE id = :id"), {"id": event.id})
        assert actor.scalar_one() == "alice"


def test_audit_events_cannot_be_deleted(engine: Engine, session: Session) -> None:
    audit_event(session)

    message = refused(engine, "DELETE FROM audit_events")

    assert "append-only" in message
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_events")).scalar_one() == 1


def test_audit_events_cannot_be_changed_through_the_orm(session: Session) -> None:
    event = audit_event(session)
    event.after = {"forged": True}

    with pytest.raises(DBAPIError):
        session.commit()
    session.rollback()


@pytest.mark.postgres
def test_postgres_refuses_truncating_the_audit_log(postgres_url: str) -> None:
    upgrade_database(postgres_url)
    engine = make_engine(postgres_url)
    try:
        message = refused(engine, "TRUNCATE audit_events")
    finally:
        engine.dispose()
    assert "append-only" in message


def test_approved_record_cannot_be_rewritten(engine: Engine, session: Session) -> None:
    version = stored_version(session, RecordStatus.approved)
    edited = dict(version.record, warnings=["edited after approval"])

    with pytest.raises(IntegrityError, match="frozen"):
        session.execute(update(RecordVersion).where(RecordVersion.id == version.id).values(record=edited))
    session.rollback()

    with pytest.raises(DBAPIError, match="frozen"), engine.begin() as connection:
        connection.execute(
            text("UPDATE record_versions SET approved_at = :at WHERE id = :id"),
            {"at": utc_now() + timedelta(days=1), "id": version.id},
        )


def test_approved_record_cannot_go_back_to_draft(session: Session) -> None:
    version = stored_version(session, RecordStatus.approved)

    with pytest.raises(IntegrityError, match="frozen"):
        session.execute(
            update(RecordVersion)
            .where(RecordVersion.id == version.id)
            .values(status=RecordStatus.draft.value)
        )
    session.rollback()


def test_approved_record_may_only_be_superseded_and_stays_so(session: Session) -> None:
    version = stored_version(session, RecordStatus.approved)

    session.execute(
        update(RecordVersion)
        .where(RecordVersion.id == version.id)
        .values(status=RecordStatus.superseded.value)
    )
    session.commit()
    session.refresh(version)
    assert version.status == RecordStatus.superseded.value

    with pytest.raises(IntegrityError, match="frozen"):
        session.execute(
            update(RecordVersion)
            .where(RecordVersion.id == version.id)
            .values(status=RecordStatus.approved.value)
        )
    session.rollback()


def test_approved_record_cannot_be_deleted(engine: Engine, session: Session) -> None:
    version = stored_version(session, RecordStatus.approved)

    message = refused(engine, "DELETE FROM record_versions WHERE id = :id", id=version.id)

    assert "frozen" in message


def test_draft_record_stays_editable_and_can_be_approved(session: Session) -> None:
    version = stored_version(session)
    edited = dict(version.record, warnings=["corrected by a reviewer"])

    session.execute(update(RecordVersion).where(RecordVersion.id == version.id).values(record=edited))
    session.execute(
        update(RecordVersion)
        .where(RecordVersion.id == version.id)
        .values(status=RecordStatus.approved.value, approved_at=utc_now())
    )
    session.commit()
    session.refresh(version)

    assert version.status == RecordStatus.approved.value
    assert version.record["warnings"] == ["corrected by a reviewer"]


def test_review_action_accept_is_allowed_and_unknown_actions_are_not(session: Session) -> None:
    version = stored_version(session)
    session.add(Review(record_version_id=version.id, actor="bob", action=ReviewAction.accept.value))
    session.commit()

    session.add(Review(record_version_id=version.id, actor="bob", action="shred"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_one_approval_per_approver_and_version(session: Session) -> None:
    version = stored_version(session)
    session.add(Approval(record_version_id=version.id, approver="carol"))
    session.commit()

    session.add(Approval(record_version_id=version.id, approver="carol"))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_usernames_are_unique_and_roles_round_trip(session: Session) -> None:
    session.add(User(username="dana", display_name="Dana", password_hash="x", roles=["reviewer", "pmo"]))
    session.commit()
    stored = session.query(User).filter_by(username="dana").one()
    assert stored.roles == ["reviewer", "pmo"]
    assert stored.active is True

    session.add(User(username="dana", display_name="Other", password_hash="y", roles=[]))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_a_versions_lookup_columns_follow_its_record(session: Session) -> None:
    version = stored_version(session)
    record = version.record
    assert version.contract_key is None  # no contract number read
    assert version.document_type == record["fields"]["document_type"]["value"]

    fields = dict(record["fields"], contract_number={"value": "CO/2026-07 a", "confidence": 1.0})
    version.record = dict(record, fields=fields)
    session.commit()
    session.expire_all()
    stored = session.get_one(RecordVersion, version.id)
    assert stored.contract_key == "co 2026 07 a" == " ".join(contract_number_words("CO/2026-07 a"))
