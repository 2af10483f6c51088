"""Postings per second from the outbox to the sandbox ERP, exactly-once verified afterwards.

    .venv/bin/python benchmarks/posting.py --count 1000 --latency-ms 200   # writes results/posting.json, .md

Three runs, each on a fresh database of approved records (review.approve wrote their outbox rows) and a
fresh `handoff erp-sandbox --latency-ms` (200 ms per posting by default, as a real ERP's API) on a free port:
- eager, one posting in flight (HANDOFF_ERP_CONCURRENCY=1, how the relay posted before): `--serial-count`;
- eager, `--concurrency` postings in flight (erp.outbox.relay's thread pool), SQLite: `--count`;
- worker: a real `handoff worker` (prefork, 2 processes) on a private redis-server, PostgreSQL on
  127.0.0.1; one `erp.post` task per posting is sent, timed until every posting is sent: `--serial-count`.
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
from pipeline.queue import QueueSettings, make_celery
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


def start_sandbox(work: Path, latency_ms: float = 0.0) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [str(HANDOFF), "erp-sandbox", "--port", str(port), "--db", str(work / "erp.db")]
    command += ["--latency-ms", str(latency_ms)]
    process = subprocess.Popen(command)
    url = f"http://127.0.0.1:{port}"
    wait_up(lambda: answers(f"{url}/healthz"), "the sandbox")
    return process, url


def eager_run(count: int, latency_ms: float, concurrency: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp())
    url = f"sqlite:///{work / 'handoff.db'}"
    upgrade_database(url)
    sessions = session_factory(make_engine(url))
    approved(sessions, count)
    sandbox, sandbox_url = start_sandbox(work, latency_ms)
    batch = max(50, 2 * concurrency)
    settings = ErpSettings(erp_url=sandbox_url, erp_concurrency=concurrency, erp_relay_batch=batch)
    erp = RestErp(settings, load_erp_mapping())
    load = os.getloadavg()[0]
    started = time.perf_counter()
    relay(sessions, erp, settings)
    elapsed = time.perf_counter() - started
    exactly_once = verify(sandbox_url, sessions)
    sandbox.terminate()
    mode = f"eager: in-process relay, SQLite, {concurrency} in flight"
    return row(mode, count, elapsed, exactly_once, latency_ms, (load, os.getloadavg()[0]))


def worker_run(count: int, latency_ms: float = 0.0) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp())
    name = f"handoff_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    upgrade_database(url)
    sessions = session_factory(make_engine(url))
    entries = approved(sessions, count)
    sandbox, sandbox_url = start_sandbox(work, latency_ms)
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
    load = os.getloadavg()[0]
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
    mode = "worker: handoff worker (prefork x2) + Redis, PostgreSQL, one task per posting"
    return row(mode, count, elapsed, exactly_once, latency_ms, (load, os.getloadavg()[0]))


def sent(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return int(
            session.scalar(select(func.count()).where(OutboxEntry.status == OutboxStatus.sent.value)) or 0
        )


def row(
    mode: str, count: int, elapsed: float, exactly_once: bool, latency_ms: float, load: tuple[float, float]
) -> dict[str, Any]:
    return {
        "mode": mode,
        "erp_latency_ms": latency_ms,
        "postings": count,
        "seconds": round(elapsed, 2),
        "postings_per_second": round(count / elapsed, 1),
        "exactly_once": exactly_once,
        "load_1min_before_after": [round(load[0], 2), round(load[1], 2)],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000, help="postings of the concurrent runs")
    parser.add_argument("--serial-count", type=int, default=100, help="postings of the one-at-a-time run")
    parser.add_argument("--latency-ms", type=float, default=200.0, help="the sandbox ERP's time per posting")
    parser.add_argument(
        "--concurrency", type=int, default=40, help="postings in flight in the concurrent run"
    )
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    arguments = parser.parse_args()
    latency = arguments.latency_ms
    runs = [
        eager_run(arguments.serial_count, latency, 1),
        eager_run(arguments.count, latency, arguments.concurrency),
        worker_run(arguments.serial_count, latency),
    ]
    info = machine_facts(["celery", "redis", "httpx", "fastapi", "sqlalchemy", "psycopg"])
    results = {"date": time.strftime("%Y-%m-%d"), "machine": info, "runs": runs}
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "posting.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# ERP posting benchmark",
        "",
        f"{results['date']} · {json.dumps(info)}",
        "",
        "| mode | ERP latency (ms) | postings | seconds | postings/s | exactly once | load before → after |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r['mode']} | {r['erp_latency_ms']:g} | {r['postings']} | {r['seconds']} "
            f"| {r['postings_per_second']} | {r['exactly_once']} "
            f"| {r['load_1min_before_after'][0]} → {r['load_1min_before_after'][1]} |"
            for r in runs
        ),
        "",
        "Postings go to `handoff erp-sandbox --latency-ms` on loopback (its own SQLite). Exactly once: the",
        "sandbox holds one project with one schedule per approved version. Load is the 1-minute load average",
        "measured at the start and end of each run.",
    ]
    (arguments.results / "posting.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["exactly_once"] for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
