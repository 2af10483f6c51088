"""Queue ranking and filters, resolving and waiving exceptions, the audit listing and the corrections
export, on SQLite and PostgreSQL."""

import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.exceptions import Severity
from models.orm import ExceptionRow, utc_now
from review.approval import approve
from review.audit import DOCUMENT, list_audit
from review.corrections import export_corrections
from review.edits import correct_field
from review.errors import Conflict, Forbidden, InvalidValue
from review.queue import QueueFilter, QueueSort, SlaState, count_queue, list_queue
from review.resolution import resolve_exception, waive_exception
from tests.review.builders import add_users, checked_document, exception


@pytest.fixture(autouse=True)
def users(session: Session) -> None:
    add_users(session)


def test_queue_ranks_by_highest_open_risk_with_value_owner_and_sla(session: Session) -> None:
    low = checked_document(session, tag="low", exceptions=[exception("LOW_CONFIDENCE", risk=0.2)])
    high = checked_document(
        session,
        tag="high",
        exceptions=[exception("UNSIGNED", Severity.blocker, risk=0.9, owner_team="legal")],
    )
    none = checked_document(session, tag="none")

    queue = list_queue(session)

    assert [item.document_id for item in queue] == [high.document_id, low.document_id, none.document_id]
    top = queue[0]
    assert (top.total_contract_value, top.currency, top.max_risk) == (48000.0, "USD", 0.9)
    assert (top.open_exceptions, top.open_blockers, top.owner_teams) == (1, 1, ("legal",))
    assert top.sla is SlaState.due_soon
    assert queue[2].sla is SlaState.none
    later = list_queue(session, now=utc_now() + timedelta(hours=25))
    assert later[0].sla is SlaState.overdue


def test_queue_filters(session: Session) -> None:
    low = checked_document(session, tag="low", exceptions=[exception("LOW_CONFIDENCE", risk=0.2)])
    high = checked_document(
        session, tag="high", exceptions=[exception("UNSIGNED", risk=0.9, owner_team="legal")]
    )
    approve(session, "alex", low.id)

    assert [i.document_id for i in list_queue(session, QueueFilter(min_risk=0.5))] == [high.document_id]
    assert [i.document_id for i in list_queue(session, QueueFilter(owner="legal"))] == [high.document_id]
    assert [i.document_id for i in list_queue(session, QueueFilter(status="approved"))] == [low.document_id]
    drafts = list_queue(session, QueueFilter(record_status="draft"))
    assert [i.document_id for i in drafts] == [high.document_id]


def test_sla_state_file_name_sort_and_paging_are_done_in_the_database(session: Session) -> None:
    soon = checked_document(session, tag="soon", exceptions=[exception("UNSIGNED", risk=0.3)])
    big = checked_document(
        session, tag="big", total=900000.0, exceptions=[exception("LOW_CONFIDENCE", risk=0.1)]
    )
    calm = checked_document(session, tag="calm")
    rows = session.scalars(select(ExceptionRow)).all()
    assert all(row.due_at is not None for row in rows)  # stored with the row, for the SLA filter
    past = utc_now() - timedelta(hours=1)
    for row in rows:
        if row.record_version_id == soon.id:
            row.due_at = past
    session.commit()

    overdue = list_queue(session, QueueFilter(sla=SlaState.overdue))
    assert [item.document_id for item in overdue] == [soon.document_id]
    assert overdue[0].next_due_at == past
    assert [i.document_id for i in list_queue(session, QueueFilter(sla=SlaState.none))] == [calm.document_id]
    by_name = list_queue(session, QueueFilter(name=big.document.filename.upper()[:-2]))
    assert [item.document_id for item in by_name] == [big.document_id]
    assert list_queue(session, QueueFilter(name="%")) == []  # a wildcard is a character, not a pattern
    by_value = [item.document_id for item in list_queue(session, sort=QueueSort.value)]
    assert by_value[0] == big.document_id
    by_due = [item.document_id for item in list_queue(session, sort=QueueSort.due)]
    assert by_due[0] == soon.document_id and by_due[-1] == calm.document_id
    everything = [item.document_id for item in list_queue(session)]
    paged = [item.document_id for offset in (0, 1, 2) for item in list_queue(session, limit=1, offset=offset)]
    assert paged == everything and count_queue(session) == 3
    assert count_queue(session, QueueFilter(sla=SlaState.overdue)) == 1


def test_resolve_and_waive_need_a_reason_and_the_right_role(session: Session) -> None:
    version = checked_document(session, exceptions=[exception("UNSIGNED"), exception("LOW_CONFIDENCE")])
    first, second = (row.id for row in version.exceptions)

    with pytest.raises(InvalidValue):
        resolve_exception(session, "rita", first, "   ")
    with pytest.raises(Forbidden):
        waive_exception(session, "rita", first, "fine")
    with pytest.raises(Forbidden):
        resolve_exception(session, "dana", first, "fine")

    resolved = resolve_exception(session, "pat", first, "client confirmed by mail")
    waived = waive_exception(session, "alex", second, "accepted risk")

    assert (resolved.status, waived.status) == ("resolved", "waived")
    statuses = dict(session.execute(select(ExceptionRow.id, ExceptionRow.status)).all())
    assert statuses == {first: "resolved", second: "waived"}
    with pytest.raises(Conflict):
        resolve_exception(session, "pat", first, "again")


def test_exceptions_of_an_approved_version_are_closed_to_changes(session: Session) -> None:
    version = checked_document(session, exceptions=[exception("LOW_CONFIDENCE")])
    approve(session, "alex", version.id)

    with pytest.raises(Conflict):
        resolve_exception(session, "pat", version.exceptions[0].id, "late")


def test_the_audit_listing_shows_a_documents_history(session: Session) -> None:
    version = checked_document(session, exceptions=[exception("LOW_CONFIDENCE")])
    correct_field(session, "rita", version.id, "fields.total_contract_value", 47000)
    resolve_exception(session, "rita", version.exceptions[0].id, "checked")
    approve(session, "alex", version.id)

    events = list_audit(session, entity_type=DOCUMENT, entity_id=version.document_id)

    assert [(e.actor, e.action) for e in events] == [
        ("rita", "field.correct"),
        ("rita", "exception.resolve"),
        ("alex", "record.approve"),
        ("alex", "record.approved"),
    ]
    assert events[0].before["value"]["value"] == 48000.0
    assert events[0].after["value"]["value"] == 47000.0


def test_export_corrections_writes_json_lines(session: Session) -> None:
    version = checked_document(session)
    correct_field(session, "rita", version.id, "fields.total_contract_value", 47000)
    correct_field(session, "rita", version.id, "fields.governing_law", None)
    out = io.StringIO()

    assert export_corrections(session, out) == 2

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(x["field"], x["extracted"], x["corrected"]) for x in lines] == [
        ("fields.total_contract_value", 48000.0, 47000.0),
        ("fields.governing_law", "New York", None),
    ]
    first = lines[0]
    assert first["evidence"][0]["quote"] == "USD 48,000.00"
    assert (first["document"], first["version"], first["actor"]) == (version.document_id, 1, "rita")
    assert set(first) >= {"field", "extracted", "corrected", "evidence", "document", "version", "actor", "at"}
