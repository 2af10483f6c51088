"""Registered opportunities (table crm_opportunities) and DbCrm, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.crm import CrmOpportunity
from models.db import session_factory
from models.orm import CrmOpportunityRow
from tests.triage.builders import CRM_VALUES
from triage.crm import FileCrm
from triage.crm_store import DbCrm, register_opportunity
from triage.errors import OpportunityNotFound
from triage.settings import CrmSettings, make_crm

SENT = datetime(2026, 2, 27, 17, 30, tzinfo=UTC)


def opportunity(**changes: object) -> CrmOpportunity:
    return CrmOpportunity.model_validate(CRM_VALUES | changes)


def rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CrmOpportunityRow)) or 0


def test_a_registered_opportunity_is_read_back_by_db_crm(session: Session, engine: Engine) -> None:
    assert register_opportunity(session, opportunity(), sent_at=SENT, source="webhook")

    crm = DbCrm(session_factory(engine))
    read = crm.get("006Hs00001NwH")
    assert read == opportunity()
    assert read.amount == Decimal("480000")
    with pytest.raises(OpportunityNotFound, match="no opportunity 006Z has been registered"):
        crm.get("006Z")


def test_a_later_registration_replaces_the_stored_one(session: Session, engine: Engine) -> None:
    register_opportunity(session, opportunity(), sent_at=SENT, source="webhook")

    assert register_opportunity(session, opportunity(amount=432000), sent_at=SENT, source="webhook")
    assert register_opportunity(
        session,
        opportunity(amount=450000, stage="Closed Won"),
        sent_at=SENT + timedelta(minutes=1),
        source="webhook",
    )

    assert rows(session) == 1
    stored = DbCrm(session_factory(engine)).get("006Hs00001NwH")
    assert stored.amount == Decimal("450000")


def test_an_older_registration_arriving_late_is_ignored(session: Session, engine: Engine) -> None:
    register_opportunity(session, opportunity(amount=450000), sent_at=SENT, source="webhook")

    assert not register_opportunity(
        session, opportunity(amount=400000), sent_at=SENT - timedelta(seconds=1), source="webhook"
    )

    assert rows(session) == 1
    assert DbCrm(session_factory(engine)).get("006Hs00001NwH").amount == Decimal("450000")


def test_each_opportunity_has_its_own_row(session: Session) -> None:
    register_opportunity(session, opportunity(), sent_at=SENT, source="webhook")
    register_opportunity(session, opportunity(opportunity_id="006B"), sent_at=SENT, source="webhook")

    assert rows(session) == 2
    stored = session.scalars(select(CrmOpportunityRow).order_by(CrmOpportunityRow.opportunity_id)).all()
    assert [(row.opportunity_id, row.source, row.sent_at) for row in stored] == [
        ("006B", "webhook", SENT),
        ("006Hs00001NwH", "webhook", SENT),
    ]
    assert all(row.received_at.tzinfo is not None for row in stored)


def test_settings_select_the_database_or_the_file_backend(engine: Engine, tmp_path: Path) -> None:
    crm_file = tmp_path / "crm.json"
    crm_file.write_text('{"opportunity_id": "006F", "amount": 1000}', encoding="utf-8")

    database = make_crm(CrmSettings.model_validate({}), session_factory(engine))
    from_file = make_crm(
        CrmSettings.model_validate({"crm_backend": "file", "crm_file": crm_file}), session_factory(engine)
    )

    assert isinstance(database, DbCrm)
    assert isinstance(from_file, FileCrm)
    assert from_file.get("006F").amount == Decimal("1000")
