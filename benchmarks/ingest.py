"""Documents per minute from upload to ready for review, through Celery workers.

    .venv/bin/python benchmarks/ingest.py        # writes results/ingest.{json,md} (about 10 minutes)

`--documents` generated SOW PDFs (born-digital; seeds of their own, this is a speed measurement) are written
to a folder once. For each worker count (`--workers`, default 1 and 2) a fresh PostgreSQL database, a private
redis-server and `handoff worker --concurrency N` (prefork: N processes) start; `handoff ingest DIR` parses
and stores every file and queues it (HANDOFF_BROKER_URL set), and the clock stops when every document is
ready for review (or failed: counted and reported). Reported: documents per minute end to end, the ingest
command's own time (parse, store, queue), and the load average before and after. The machine has 2 cores:
the ingest command, the workers, PostgreSQL and Redis share them.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

from bench_env import create_database, database_url, drop_database, machine_facts, start_redis
from sqlalchemy import func, select

from evals.sow.generator import generate_spec
from evals.sow.render import render_document
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document, DocumentStatus

RESULTS_DIR: Final = Path(__file__).resolve().parent / "results"
HANDOFF: Final = Path(sys.executable).parent / "handoff"
SETTLED: Final = (DocumentStatus.ready_for_review.value, DocumentStatus.failed.value)


def write_documents(folder: Path, count: int) -> int:
    pages = 0
    for number in range(count):
        rendered = render_document(generate_spec(970_000 + number))
        (folder / f"sow-{number:04d}.pdf").write_bytes(rendered.data)
        pages += rendered.page_count
    return pages


def run(folder: Path, count: int, workers: int) -> dict[str, Any]:
    name = create_database("handoff_ingest")
    url = database_url(name)
    upgrade_database(url)
    work = Path(tempfile.mkdtemp())
    redis, broker = start_redis()
    env = os.environ | {
        "HANDOFF_DATABASE_URL": url,
        "HANDOFF_BROKER_URL": broker,
        "HANDOFF_STORAGE_DIR": str(work / "storage"),
    }
    worker = subprocess.Popen(
        [str(HANDOFF), "worker", "--concurrency", str(workers), "--no-beat", "--loglevel", "ERROR"],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(5)  # the worker connects before the clock starts
    engine = make_engine(url)
    sessions = session_factory(engine)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    subprocess.run(
        [str(HANDOFF), "ingest", str(folder), "--uploaded-by", "bench-desk"],
        env=env,
        cwd=work,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    ingested = time.perf_counter() - started
    deadline = time.monotonic() + 3600
    while (settled := _settled(sessions)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{settled} of {count} documents settled in an hour")
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    with sessions() as session:
        failed = int(
            session.scalar(
                select(func.count())
                .select_from(Document)
                .where(Document.status == DocumentStatus.failed.value)
            )
            or 0
        )
    engine.dispose()
    for process in (worker, redis):
        process.terminate()
        process.wait(60)
    drop_database(name)
    return {
        "workers": workers,
        "documents": count,
        "failed": failed,
        "seconds": round(elapsed, 1),
        "documents_per_minute": round(count / elapsed * 60, 1),
        "ingest_command_seconds": round(ingested, 1),
        "load_1min_before_after": [round(load, 2), round(os.getloadavg()[0], 2)],
    }


def _settled(sessions: Any) -> int:
    with sessions() as session:
        return int(
            session.scalar(select(func.count()).select_from(Document).where(Document.status.in_(SETTLED)))
            or 0
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--workers", default="1,2", help="worker process counts to run")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    pages = write_documents(folder, arguments.documents)
    runs = [run(folder, arguments.documents, int(n)) for n in arguments.workers.split(",")]
    info = machine_facts(["celery", "redis", "sqlalchemy", "psycopg", "pypdfium2"])
    results = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": info, "pages": pages, "runs": runs}
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "ingest.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Ingest through Celery: upload to ready for review",
        "",
        f"{results['date']} · {json.dumps(info)}",
        "",
        f"{arguments.documents} generated born-digital SOW PDFs ({pages} pages), offline extraction,",
        "PostgreSQL, Redis; written by `benchmarks/ingest.py` (see its docstring).",
        "",
        "| workers | documents | failed | seconds | documents/min | ingest command (s) "
        "| load before → after |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r['workers']} | {r['documents']} | {r['failed']} | {r['seconds']} "
            f"| {r['documents_per_minute']} | {r['ingest_command_seconds']} "
            f"| {r['load_1min_before_after'][0]} → {r['load_1min_before_after'][1]} |"
            for r in runs
        ),
    ]
    (arguments.results / "ingest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["failed"] == 0 for r in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
