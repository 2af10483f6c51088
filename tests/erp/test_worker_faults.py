"""Exactly-once with a real Celery worker process, a real Redis broker (a private redis-server, so it can be
restarted) and PostgreSQL: ERP faults, a worker SIGKILLed mid-post, the broker restarted mid-run."""

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from celery import Celery
from sqlalchemy import Engine, select

from models.db import make_engine, session_factory, upgrade_database
from models.orm import OutboxEntry
from pipeline.queue import QueueSettings, make_celery
from tests.erp.conftest import HANDOFF, Approve, Sandbox, free_port
from tests.erp.records import milestone_record

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


class Redis:
    def __init__(self, directory: Path) -> None:
        self.port, self.directory = free_port(), directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = subprocess.Popen(command, cwd=self.directory, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while (
            subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout
            != b"PONG\n"
        ):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[Redis]:
    server = Redis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_env(postgres_url: str, redis: Redis, sandbox: Sandbox) -> dict[str, str]:
    upgrade_database(postgres_url)
    return os.environ | {
        "HANDOFF_DATABASE_URL": postgres_url,
        "HANDOFF_BROKER_URL": redis.url,
        "HANDOFF_ERP_URL": sandbox.url,
        "HANDOFF_ERP_TIMEOUT_S": "2",
        "HANDOFF_ERP_BACKOFF_S": "0.2",
        "HANDOFF_ERP_MAX_BACKOFF_S": "1",
        "HANDOFF_ERP_CLAIM_S": "3",
        "HANDOFF_ERP_RELAY_INTERVAL_S": "0.5",
    }


@pytest.fixture
def start_worker(
    worker_env: dict[str, str], tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        command = [str(HANDOFF), "worker", "--pool", "solo", "--loglevel", "WARNING"]
        process = subprocess.Popen(
            command, env=worker_env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(20)


@pytest.fixture
def engine(postgres_url: str, worker_env: dict[str, str]) -> Iterator[Engine]:
    migrated = make_engine(postgres_url)
    yield migrated
    migrated.dispose()


@pytest.fixture
def sender(redis: Redis) -> Iterator[Celery]:
    app = make_celery(QueueSettings(broker_url=redis.url))
    yield app
    app.close()


def queue_with(sender: Celery) -> Callable[[str], None]:
    def on_approved(entry_id: str) -> None:
        sender.send_task("erp.post", args=[entry_id])

    return on_approved


def wait_all_sent(engine: Engine, count: int, timeout: float = 120) -> list[OutboxEntry]:
    deadline = time.monotonic() + timeout
    while True:
        with session_factory(engine)() as session:
            entries = list(session.scalars(select(OutboxEntry)))
        if len(entries) == count and all(e.status == "sent" for e in entries):
            return entries
        assert time.monotonic() < deadline, f"not all sent: {[(e.status, e.last_error) for e in entries]}"
        time.sleep(0.3)


def assert_exactly_once(sandbox: Sandbox, entries: list[OutboxEntry]) -> None:
    projects = sandbox.projects()
    assert sorted(p["source_record"] for p in projects) == sorted(e.record_version_id for e in entries)
    assert sum(len(p["schedules"]) for p in projects) == len(entries)
    assert {e.erp_reference for e in entries} == {p["id"] for p in projects}


def approve_many(
    engine: Engine, approve_record: Approve, count: int, on_approved: Callable[[str], None]
) -> None:
    with session_factory(engine)() as session:
        for _ in range(count):
            unique = uuid.uuid4().hex
            record = milestone_record(unique * 2, contract_number=f"SOW-{unique[:8]}")
            approve_record(session, record, on_approved)


def test_erp_faults_with_a_real_worker_still_post_each_approval_once(
    engine: Engine,
    sandbox: Sandbox,
    start_worker: Callable[[], subprocess.Popen[bytes]],
    sender: Celery,
    approve_record: Approve,
) -> None:
    start_worker()
    sandbox.arm(fail_next=3, drop_next=2, ack_twice_next=2)

    approve_many(engine, approve_record, 8, queue_with(sender))

    assert_exactly_once(sandbox, wait_all_sent(engine, 8))
    assert sandbox.stats()["injected"] == {"fail": 3, "delay": 0, "drop": 2, "ack_twice": 2}


def test_a_worker_killed_mid_post_is_replaced_without_a_duplicate(
    engine: Engine,
    sandbox: Sandbox,
    start_worker: Callable[[], subprocess.Popen[bytes]],
    sender: Celery,
    approve_record: Approve,
) -> None:
    first = start_worker()
    sandbox.arm(delay_next=1, delay_s=1.5)
    approve_many(engine, approve_record, 1, queue_with(sender))
    _wait_delayed_request(sandbox)

    first.send_signal(signal.SIGKILL)
    first.wait(10)
    start_worker()

    assert_exactly_once(sandbox, wait_all_sent(engine, 1))
    assert sandbox.stats()["replays"] >= 1


def test_the_broker_restarted_mid_run_loses_no_approval(
    engine: Engine,
    sandbox: Sandbox,
    redis: Redis,
    start_worker: Callable[[], subprocess.Popen[bytes]],
    sender: Celery,
    approve_record: Approve,
) -> None:
    start_worker()
    approve_many(engine, approve_record, 3, queue_with(sender))
    redis.stop()
    approve_many(engine, approve_record, 3, queue_with(sender))
    redis.start()

    assert_exactly_once(sandbox, wait_all_sent(engine, 6, timeout=90))


def _wait_delayed_request(sandbox: Sandbox, timeout: float = 90) -> None:
    """Until the worker's post reached the sandbox (which holds it for delay_s, then commits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sandbox.stats()["injected"]["delay"] == 1:
            return
        time.sleep(0.05)
    raise AssertionError("the worker did not post")
