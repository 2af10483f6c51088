"""Field review on SQLite and PostgreSQL: accept, correct, not in document, versioning after approval."""

import copy

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.exceptions import HandoffException
from models.orm import AuditEvent, Correction, ExceptionRow, RecordVersion, Review
from models.record import HandoffRecord
from review.approval import approve
from review.edits import accept_field, correct_field, set_not_in_document
from review.errors import Conflict, Forbidden, InvalidValue, NotFound
from review.evidence import EvidenceInput
from review.resolution import resolve_exception
from tests.review.builders import add_users, checked_document, exception
from tests.triage.builders import opportunity
from triage.compare import find_gaps
from triage.policy import DEFAULT_POLICY

TOTAL = "fields.total_contract_value"


@pytest.fixture(autouse=True)
def users(session: Session) -> None:
    add_users(session)


def test_correcting_a_draft_changes_it_in_place_with_review_correction_and_audit(session: Session) -> None:
    version = checked_document(session)

    result = correct_field(session, "rita", version.id, TOTAL, "48500.50", reason="typo in extraction")

    assert (result.record_version_id, result.new_version, result.changed) == (version.id, False, True)
    session.refresh(version)
    stored = version.record["fields"]["total_contract_value"]
    assert stored["value"] == 48500.5
    assert stored["confidence"] == 1.0
    assert stored["evidence"][0]["quote"] == "USD 48,000.00"
    review = session.scalars(select(Review).where(Review.record_version_id == version.id)).one()
    assert (review.actor, review.action, review.field, review.reason) == (
        "rita",
        "correct",
        TOTAL,
        "typo in extraction",
    )
    correction = session.scalars(select(Correction)).one()
    assert (correction.extracted, correction.corrected, correction.actor) == (48000.0, 48500.5, "rita")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "field.correct")).one()
    assert event.before["value"]["value"] == 48000.0
    assert event.after["value"]["value"] == 48500.5


def test_a_value_is_validated_by_the_fields_type(session: Session) -> None:
    version = checked_document(session)

    with pytest.raises(InvalidValue):
        correct_field(session, "rita", version.id, TOTAL, "forty-eight thousand")
    with pytest.raises(InvalidValue):
        correct_field(session, "rita", version.id, "fields.currency", "dollars")
    with pytest.raises(InvalidValue):
        correct_field(session, "rita", version.id, "fields.no_such_field", 1)
    with pytest.raises(NotFound):
        correct_field(session, "rita", version.id, "milestones[7].amount", 1)

    dated = correct_field(session, "rita", version.id, "fields.end_date", "2026-10-31")
    assert dated.after["value"] == "2026-10-31"
    assert session.scalars(select(Correction)).one().field_path == "fields.end_date"


def test_list_items_are_addressed_by_index(session: Session) -> None:
    version = checked_document(session)

    correct_field(session, "rita", version.id, "milestones[1].amount", 30000)

    session.refresh(version)
    assert [m["amount"]["value"] for m in version.record["milestones"]] == [16000.0, 30000.0]


def test_not_in_document_nulls_the_value_and_its_evidence(session: Session) -> None:
    version = checked_document(session)

    result = set_not_in_document(session, "rita", version.id, TOTAL)

    assert result.after == {"value": None, "confidence": 1.0, "evidence": []}
    correction = session.scalars(select(Correction)).one()
    assert (correction.extracted, correction.corrected) == (48000.0, None)


def test_supplied_evidence_must_be_in_the_document(session: Session) -> None:
    version = checked_document(session)

    result = correct_field(
        session, "rita", version.id, "fields.signature_date", "2026-02-27",
        evidence=[EvidenceInput(quote="Signed 2026-02-27", page=2)],
    )  # fmt: skip

    assert result.after["evidence"][0]["page"] == 2
    assert result.after["evidence"][0]["quote"] == "Signed 2026-02-27"
    with pytest.raises(InvalidValue):
        correct_field(
            session, "rita", version.id, TOTAL, 1, evidence=[EvidenceInput(quote="USD 1.00 in total")]
        )


