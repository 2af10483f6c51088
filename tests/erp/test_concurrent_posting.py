"""Posting a claimed batch with several postings in flight, paced and backing off as the ERP asks, still
exactly once — against a sandbox that takes time per posting, fails some and rate-limits."""

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from erp import runtime
from erp.errors import ErpUnavailable
from erp.mapping import load_erp_mapping
from erp.models import ErpReceipt, Posting
from erp.outbox import Outcome, _failed, claim, relay
from erp.ratelimit import RateLimiter
from erp.rest import RestErp, _retry_after
from erp.settings import ErpSettings
from erp.tasks import post_task
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


class SlowFirst:
    """An ERP that answers the first posting it sees after `slow_s` and every other one at once."""

    def __init__(self, slow_s: float) -> None:
        self.slow_s, self.calls = slow_s, list[str]()
        self.finished = list[str]()
        self.lock = threading.Lock()

    def post(self, posting: Posting, idempotency_key: str) -> ErpReceipt:
        with self.lock:
            self.calls.append(idempotency_key)
            slow = len(self.calls) == 1
        time.sleep(self.slow_s if slow else 0.01)
        with self.lock:
            self.finished.append(idempotency_key)
        return ErpReceipt(
            reference=f"P-{idempotency_key[:8]}", project_id="P", status_code=201, replayed=False, body={}
        )


def test_one_slow_posting_does_not_hold_back_the_postings_claimed_after_it(
    session: Session, sessions: sessionmaker[Session], approve_record: Approve
) -> None:
    approved(session, approve_record, 12)
    erp = SlowFirst(slow_s=1.5)
    outcomes = relay(sessions, erp, ErpSettings(erp_concurrency=2, erp_relay_batch=2))

    assert outcomes.count(Outcome.sent) == 12 and len(erp.finished) == 12
    # While the slow one was in flight the other thread went on claiming and posting the other eleven;
    # posting batch by batch would have waited for it before claiming the next batch.
    assert erp.finished[-1] == erp.calls[0]
    with sessions() as fresh:
        assert set(fresh.scalars(select(OutboxEntry.status))) == {"sent"}


def test_a_relay_with_a_budget_stops_claiming_but_posts_what_it_claimed(
    session: Session, sessions: sessionmaker[Session], approve_record: Approve
) -> None:
    approved(session, approve_record, 6)
    settings = ErpSettings(erp_concurrency=1, erp_relay_batch=1)
    outcomes = relay(sessions, SlowFirst(slow_s=0.01), settings, budget_s=0)

    assert outcomes == [Outcome.sent]  # claimed one batch, then the budget was spent
    with sessions() as fresh:
        statuses = list(fresh.scalars(select(OutboxEntry.status)))
    assert sorted(statuses) == ["pending"] * 5 + ["sent"]


def test_an_unpostable_posting_in_a_batch_is_dead_and_the_rest_are_sent(
    session: Session, sessions: sessionmaker[Session], approve_record: Approve
) -> None:
    entries = approved(session, approve_record, 4)
    version = session.get(OutboxEntry, entries[1])
    assert version is not None
    version.record_version.status = "superseded"  # no longer the approved version: never posted
    session.commit()
    outcomes = relay(sessions, SlowFirst(slow_s=0.01), ErpSettings(erp_concurrency=4, erp_relay_batch=4))

    assert sorted(outcomes) == sorted([Outcome.sent] * 3 + [Outcome.dead])
    with sessions() as fresh:
        statuses = {e.id: e.status for e in fresh.scalars(select(OutboxEntry))}
    assert (
        statuses[entries[1]] == "dead" and [statuses[e] for e in entries if e != entries[1]] == ["sent"] * 3
    )


def test_a_worker_posting_task_drains_the_backlog_and_an_inline_one_posts_only_its_own(
    session: Session,
    sessions: sessionmaker[Session],
    approve_record: Approve,
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = approved(session, approve_record, 5)
    monkeypatch.setenv("HANDOFF_ERP_URL", sandbox.url)
    bind = sessions.kw["bind"]
    runtime.use_database(str(bind.url.render_as_string(hide_password=False)))
    try:
        post_task.apply(args=(entries[0],))  # eager, as inside an approval's request
        assert len(sandbox.projects()) == 1
        post_task(entries[1])  # as a worker runs it: not eager
    finally:
        runtime.reset()
    with sessions() as fresh:
        assert set(fresh.scalars(select(OutboxEntry.status))) == {"sent"}
    assert len(sandbox.projects()) == 5
