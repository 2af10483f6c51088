"""Postings per second from the outbox to the sandbox ERP, exactly-once verified afterwards.

    .venv/bin/python benchmarks/posting.py        # writes results/posting.json, .md (about 15 minutes)

Every run starts from a fresh database of approved records (review.approve wrote their outbox rows) and a
fresh `handoff erp-sandbox --latency-ms 200` on a free port (a real ERP's API takes 100-500 ms a call):
- eager, one posting in flight (HANDOFF_ERP_CONCURRENCY=1, how the relay posted before): `--serial-count`;
- eager, `--concurrency` postings in flight (erp.outbox.relay's threads), SQLite: `--count`;
- workers: 1, 2 and 4 `handoff worker` processes (solo pool, `--worker-concurrency` postings in flight
  each) on a private redis-server and PostgreSQL, `--count` and `--large-count` postings; one `erp.post`
  task per approval is sent, as approvals do, timed until every posting is sent;
- faults: 2 workers against a sandbox with 100 ms jitter, 2% random 503s, 50 armed 500s and 10 dropped
  connections after commit; one worker is SIGKILLed mid-batch (its claims expire and the other takes them).
Afterwards the sandbox must hold exactly one project with one billing schedule per approved version, and
no project for anything else. The approved records are made once per size in a PostgreSQL template
database and copied for each run.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from bench_env import create_database, database_url, drop_database, free_port, machine_facts, start_redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from erp.mapping import load_erp_mapping
from erp.outbox import relay
from erp.rest import RestErp
from erp.settings import ErpSettings
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document, OutboxEntry, OutboxStatus, utc_now
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
APPROVERS = ("bench-ana", "bench-ben")


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


def start_sandbox(
    work: Path, latency_ms: float = 0.0, faults: "Faults | None" = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [str(HANDOFF), "erp-sandbox", "--port", str(port), "--db", str(work / "erp.db")]
    command += ["--latency-ms", str(latency_ms)]
    if faults is not None:
        command += ["--jitter-ms", str(faults.jitter_ms), "--error-rate", str(faults.error_rate)]
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
    stats = httpx.get(f"{sandbox_url}/admin/stats", timeout=30).json()
    sandbox.terminate()
    sandbox.wait(30)
    mode = f"eager: in-process relay, SQLite, {concurrency} in flight"
    result = row(mode, count, elapsed, exactly_once, latency_ms, (load, os.getloadavg()[0]))
    return result | {"in_flight_peak": stats["in_flight_peak"], "erp_projects": stats["projects"]}


def postgres_template(count: int) -> str:
    """A template database of `count` approved records with their outbox rows (made once per size)."""
    name = create_database(f"handoff_bench_tpl_{count}")
    url = database_url(name)
    upgrade_database(url)
    engine = make_engine(url)
    approved(session_factory(engine), count)
    engine.dispose()
    return name


@dataclass(frozen=True)
class Faults:
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    fail_next: int = 0
    drop_next: int = 0
    kill_at: float = 0.0  # SIGKILL the last worker when this share of postings is sent (0: never)


def worker_run(
    template: str, count: int, workers: int, concurrency: int, latency_ms: float, faults: Faults | None = None
) -> dict[str, Any]:
    faults = faults or Faults()
    work = Path(tempfile.mkdtemp())
    name = create_database("handoff_bench", template)
    url = database_url(name)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        entries = list(session.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id)))
    assert len(entries) == count, (len(entries), count)
    sandbox, sandbox_url = start_sandbox(work, latency_ms, faults)
    if faults.fail_next or faults.drop_next:
        armed = {"fail_next": faults.fail_next, "drop_next": faults.drop_next}
        httpx.post(f"{sandbox_url}/admin/faults", json=armed, timeout=10).raise_for_status()
    redis, broker = start_redis()
    env = os.environ | {
        "HANDOFF_DATABASE_URL": url,
        "HANDOFF_BROKER_URL": broker,
        "HANDOFF_ERP_URL": sandbox_url,
        "HANDOFF_ERP_CONCURRENCY": str(concurrency),
        "HANDOFF_ERP_CLAIM_S": "10",  # a killed worker's claims are taken again after 10 s
        "HANDOFF_ERP_BACKOFF_S": "0.5",
        "HANDOFF_ERP_RELAY_INTERVAL_S": "2",
    }
    processes = [
        subprocess.Popen(
            [str(HANDOFF), "worker", "--pool", "solo", "--loglevel", "ERROR"]
            + ([] if number == 0 else ["--no-beat"]),  # one beat: the sweep that takes expired claims
            env=env,
            cwd=work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for number in range(workers)
    ]
    sender = make_celery(QueueSettings(broker_url=broker))
    time.sleep(4)  # the workers connect before the clock starts
    load = os.getloadavg()[0]
    started_at = utc_now()
    started = time.perf_counter()
    for entry_id in entries:
        sender.send_task("erp.post", args=[entry_id])
    killed = False
    deadline = time.monotonic() + 1800
    while (done := sent(sessions)) < count:
        if faults.kill_at and not killed and done >= faults.kill_at * count:
            processes[-1].send_signal(signal.SIGKILL)
            killed = True
        if time.monotonic() > deadline:
            raise TimeoutError(f"{done} of {count} postings sent in 30 minutes")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    exactly_once = verify(sandbox_url, sessions)
    stats = httpx.get(f"{sandbox_url}/admin/stats", timeout=30).json()
    with sessions() as session:
        finished = sorted(
            (at - started_at).total_seconds()
            for at in session.scalars(select(OutboxEntry.sent_at))
            if at is not None
        )
        attempts = int(session.scalar(select(func.sum(OutboxEntry.attempts))) or 0)
    engine.dispose()
    for process in (*processes, sandbox, redis):
        process.terminate()
        process.wait(30)
    drop_database(name)
    mode = f"{workers} worker{'s' if workers > 1 else ''} x {concurrency} in flight, Redis, PostgreSQL"
    if faults != Faults():
        mode += (
            f"; faults: jitter {faults.jitter_ms:g} ms, {faults.error_rate:.0%} random 503, "
            f"{faults.fail_next} x 500, {faults.drop_next} dropped after commit"
            + (f", a worker SIGKILLed at {faults.kill_at:.0%} sent" if faults.kill_at else "")
        )
    result = row(mode, count, elapsed, exactly_once, latency_ms, (load, os.getloadavg()[0]))
    result |= {
        "sent_after_s_p50_p95": [round(statistics.median(finished), 1), round(quantile(finished, 0.95), 1)],
        "in_flight_peak": stats["in_flight_peak"],
        "attempts": attempts,
        "erp_projects": stats["projects"],
        "erp_schedules": stats["schedules"],
        "erp_replays": stats["replays"],
        "faults_injected": stats["injected"],
        "worker_killed": killed,
    }
    return result


def quantile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


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
    parser.add_argument("--large-count", type=int, default=10000, help="postings of the large worker runs")
    parser.add_argument("--serial-count", type=int, default=100, help="postings of the one-at-a-time run")
    parser.add_argument("--latency-ms", type=float, default=200.0, help="the sandbox ERP's time per posting")
    parser.add_argument("--concurrency", type=int, default=64, help="postings in flight, in-process run")
    parser.add_argument("--worker-concurrency", type=int, default=64, help="postings in flight per worker")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    arguments = parser.parse_args()
    latency, per_worker = arguments.latency_ms, arguments.worker_concurrency
    runs = [
        eager_run(arguments.serial_count, latency, 1),
        eager_run(arguments.count, latency, arguments.concurrency),
    ]
    fault_run = Faults(jitter_ms=100, error_rate=0.02, fail_next=50, drop_next=10, kill_at=0.3)
    for count in (arguments.count, arguments.large_count):
        template = postgres_template(count)
        try:
            for workers in (int(n) for n in arguments.workers.split(",")):
                runs.append(worker_run(template, count, workers, per_worker, latency))
                print(json.dumps(runs[-1]), flush=True)
            if count == arguments.count:
                runs.append(worker_run(template, count, 2, per_worker, latency, fault_run))
                print(json.dumps(runs[-1]), flush=True)
        finally:
            drop_database(template)
    info = machine_facts(["celery", "redis", "httpx", "fastapi", "sqlalchemy", "psycopg"])
    results = {"date": time.strftime("%Y-%m-%d"), "machine": info, "runs": runs}
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "posting.json").write_text(json.dumps(results, indent=2) + "\n")
    (arguments.results / "posting.md").write_text(report(results) + "\n")
    print(report(results))
    return 0 if all(r["exactly_once"] for r in runs) else 1


def report(results: dict[str, Any]) -> str:
    runs: list[dict[str, Any]] = results["runs"]
    lines = [
        "# ERP posting benchmark",
        "",
        f"{results['date']} · {json.dumps(results['machine'])}",
        "",
        "| mode | ERP latency (ms) | postings | seconds | postings/s | sent after p50 / p95 (s) "
        "| peak in flight | attempts | exactly once | load before → after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        after = r.get("sent_after_s_p50_p95")
        lines.append(
            f"| {r['mode']} | {r['erp_latency_ms']:g} | {r['postings']} | {r['seconds']} "
            f"| {r['postings_per_second']} | {f'{after[0]} / {after[1]}' if after else '–'} "
            f"| {r.get('in_flight_peak', '–')} | {r.get('attempts', '–')} | {r['exactly_once']} "
            f"| {r['load_1min_before_after'][0]} → {r['load_1min_before_after'][1]} |"
        )
    faulted = [r for r in runs if any(r.get("faults_injected", {}).values())]
    lines += [
        "",
        "Postings go to `handoff erp-sandbox --latency-ms` on loopback (its own SQLite). Exactly once: the",
        "sandbox holds one project with one billing schedule per approved version and nothing else.",
        "*Sent after*: seconds from the start of the run until a posting was recorded sent (the backlog's",
        "p50 and p95).",
        "Load is the 1-minute load average measured at the start and end of each run; the machine has",
        f"{results['machine']['nproc']} cores and runs the sandbox, PostgreSQL, Redis and the workers.",
    ]
    for r in faulted:
        lines.append(
            f"Fault run: the sandbox injected {json.dumps(r['faults_injected'])}, answered "
            f"{r['erp_replays']} replays of a seen idempotency key, and holds {r['erp_projects']} projects "
            f"with {r['erp_schedules']} schedules for {r['postings']} approvals; worker killed: "
            f"{r['worker_killed']}."
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
