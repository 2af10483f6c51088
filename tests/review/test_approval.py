"""Approval on SQLite and PostgreSQL: every four-eyes rule, blockers, stale versions, and the outbox row
written in the approving transaction only."""

from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models.db import session_factory
from models.exceptions import Severity
from models.orm import Approval, AuditEvent, Document, OutboxEntry, RecordVersion
from review.approval import approve
from review.edits import correct_field
from review.errors import Blocked, Conflict, Forbidden, FourEyes
from review.resolution import waive_exception
from review.settings import ReviewSettings
from tests.review.builders import add_users, checked_document, exception, outbox_count

TOTAL = "fields.total_contract_value"


@pytest.fixture(autouse=True)
def users(session: Session) -> None:
    add_users(session)


def test_one_approval_below_the_threshold_approves_and_writes_the_outbox(session: Session) -> None:
    version = checked_document(session)

    result = approve(session, "alex", version.id)

    assert (result.approved, result.required, result.approvers) == (True, 1, ("alex",))
    session.refresh(version)
    assert version.status == "approved" and version.approved_at is not None
    document = session.get(Document, version.document_id)
    assert document is not None and document.status == "approved"
    entry = session.scalars(select(OutboxEntry)).one()
    assert entry.id == result.outbox_entry_id
    assert entry.record_version_id == version.id
    assert entry.idempotency_key == f"handoff-rv-{version.id}"
    assert entry.payload == {"record_version_id": version.id, "document_id": document.id, "kind": "project"}
    assert (entry.status, entry.attempts) == ("pending", 0)
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.at)).all()
    assert actions == ["record.approve", "record.approved"]


def test_a_change_order_goes_out_as_an_amendment(session: Session) -> None:
    version = checked_document(session)
    correct_field(session, "rita", version.id, "fields.document_type", "change_order")

    approve(session, "alex", version.id)

    assert session.scalars(select(OutboxEntry)).one().payload["kind"] == "amendment"


def test_no_one_approves_their_own_upload(session: Session) -> None:
    version = checked_document(session, uploaded_by="alex")

    with pytest.raises(FourEyes):
        approve(session, "alex", version.id)

    assert outbox_count(session) == 0
    assert session.scalars(select(Approval)).all() == []
    assert approve(session, "bea", version.id).approved


def test_an_editor_cannot_be_the_only_approver(session: Session) -> None:
    version = checked_document(session)
    correct_field(session, "alex", version.id, TOTAL, 47000)

    mine = approve(session, "alex", version.id)

    assert mine.approved is False
    assert mine.waiting_for is not None and "did not edit" in mine.waiting_for
    assert outbox_count(session) == 0
    session.refresh(version)
    assert version.status == "draft"
    second = approve(session, "bea", version.id)
    assert second.approved and second.approvers == ("alex", "bea")


def test_the_editor_of_an_unapproved_earlier_version_still_counts_as_editor(session: Session) -> None:
    version = checked_document(session, total=300000)
    approve(session, "bea", version.id)
    correct_field(session, "alex", version.id, TOTAL, 299000)  # bea's approval was of v1: v2 is a copy

    copy = session.scalars(select(RecordVersion).where(RecordVersion.version == 2)).one()
    correct_field(session, "rita", copy.id, "fields.project_name", "Cloud Migration II")

    assert approve(session, "alex", copy.id).approved is False
    assert approve(session, "ada", copy.id).approved is True


def test_above_the_threshold_two_distinct_approvers_are_needed(session: Session) -> None:
    version = checked_document(session, total=480000)

    first = approve(session, "alex", version.id)

    assert (first.approved, first.required) == (False, 2)
    with pytest.raises(Conflict):
        approve(session, "alex", version.id)
    assert outbox_count(session) == 0
    assert approve(session, "bea", version.id).approved


def test_the_threshold_is_a_setting(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    version = checked_document(session, total=480000)
    monkeypatch.setenv("HANDOFF_REVIEW_TWO_APPROVERS_ABOVE", "500000")

    assert ReviewSettings().review_two_approvers_above == Decimal(500000)
    assert approve(session, "alex", version.id).approved


def test_an_unknown_total_needs_two_approvers(session: Session) -> None:
    version = checked_document(session, total=None)

    assert approve(session, "alex", version.id).required == 2


def test_an_open_blocker_refuses_approval_until_waived(session: Session) -> None:
    version = checked_document(session, exceptions=[exception("UNSIGNED", Severity.blocker)])

    with pytest.raises(Blocked):
        approve(session, "alex", version.id)
    assert outbox_count(session) == 0
    assert session.scalars(select(Approval)).all() == []

    waive_exception(session, "pat", version.exceptions[0].id, "countersigned copy on file")
    assert approve(session, "alex", version.id).approved


def test_only_approvers_and_admins_approve(session: Session) -> None:
    version = checked_document(session)

    for actor in ("dana", "rita", "pat", "stranger"):
        with pytest.raises(Forbidden):
            approve(session, actor, version.id)
    assert approve(session, "ada", version.id).approved


def test_approving_a_stale_or_approved_version_is_a_conflict(session: Session) -> None:
    version = checked_document(session)
    approve(session, "alex", version.id)

    with pytest.raises(Conflict):
        approve(session, "bea", version.id)

    correct_field(session, "rita", version.id, TOTAL, 47000)
    with pytest.raises(Conflict):
        approve(session, "bea", version.id)
    assert outbox_count(session) == 1


def test_a_new_version_supersedes_the_approved_one_only_when_approved(session: Session) -> None:
    first = checked_document(session)
    approve(session, "alex", first.id)
    second_id = correct_field(session, "rita", first.id, TOTAL, 47000).record_version_id
    session.refresh(first)
    assert first.status == "approved"

    approve(session, "bea", second_id)

    session.refresh(first)
    assert first.status == "superseded"
    assert first.record["fields"]["total_contract_value"]["value"] == 48000.0
    second = session.get(RecordVersion, second_id)
    assert second is not None and second.status == "approved"
    keys = set(session.scalars(select(OutboxEntry.idempotency_key)))
    assert keys == {f"handoff-rv-{first.id}", f"handoff-rv-{second_id}"}


def test_on_approved_runs_after_the_commit_with_the_outbox_id(session: Session, engine: Engine) -> None:
    version = checked_document(session)
    seen: list[tuple[str, str]] = []

    def queued(entry_id: str) -> None:
        with session_factory(engine)() as other:
            entry = other.get(OutboxEntry, entry_id)
            assert entry is not None
            seen.append((entry_id, entry.status))

    result = approve(session, "alex", version.id, on_approved=queued)

    assert seen == [(result.outbox_entry_id, "pending")]


def test_on_approved_is_not_called_for_a_partial_approval(session: Session) -> None:
    version = checked_document(session, total=480000)
    calls: list[str] = []

    approve(session, "alex", version.id, on_approved=calls.append)

    assert calls == []


def test_a_failing_callback_does_not_undo_the_approval(session: Session) -> None:
    version = checked_document(session)

    def broken(entry_id: str) -> None:
        raise RuntimeError("queue down")

    result = approve(session, "alex", version.id, on_approved=broken)

    assert result.approved
    assert session.scalars(select(OutboxEntry.status)).one() == "pending"
