"""Posting a claimed batch with several postings in flight, paced and backing off as the ERP asks, still
exactly once — against a sandbox that takes time per posting, fails some and rate-limits."""

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from erp.errors import ErpUnavailable
from erp.mapping import load_erp_mapping
from erp.outbox import _failed, claim, relay
from erp.ratelimit import RateLimiter
from erp.rest import RestErp, _retry_after
from erp.settings import ErpSettings
from models.db import session_factory
from models.orm import OutboxEntry, utc_now
from tests.erp.conftest import Approve, Sandbox, start_sandbox
from tests.erp.records import milestone_record


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def loaded_sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    options = ("--latency-ms", "150", "--jitter-ms", "50", "--error-rate", "0.1", "--rate-limit", "30/s")
    sandbox = start_sandbox(tmp_path / "erp.db", None, *options)
    yield sandbox
    sandbox.process.terminate()
    sandbox.process.wait(10)


def approved(session: Session, approve_record: Approve, count: int) -> list[str]:
    return [approve_record(session, milestone_record(f"{index + 1:064x}"))[2] for index in range(count)]


@pytest.mark.slow
def test_a_batch_posts_concurrently_and_exactly_once_under_latency_errors_and_throttling(
    session: Session, sessions: sessionmaker[Session], approve_record: Approve, loaded_sandbox: Sandbox
) -> None:
    entries = approved(session, approve_record, 60)
    settings = ErpSettings(
        erp_url=loaded_sandbox.url,
        erp_concurrency=16,
        erp_backoff_s=0.2,
        erp_max_backoff_s=1,
        erp_max_attempts=30,
    )
    erp = RestErp(settings, load_erp_mapping())
    for _ in range(200):
        relay(sessions, erp, settings)
        with sessions() as fresh:
            statuses = set(fresh.scalars(select(OutboxEntry.status).where(OutboxEntry.id.in_(entries))))
        if statuses == {"sent"}:
            break
        time.sleep(0.1)  # nothing due yet: the next sweep comes after the backoff
    erp.close()

    stats = loaded_sandbox.stats()
    assert statuses == {"sent"}
    assert len(loaded_sandbox.projects()) == 60  # each approved record once, retries and 429s included
    assert stats["in_flight_peak"] > 1  # postings were in flight at once


def test_a_rate_limiter_paces_and_pauses_every_thread() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(2, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.acquire()
    assert now[0] == pytest.approx(1.0)  # 2 at once, then one every half second
    limiter.pause(5)
    limiter.acquire()
    assert now[0] == pytest.approx(6.0)
    unlimited = RateLimiter(0, clock=lambda: now[0], sleep=sleep)
    for _ in range(100):
        unlimited.acquire()
    assert now[0] == pytest.approx(6.0)


def test_retry_after_is_read_and_honoured(
    session: Session, sessions: sessionmaker[Session], approve_record: Approve
) -> None:
    assert _retry_after("7") == 7.0 and _retry_after(None) is None and _retry_after("soon") is None
    assert (_retry_after("Wed, 21 Oct 2099 07:28:00 GMT") or 0) > 0
    [entry_id] = approved(session, approve_record, 1)
    settings = ErpSettings(erp_backoff_s=1)
    with sessions() as fresh:
        claim(fresh, settings, entry_id=entry_id)
        _failed(fresh, entry_id, 1, ErpUnavailable("429", retry_after=120), settings)
    with sessions() as fresh:
        entry = fresh.get(OutboxEntry, entry_id)
        assert entry is not None and entry.next_attempt_at >= utc_now() + timedelta(seconds=110)
