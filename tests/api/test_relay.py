"""The embedded relay of `handoff serve` posts what failed the first time, once the ERP answers again."""

import time

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from erp import runtime
from erp.outbox import Outcome
from models.db import session_factory
from models.orm import OutboxEntry
from pipeline.relay import EmbeddedRelay
from tests.erp.conftest import Approve, Sandbox, approve_record, sandbox, sandbox_server  # noqa: F401
from tests.erp.records import milestone_record


def test_the_embedded_relay_retries_a_failed_posting(
    session: Session,
    engine: Engine,
    sandbox: Sandbox,  # noqa: F811
    approve_record: Approve,  # noqa: F811
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HANDOFF_ERP_URL", sandbox.url)
    monkeypatch.setenv("HANDOFF_ERP_BACKOFF_S", "0")
    runtime.reset()
    runtime.use_database(database_url)
    _, version_id, entry_id = approve_record(session, milestone_record())
    sandbox.arm(fail_next=1)
    assert runtime.post_entry(entry_id) is Outcome.retry

    with EmbeddedRelay(0.2):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with session_factory(engine)() as fresh:
                if fresh.get(OutboxEntry, entry_id).status == "sent":  # type: ignore[union-attr]
                    break
            time.sleep(0.1)

    assert [p["source_record"] for p in sandbox.projects()] == [version_id]
    runtime.reset()
