"""The pipeline in a real Celery worker process, through Redis and through RabbitMQ, on PostgreSQL."""

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from intake.service import ingest
from intake.settings import IntakeSettings
from intake.storage import LocalStorage
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document
from pipeline.queue import QueueSettings, make_celery
from tests.erp.conftest import HANDOFF

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
BROKERS = {"redis": "redis://127.0.0.1:6379/0", "rabbitmq": "amqp://guest:guest@127.0.0.1:5672//"}
SOW = b"# Statement of Work SOW-9\n\nClient: Northwind Health, Inc. Total fees: USD 48,000.00, Net 30.\n"


@pytest.fixture(params=sorted(BROKERS))
def broker(request: pytest.FixtureRequest) -> str:
    return BROKERS[request.param]


@pytest.fixture
def worker(postgres_url: str, broker: str, tmp_path: Path) -> Iterator[str]:
    upgrade_database(postgres_url)
    queue = f"handoff-test-{uuid.uuid4().hex[:8]}"
    env = os.environ | {
        "HANDOFF_DATABASE_URL": postgres_url,
        "HANDOFF_BROKER_URL": broker,
        "HANDOFF_QUEUE": queue,
    }
    log = (tmp_path / "worker.log").open("wb")
    command = [str(HANDOFF), "worker", "--pool", "solo", "--no-beat", "--loglevel", "WARNING"]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    yield queue
    process.terminate()
    process.wait(20)


def test_a_queued_document_is_extracted_and_checked_by_the_worker(
    postgres_url: str, broker: str, worker: str, tmp_path: Path
) -> None:
    engine = make_engine(postgres_url)
    sessions = session_factory(engine)
    with sessions() as session:
        stored = ingest(
            SOW, "sow.md", session=session, storage=LocalStorage(tmp_path / "s"), settings=IntakeSettings()
        )
        session.get(Document, stored.document_id).status = "queued"  # type: ignore[union-attr]
        session.commit()
    sender = make_celery(QueueSettings(broker_url=broker, queue=worker))
    sender.send_task("pipeline.extract", args=[stored.document_id])

    assert wait_status(sessions, stored.document_id, "ready_for_review") == "ready_for_review"
    sender.close()
    engine.dispose()


def wait_status(sessions: sessionmaker[Session], document_id: str, wanted: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        with sessions() as session:
            document = session.get(Document, document_id)
            status = document.status if document else ""
        if status in (wanted, "failed"):
            return status
        time.sleep(0.3)
    return status
