"""Postings per second from the outbox to the sandbox ERP (in-process relay, SQLite), exactly-once verified.

    .venv/bin/python benchmarks/posting.py --count 200   # writes benchmarks/results/posting.json and .md

Approves `count` generated records (review.approve, outbox rows), starts `handoff erp-sandbox` on a free
port, times erp.outbox.relay posting all of them, then checks the sandbox holds exactly one project and one
schedule per approved version. The real-worker + Redis path is measured by tests only (not here).
"""

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from bench_env import machine_facts

from erp.mapping import load_erp_mapping
from erp.outbox import relay
from erp.rest import RestErp
from erp.settings import ErpSettings
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document, User
from review.approval import approve
from review.users import create_user
from triage.store import store_check

RESULTS_DIR = Path(__file__).resolve().parent / "results"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.erp.records import milestone_record  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def approved(sessions, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    versions = []
    with sessions() as session:
        for name in ("bench-ana", "bench-ben"):
            if session.query(User).filter_by(username=name).first() is None:
                create_user(session, "admin", name, ["approver"])
        for _ in range(count):
            unique = uuid.uuid4().hex
            record = milestone_record(unique * 2, contract_number=f"SOW-{unique[:8]}")
            document = Document(
                sha256=unique * 2,
                filename="b.pdf",
                media_type="application/pdf",
                size_bytes=1,
                pages=1,
                parser="p",
                parse_status="ok",
                ocr_pages=[],
                parsed={},
                storage_key="k",
                uploaded_by="deal-desk",
                status="ready_for_review",
            )
            session.add(document)
            session.commit()
            version = store_check(session, document.id, record, [], created_by="bench")
            for approver in ("bench-ana", "bench-ben"):
                if approve(session, approver, version.id).approved:
                    break
            versions.append(version.id)
    return versions


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    url = f"sqlite:///{work / 'handoff.db'}"
    upgrade_database(url)
    sessions = session_factory(make_engine(url))
    versions = approved(sessions, arguments.count)
    port = free_port()
    handoff = Path(sys.executable).parent / "handoff"
    sandbox = subprocess.Popen(
        [str(handoff), "erp-sandbox", "--port", str(port), "--db", str(work / "erp.db")]
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/healthz", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    settings = ErpSettings(erp_url=base)
    erp = RestErp(settings, load_erp_mapping())
    started = time.perf_counter()
    outcomes = relay(sessions, erp, settings)
    elapsed = time.perf_counter() - started
    projects = httpx.get(f"{base}/api/projects", timeout=30).json()
    sandbox.terminate()
    exactly_once = sorted(p["source_record"] for p in projects) == sorted(versions) and all(
        len(p["schedules"]) == 1 for p in projects
    )
    results = {
        "machine": machine_facts(["celery", "httpx", "fastapi", "sqlalchemy"]),
        "mode": "in-process relay (embedded), SQLite, sandbox ERP on loopback",
        "postings": len(versions),
        "sent": sum(1 for o in outcomes if o.value == "sent"),
        "seconds": round(elapsed, 3),
        "postings_per_second": round(len(versions) / elapsed, 1),
        "exactly_once": exactly_once,
    }
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "posting.json").write_text(json.dumps(results, indent=2) + "\n")
    (arguments.results / "posting.md").write_text(
        "# ERP posting benchmark\n\n| mode | postings | seconds | postings/s | exactly once |\n"
        "|---|---|---|---|---|\n"
        f"| {results['mode']} | {results['postings']} | {results['seconds']} | "
        f"{results['postings_per_second']} | {exactly_once} |\n\nMachine: {json.dumps(results['machine'])}\n"
    )
    print(json.dumps(results, indent=2, default=str))
    return 0 if exactly_once else 1


if __name__ == "__main__":
    raise SystemExit(main())
