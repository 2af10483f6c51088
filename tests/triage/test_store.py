"""Storing checked records and listing the PMO exceptions, on SQLite and PostgreSQL."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from intake.errors import DocumentNotFound
from models.exceptions import HandoffException, Severity
from models.orm import ExceptionRow, ExceptionStatus, RecordVersion
from models.record import HandoffRecord
from tests.triage.builders import add_document, opportunity, record
from triage.policy import load_policy
from triage.ranker import load_ranker
from triage.store import (
    CSV_COLUMNS,
    VERSION_ATTEMPTS,
    base_notes,
    checked_exceptions,
    exceptions_csv,
    find_base_record,
    list_exceptions,
    store_check,
)

RAISED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE_NUMBER = "SOW-2026-0042"


def checked(sow: HandoffRecord, **crm: object) -> list[HandoffException]:
    return checked_exceptions(sow, opportunity(**crm), load_policy(), load_ranker(), RAISED)


def made(
    code: str, *, revenue: float | None, risk: float | None, rank: int, **extra: Any
) -> HandoffException:
    values: dict[str, Any] = {
        "code": code,
        "field": "total_contract_value",
        "kind": "mismatch",
        "severity": Severity.high,
        "message": f"{code} worth {revenue}",
        "revenue_at_risk": revenue,
        "risk_score": risk,
        "rank": rank,
        "owner_team": "finance",
        "sla_hours": 48,
    }
    return HandoffException.model_validate(values | extra)


def test_checked_exceptions_are_ranked_and_due_after_their_sla() -> None:
    found = checked(record(), amount=400000.0, start_date="2026-04-20")
    assert [exception.rank for exception in found] == list(range(1, len(found) + 1))
    assert {(e.code, e.field) for e in found} >= {
        ("VALUE_MISMATCH", "total_contract_value"),
        ("VALUE_MISMATCH", "start_date"),
    }
    for exception in found:
        assert exception.sla_hours is not None and exception.risk_score is not None
        assert exception.due_at == RAISED + timedelta(hours=exception.sla_hours)


def test_a_check_is_stored_as_the_next_draft_version_with_its_exceptions(session: Session) -> None:
    document_id = add_document(session, "sow.pdf")
    sow = record()
    exceptions = checked(sow, amount=400000.0, account_name="Southwind Dental")
    first = store_check(session, document_id, sow, exceptions, created_by="tester", raised_at=RAISED)
    second = store_check(session, document_id, sow, [], created_by="tester")
    assert (first.version, second.version) == (1, 2)
    assert (first.status, first.created_by, first.created_at) == ("draft", "tester", RAISED)
    assert HandoffRecord.model_validate(first.record) == sow
    rows = session.scalars(
        select(ExceptionRow).where(ExceptionRow.record_version_id == first.id).order_by(ExceptionRow.rank)
    ).all()
    assert [HandoffException.model_validate(row.payload) for row in rows] == exceptions
    assert [(row.code, row.field, row.rank, row.risk_score, row.owner_team, row.status) for row in rows] == [
        (e.code, e.field, e.rank, e.risk_score, e.owner_team, "open") for e in exceptions
    ]


def test_storing_for_an_unknown_document_is_refused(session: Session) -> None:
    with pytest.raises(DocumentNotFound):
        store_check(session, "no-such-document", record(), [], created_by="tester")
    assert session.scalars(select(RecordVersion)).all() == []


def test_a_check_racing_another_takes_the_next_version_number(session: Session, engine: Engine) -> None:
    document_id = add_document(session, "sow.pdf")

    def other_check_commits_first(flushing: Session, *_: object) -> None:
        with engine.begin() as connection:
            connection.execute(
                insert(RecordVersion).values(
                    id="racing-check", document_id=document_id, version=1, record={}, status="draft",
                    created_by="other", created_at=RAISED,
                )
            )  # fmt: skip

    event.listen(session, "before_flush", other_check_commits_first, once=True)
    stored = store_check(session, document_id, record(), checked(record(), amount=1.0), created_by="tester")
    assert stored.version == 2
    versions = session.execute(select(RecordVersion.created_by, RecordVersion.version)).all()
    assert sorted(versions, key=lambda row: row.version) == [("other", 1), ("tester", 2)]


def test_a_check_that_keeps_losing_the_race_raises(session: Session, engine: Engine) -> None:
    document_id = add_document(session, "sow.pdf")
    taken = iter(range(1, VERSION_ATTEMPTS + 1))

    def another_check_commits_first(flushing: Session, *_: object) -> None:
        with engine.begin() as connection:
            version = next(taken)
            connection.execute(
                insert(RecordVersion).values(
                    id=f"racing-{version}", document_id=document_id, version=version, record={},
                    status="draft", created_by="other", created_at=RAISED,
                )
            )  # fmt: skip

    event.listen(session, "before_flush", another_check_commits_first)
    with pytest.raises(IntegrityError):
        store_check(session, document_id, record(), [], created_by="tester")
    event.remove(session, "before_flush", another_check_commits_first)
    assert session.scalars(select(RecordVersion.created_by)).all() == ["other"] * VERSION_ATTEMPTS


def test_the_list_shows_only_each_documents_latest_version(session: Session) -> None:
    first = add_document(session, "a.pdf")
    second = add_document(session, "b.pdf")
    store_check(session, first, record(), [made("OLD", revenue=9e9, risk=1.0, rank=1)], created_by="t")
    store_check(session, first, record(), [made("NEW", revenue=10.0, risk=0.5, rank=1)], created_by="t")
    store_check(session, second, record(), [made("OTHER", revenue=20.0, risk=0.5, rank=1)], created_by="t")
    listed = list_exceptions(session)
    assert [(view.filename, view.record_version, view.exception.code) for view in listed] == [
        ("b.pdf", 1, "OTHER"),
        ("a.pdf", 2, "NEW"),
    ]
    assert {view.document_id for view in listed} == {first, second}


def test_the_list_is_ordered_by_revenue_at_risk_then_risk_across_documents(session: Session) -> None:
    first = add_document(session, "a.pdf")
    second = add_document(session, "b.pdf")
    store_check(
        session,
        first,
        record(),
        [
            made("A1", revenue=500.0, risk=0.2, rank=1),
            made("A2", revenue=None, risk=0.99, rank=2),
            made("A3", revenue=100.0, risk=0.9, rank=3),
        ],
        created_by="t",
    )
    store_check(
        session,
        second,
        record(),
        [
            made("B1", revenue=1000.0, risk=0.1, rank=1),
            made("B2", revenue=100.0, risk=0.95, rank=2),
            made("B3", revenue=None, risk=None, rank=3),
        ],
        created_by="t",
    )
    assert [view.exception.code for view in list_exceptions(session)] == ["B1", "A1", "B2", "A3", "A2", "B3"]
    assert [view.exception.code for view in list_exceptions(session, limit=2, offset=1)] == ["A1", "B2"]


def test_the_list_filters_by_owner_risk_and_status(session: Session) -> None:
    document_id = add_document(session, "a.pdf")
    exceptions = [
        made("FIN", revenue=300.0, risk=0.9, rank=1),
        made("LEGAL", revenue=200.0, risk=0.4, rank=2, owner_team="legal", field="signed"),
        made("DONE", revenue=100.0, risk=0.8, rank=3),
    ]
    stored = store_check(session, document_id, record(), exceptions, created_by="t")
    session.execute(
        update(ExceptionRow)
        .where(ExceptionRow.record_version_id == stored.id, ExceptionRow.code == "DONE")
        .values(status=ExceptionStatus.resolved.value)
    )
    session.commit()

    def codes(**filters: Any) -> list[str]:
        return [view.exception.code for view in list_exceptions(session, **filters)]

    assert codes() == ["FIN", "LEGAL"]
    assert codes(owner="legal") == ["LEGAL"]
    assert codes(min_risk=0.5) == ["FIN"]
    assert codes(status=ExceptionStatus.resolved) == ["DONE"]
    assert codes(status=None) == ["FIN", "LEGAL", "DONE"]
    assert codes(owner="pmo") == []


def test_overdue_is_decided_at_query_time(session: Session) -> None:
    document_id = add_document(session, "a.pdf")
    stated = made("STATED", revenue=2.0, risk=0.5, rank=1, due_at=RAISED + timedelta(hours=4))
    unstated = made("SLA", revenue=1.0, risk=0.5, rank=2, sla_hours=48)
    store_check(session, document_id, record(), [stated, unstated], created_by="t", raised_at=RAISED)

    def overdue(now: datetime) -> dict[str, tuple[datetime | None, bool]]:
        return {v.exception.code: (v.due_at, v.overdue) for v in list_exceptions(session, now=now)}

    assert overdue(RAISED + timedelta(hours=1)) == {
        "STATED": (RAISED + timedelta(hours=4), False),
        "SLA": (RAISED + timedelta(hours=48), False),
    }
    assert overdue(RAISED + timedelta(hours=5)) == {
        "STATED": (RAISED + timedelta(hours=4), True),
        "SLA": (RAISED + timedelta(hours=48), False),
    }
    assert all(late for _, late in overdue(RAISED + timedelta(days=3)).values())


def test_csv_has_every_column_and_keeps_document_text_from_running_as_a_formula(session: Session) -> None:
    document_id = add_document(session, "=cmd.pdf")
    hostile = made("VALUE_MISMATCH", revenue=1250.5, risk=0.75, rank=1, document_value="=1+2", crm_value=3.5)
    store_check(session, document_id, record(), [hostile], created_by="t", raised_at=RAISED)
    rows = list(csv.DictReader(io.StringIO(exceptions_csv(list_exceptions(session, now=RAISED)))))
    assert len(rows) == 1
    row = rows[0]
    assert tuple(row) == CSV_COLUMNS
    assert (row["filename"], row["document_value"], row["crm_value"]) == ("'=cmd.pdf", "'=1+2", "3.5")
    assert (row["code"], row["revenue_at_risk"], row["risk_score"], row["overdue"]) == (
        "VALUE_MISMATCH",
        "1250.5",
        "0.75",
        "false",
    )
    assert datetime.fromisoformat(row["due_at"]) == RAISED + timedelta(hours=48)


def base_sow(**values: object) -> HandoffRecord:
    return record((100000, 150000, 150000), values={"total_contract_value": 400000, **values})


def change_order(amends: str | None = BASE_NUMBER, **values: object) -> HandoffRecord:
    """An $80,000 change order extending the base SOW to the end of 2026."""
    fields: dict[str, object] = {
        "document_type": "change_order",
        "contract_number": "CO-2026-007",
        "start_date": "2026-07-01",
        "end_date": "2026-12-31",
        "total_contract_value": 80000,
        **values,
    }
    return record((80000,), amends=amends, values=fields)


def stored_rows(session: Session, document_id: str) -> list[tuple[object, ...]]:
    session.expire_all()
    versions = session.scalars(select(RecordVersion).where(RecordVersion.document_id == document_id)).all()
    return [
        (version.version, version.record, version.status, [row.payload for row in version.exceptions])
        for version in versions
    ]


def test_a_change_order_is_compared_as_a_delta_on_its_stored_base(session: Session) -> None:
    base_id = add_document(session, "sow.pdf")
    store_check(session, base_id, base_sow(), checked(base_sow(), amount=400000.0), created_by="t")
    before = stored_rows(session, base_id)
    order = change_order()
    order_id = add_document(session, "co.pdf")

    found = find_base_record(session, order, excluding=order_id)
    assert found == (base_id, base_sow())
    revised = {"amount": 480000.0, "end_date": "2026-12-31"}
    delta = checked_exceptions(order, opportunity(**revised), load_policy(), load_ranker(), RAISED, found[1])
    alone = checked(order, **revised)
    assert ("VALUE_MISMATCH", "total_contract_value") not in {(e.code, e.field) for e in delta}
    assert ("VALUE_MISMATCH", "total_contract_value") in {(e.code, e.field) for e in alone}
    assert base_notes(order, found) == []

    store_check(session, order_id, order, delta, created_by="t")
    assert stored_rows(session, base_id) == before, "the base's rows are never changed"
    assert find_base_record(session, order, excluding=order_id) == (base_id, base_sow())


def test_without_a_stored_base_a_change_order_is_compared_alone_with_a_note(session: Session) -> None:
    other = add_document(session, "other-sow.pdf")
    store_check(session, other, base_sow(contract_number="SOW-2026-0099"), [], created_by="t")
    order = change_order()
    assert find_base_record(session, order) is None
    (note,) = base_notes(order, None)
    assert "no stored base record" in note and BASE_NUMBER in note
    assert base_notes(base_sow(), None) == [], "only a change order needs a base"


def test_only_the_latest_version_of_a_document_that_is_not_a_change_order_is_a_base(session: Session) -> None:
    renumbered = add_document(session, "renumbered.pdf")
    store_check(session, renumbered, base_sow(), [], created_by="t")
    store_check(session, renumbered, base_sow(contract_number="SOW-2026-0043"), [], created_by="t")
    sibling = add_document(session, "sibling-co.pdf")
    store_check(session, sibling, change_order(contract_number=BASE_NUMBER), [], created_by="t")
    assert find_base_record(session, change_order()) is None

    base_id = add_document(session, "sow.pdf")
    store_check(session, base_id, base_sow(), [], created_by="t")
    assert find_base_record(session, change_order()) == (base_id, base_sow())
    assert find_base_record(session, change_order(), excluding=base_id) is None
    assert find_base_record(session, base_sow()) is None, "a SOW has no base"


def test_a_change_order_numbered_after_its_base_finds_it_without_an_amends_reference(
    session: Session,
) -> None:
    base_id = add_document(session, "sow.pdf")
    store_check(session, base_id, base_sow(), [], created_by="t")
    store_check(session, add_document(session, "longer.pdf"), base_sow(contract_number="SOW-2026-00421"), [],
                created_by="t")  # fmt: skip
    assert find_base_record(session, change_order(None, contract_number=f"{BASE_NUMBER}-CO02")) == (
        base_id,
        base_sow(),
    )