def test_accepting_records_a_review_and_makes_the_value_a_persons(session: Session) -> None:
    version = checked_document(session)
    before = copy.deepcopy(version.record)

    result = accept_field(session, "rita", version.id, TOTAL)

    assert (result.changed, result.new_version) == (False, False)
    assert result.after == {**result.before, "confidence": 1.0}
    session.refresh(version)
    confirmed = copy.deepcopy(before)
    confirmed["fields"]["total_contract_value"]["confidence"] = 1.0
    assert version.record == confirmed
    assert session.scalars(select(Review.action)).all() == ["accept"]
    assert session.scalars(select(Correction)).all() == []
    again = accept_field(session, "rita", version.id, TOTAL)  # already a person's: nothing changes
    assert again.after == again.before
    session.refresh(version)
    assert version.record == confirmed


def test_accepting_an_unsure_value_triages_the_record_again(session: Session) -> None:
    version = checked_document(session)
    record = copy.deepcopy(version.record)
    record["fields"]["total_contract_value"]["confidence"] = 0.4  # below the LOW_CONFIDENCE threshold
    version.record = record
    session.commit()
    crm = opportunity()  # its amount is not the document's 48,000

    def recheck(_: Session, __: str, checked: HandoffRecord) -> list[HandoffException]:
        return find_gaps(checked, crm, DEFAULT_POLICY)

    unsure = find_gaps(HandoffRecord.model_validate(record), crm, DEFAULT_POLICY)
    assert ("VALUE_MISMATCH", "total_contract_value") not in {(e.code, e.field) for e in unsure}

    result = accept_field(session, "rita", version.id, TOTAL, recheck=recheck)

    assert "VALUE_MISMATCH" in result.exceptions_opened  # what the unsure reading did not raise on its own
    rows = session.scalars(select(ExceptionRow).where(ExceptionRow.field == "total_contract_value")).all()
    assert [row.code for row in rows] == ["VALUE_MISMATCH"]


@pytest.mark.parametrize("actor", ["dana", "pat", "nobody"])
def test_only_reviewers_approvers_and_admins_edit(session: Session, actor: str) -> None:
    version = checked_document(session)

    with pytest.raises(Forbidden):
        correct_field(session, actor, version.id, TOTAL, 1)
    with pytest.raises(Forbidden):
        accept_field(session, actor, version.id, TOTAL)


def test_editing_a_stale_version_is_a_conflict(session: Session) -> None:
    first = checked_document(session)
    approve(session, "alex", first.id)
    newer = correct_field(session, "rita", first.id, TOTAL, 47000)

    with pytest.raises(Conflict):
        correct_field(session, "rita", first.id, TOTAL, 46000)
    assert newer.version == 2


def test_editing_an_approved_version_makes_a_new_draft_and_freezes_the_old(session: Session) -> None:
    first = checked_document(session, exceptions=[exception("LOW_CONFIDENCE"), exception("UNSIGNED")])
    resolved_id = first.exceptions[0].id
    resolve_exception(session, "rita", resolved_id, "checked the page")
    approve(session, "alex", first.id)

    result = correct_field(session, "rita", first.id, TOTAL, 47000)

    assert (result.new_version, result.version) == (True, 2)
    session.refresh(first)
    assert first.status == "approved"
    assert first.record["fields"]["total_contract_value"]["value"] == 48000.0
    second = session.get(RecordVersion, result.record_version_id)
    assert second is not None and second.status == "draft" and second.created_by == "rita"
    assert second.record["fields"]["total_contract_value"]["value"] == 47000.0
    copied = session.execute(
        select(ExceptionRow.code, ExceptionRow.status).where(ExceptionRow.record_version_id == second.id)
    )
    assert sorted(tuple(row) for row in copied) == [("LOW_CONFIDENCE", "resolved"), ("UNSIGNED", "open")]


def test_a_second_correction_of_a_field_keeps_the_extracted_value(session: Session) -> None:
    version = checked_document(session)

    correct_field(session, "rita", version.id, TOTAL, 47000)
    correct_field(session, "rita", version.id, TOTAL, 46000)

    rows = session.scalars(select(Correction).order_by(Correction.at)).all()
    assert [(row.extracted, row.corrected) for row in rows] == [(48000.0, 47000.0), (48000.0, 46000.0)]


def test_the_same_value_again_changes_nothing(session: Session) -> None:
    version = checked_document(session)

    result = correct_field(session, "rita", version.id, TOTAL, 48000)

    assert result.changed is False
    assert session.scalars(select(Correction)).all() == []
