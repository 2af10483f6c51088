"""Postings per second from the outbox to the sandbox ERP, exactly-once verified afterwards.

    .venv/bin/python benchmarks/posting.py --count 200   # writes benchmarks/results/posting.json and .md

Two runs, each on a fresh database with `count` approved records (review.approve wrote their outbox rows)
and a fresh `handoff erp-sandbox` on a free port:
- eager: the embedded path, erp.outbox.relay in this process, SQLite;
- worker: a real `handoff worker` (prefork, 2 processes) on a private redis-server, PostgreSQL on
  127.0.0.1; one `erp.post` task per posting is sent, timed until every posting is sent.
Afterwards the sandbox must hold exactly one project and one schedule per approved version.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import psycopg
from bench_env import machine_facts
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.queue import QueueSettings, make_celery
from erp.mapping import load_erp_mapping
from erp.outbox import relay
from erp.rest import RestErp
from erp.settings import ErpSettings
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document, OutboxEntry, OutboxStatus
from models.record import (
    DocumentInfo,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    fields_from_values,
)
from review.approval import approve
from review.users import create_user
from triage.store import store_check

RESULTS_DIR = Path(__file__).resolve().parent / "results"
HANDOFF = Path(sys.executable).parent / "handoff"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
APPROVERS = ("bench-ana", "bench-ben")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_up(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not come up")
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def record(unique: str) -> HandoffRecord:
    values = {
        "document_type": "sow",
        "contract_number": f"SOW-{unique[:10]}",
        "project_name": "Benchmark project",
        "client_name": "Northwind Health, Inc.",
        "start_date": "2026-03-16",
        "end_date": "2026-09-30",
        "currency": "USD",
        "total_contract_value": 300000.0,
        "billing_model": "milestone",
        "payment_terms_days": 30,
        "governing_law": "New York",
    }
    milestones = tuple(
        Milestone(
            name=FieldValue(value=f"Milestone {n}", confidence=1.0),
            amount=FieldValue(value=Decimal(100000), confidence=1.0),
            due_date=FieldValue(value=date(2026, 3 + 2 * n, 15), confidence=1.0),
        )
        for n in (1, 2, 3)
    )
    return HandoffRecord(
        document=DocumentInfo(sha256=unique, filename=f"{unique[:8]}.pdf", pages=3, parser="pypdfium2"),
        extractor=ExtractorInfo(backend="offline", model="rules"),
        fields=fields_from_values(values),
        milestones=milestones,
    )


def approved(sessions: sessionmaker[Session], count: int) -> list[str]:
    """`count` approved record versions, each with its outbox row; returns the outbox entry ids."""
    entries: list[str] = []
    with sessions() as session:
        for name in APPROVERS:
            create_user(session, "admin", name, ["approver"])
        for _ in range(count):
            unique = uuid.uuid4().hex * 2
            document = Document(
                sha256=unique, filename="b.pdf", media_type="application/pdf", size_bytes=1, pages=3,
                parser="pypdfium2", parse_status="ok", ocr_pages=[], parsed={}, storage_key=unique,
                uploaded_by="deal-desk", status="ready_for_review",
            )  # fmt: skip
            session.add(document)
            session.commit()
            version = store_check(session, document.id, record(unique), [], created_by="bench")
            for approver in APPROVERS:
                result = approve(session, approver, version.id)
                if result.outbox_entry_id:
                    entries.append(result.outbox_entry_id)
                    break
    return entries


def verify(sandbox_url: str, sessions: sessionmaker[Session]) -> bool:
    projects = httpx.get(f"{sandbox_url}/api/projects", timeout=60).json()
    with sessions() as session:
        versions = sorted(session.scalars(select(OutboxEntry.record_version_id)))
    return sorted(p["source_record"] for p in projects) == versions and all(
        len(p["schedules"]) == 1 for p in projects
    )


def start_sandbox(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [str(HANDOFF), "erp-sandbox", "--port", str(port), "--db", str(work / "erp.db")]
    process = subprocess.Popen(command)
    url = f"http://127.0.0.1:{port}"
    wait_up(lambda: answers(f"{url}/healthz"), "the sandbox")
    return process, url


def eager_run(count: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp())
    url = f"sqlite:///{work / 'handoff.db'}"
    upgrade_database(url)
    sessions = session_factory(make_engine(url))
    approved(sessions, count)
    sandbox, sandbox_url = start_sandbox(work)
    settings = ErpSettings(erp_url=sandbox_url)
    erp = RestErp(settings, load_erp_mapping())
    started = time.perf_counter()
    relay(sessions, erp, settings)
    elapsed = time.perf_counter() - started
    exactly_once = verify(sandbox_url, sessions)
    sandbox.terminate()
    return row("eager: in-process relay, SQLite", count, elapsed, exactly_once)


def worker_run(count: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp())
    name = f"handoff_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    upgrade_database(url)
    sessions = session_factory(make_engine(url))
    entries = approved(sessions, count)
    sandbox, sandbox_url = start_sandbox(work)
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", ""], stdout=subprocess.DEVNULL
    )
    broker = f"redis://127.0.0.1:{redis_port}/0"
    env = os.environ | {
        "HANDOFF_DATABASE_URL": url,
        "HANDOFF_BROKER_URL": broker,
        "HANDOFF_ERP_URL": sandbox_url,
    }
    worker = subprocess.Popen(
        [str(HANDOFF), "worker", "--concurrency", "2", "--no-beat", "--loglevel", "WARNING"],
        env=env,
        cwd=work,
    )
    sender = make_celery(QueueSettings(broker_url=broker))
    time.sleep(3)  # the worker connects before the clock starts
    started = time.perf_counter()
    for entry_id in entries:
        sender.send_task("erp.post", args=[entry_id])
    wait_up(lambda: sent(sessions) == count, "all postings")
    elapsed = time.perf_counter() - started
    exactly_once = verify(sandbox_url, sessions)
    for process in (worker, sandbox, redis):
        process.terminate()
        process.wait(30)
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return row("worker: handoff worker (prefork x2) + Redis, PostgreSQL", count, elapsed, exactly_once)


def sent(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(
            session.scalar(select(func.count()).where(OutboxEntry.status == OutboxStatus.sent.value)) or 0
        )


def row(mode: str, count: int, elapsed: float, exactly_once: bool) -> dict[str, Any]:
    return {
        "mode": mode,
        "postings": count,
        "seconds": round(elapsed, 2),
        "postings_per_second": round(count / elapsed, 1),
        "exactly_once": exactly_once,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    arguments = parser.parse_args()
    runs = [eager_run(arguments.count), worker_run(arguments.count)]
    info = machine_facts(["celery", "redis", "httpx", "fastapi", "sqlalchemy", "psycopg"])
    results = {"date": time.strftime("%Y-%m-%d"), "machine": info, "runs": runs}
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "posting.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# ERP posting benchmark",
        "",
        f"{results['date']} · {json.dumps(info)}",
        "",
        "| mode | postings | seconds | postings/s | exactly once |",
        "|---|---|---|---|---|",
        *(
            f"| {r['mode']} | {r['postings']} | {r['seconds']} | {r['postings_per_second']} "
            f"| {r['exactly_once']} |"
            for r in runs
        ),
        "",
        "Postings go to `handoff erp-sandbox` on loopback (its own SQLite). The machine was shared with",
        "other work (five helpers on 2 cores) while this ran.",
    ]
    (arguments.results / "posting.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["exactly_once"] for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
