"""The month-end backlog view: queue depths, postings by status, throughput and the oldest approval not yet
in the ERP, from `handoff status --ops` (and the /ops page, tests/api/web/test_pages.py)."""

import json

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.cli import app
from models.orm import OutboxEntry, utc_now
from pipeline.operations import backlog
from tests.erp.conftest import Approve
from tests.erp.records import milestone_record


def test_the_backlog_shows_what_waits_and_for_how_long(
    session: Session, approve_record: Approve, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = approve_record(session, milestone_record("1" * 64))
    approve_record(session, milestone_record("2" * 64))
    assert backlog(session).postings["pending"] == 2
    oldest = backlog(session).oldest_unposted_approval
    assert oldest is not None and oldest.document_id == first[0] and oldest.posting_status == "pending"

    session.execute(
        update(OutboxEntry).where(OutboxEntry.id == first[2]).values(status="sent", sent_at=utc_now())
    )
    session.commit()
    state = backlog(session)
    assert (state.postings["sent"], state.postings["pending"], state.sent_last_hour) == (1, 1, 1)
    assert (
        state.oldest_unposted_approval is not None and state.oldest_unposted_approval.document_id != first[0]
    )
    assert state.documents == {"approved": 2}  # the sent one was marked by hand, not by the relay

    monkeypatch.setenv("HANDOFF_DATABASE_URL", database_url)
    shown = CliRunner().invoke(app, ["status", "--ops", "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["postings"]["pending"] == 1
