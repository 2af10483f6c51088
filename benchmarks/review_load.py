"""The review queue under a team at quarter end: documents in PostgreSQL, reviewers on the web app (locust).

    .venv/bin/python benchmarks/review_load.py --label after     # writes results/review-load-after.{json,md}

Seeds `--documents` (default 10,000) in a PostgreSQL database of their own (benchmarks/review_seed.py; kept
between runs: `--reseed` starts again), creates `--users` reviewer/approver accounts, starts `handoff serve`
(`--workers` processes; default: HANDOFF_WEB_WORKERS or one per core) on a free port, and runs locust headless
(benchmarks/locustfile_review.py) with `--users` reviewers for `--seconds`: queue pages, filters, document
pages, page images, field accepts and approvals. `--profile` samples every server process with py-spy during
the run and writes the functions that took the time beside the results. Every report records the machine,
its load average before and after, and the settings; results/review-load.md gathers every label's report.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Final

import httpx
import psycopg
from bench_env import free_port, machine_facts
from review_seed import copy_rows, document_ids, ingest_distinct
from sqlalchemy import func, select

from intake.settings import IntakeSettings
from intake.storage import LocalStorage
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document
from pipeline.flow import use_database
from review.errors import Conflict
from review.users import create_user

HERE: Final = Path(__file__).resolve().parent
RESULTS_DIR: Final = HERE / "results"
BIN: Final = Path(sys.executable).parent
POSTGRES: Final = "postgresql://postgres@127.0.0.1:5432"
DATABASE: Final = "handoff_review_bench"
PASSWORD: Final = "bench-reviewer-password-1"  # noqa: S105 - throwaway accounts of a local benchmark
TARGETS_MS: Final = {"page image": 300.0}
PAGE_TARGET_MS: Final = 100.0


def seed(documents: int, distinct: int, users: int, reseed: bool, where: tuple[str, Path]) -> str:
    """The benchmark database and storage folder `where` (made once, kept between runs); returns its URL."""
    database, work = where
    url = f"{POSTGRES}/{database}"
    storage = LocalStorage(work / "storage")
    settings = IntakeSettings()
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
        if exists and reseed:
            admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
            shutil.rmtree(work, ignore_errors=True)
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{database}"')
    upgrade_database(url)
    use_database(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        present = int(session.scalar(select(func.count()).select_from(Document)) or 0)
    if present == 0:
        work.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        templates = ingest_distinct(sessions, storage, settings, distinct, Path(tempfile.mkdtemp()))
        print(
            f"{distinct} documents through the pipeline in {time.perf_counter() - started:.0f} s", flush=True
        )
        copy_rows(sessions, storage, settings, templates, documents)
        with engine.connect() as connection:  # planner statistics, as autovacuum would gather them
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        print(f"{documents} documents seeded in {time.perf_counter() - started:.0f} s", flush=True)
    elif present != documents:
        raise SystemExit(f"{database} holds {present} documents, not {documents}: run with --reseed")
    with sessions() as session:
        for number in range(users):
            name = f"bench-reviewer-{number:03d}"
            try:
                create_user(session, "admin", name, ["reviewer", "approver"], password=PASSWORD)
            except Conflict:  # made by an earlier run
                session.rollback()
    engine.dispose()
    return url


def serve(url: str, workers: int | None, directory: Path, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = os.environ | {
        "HANDOFF_DATABASE_URL": url,
        "HANDOFF_STORAGE_DIR": str(work / "storage"),
        "HANDOFF_COOKIE_SECURE": "false",  # locust speaks plain HTTP to 127.0.0.1
        "HANDOFF_ERP_URL": f"http://127.0.0.1:{free_port()}",  # no ERP: approvals queue their posting
    }
    command = [str(BIN / "handoff"), "serve", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, cwd=directory)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit("handoff serve did not come up")
        time.sleep(0.3)


def server_processes(server: subprocess.Popen[bytes]) -> list[int]:
    """The serving processes: the workers under the supervisor, or the one process."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    pids = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    serving = [pid for pid in pids if "multiprocessing" not in Path(f"/proc/{pid}/cmdline").read_text()]
    return pids if len(pids) > 1 else (serving or [server.pid])


def profile(pids: list[int], seconds: int, directory: Path) -> list[Path]:
    """py-spy samples of each process for `seconds` (started now, in the background)."""
    outputs = [directory / f"profile-{pid}.txt" for pid in pids]
    for pid, output in zip(pids, outputs, strict=True):
        command = [str(BIN / "py-spy"), "record", "--pid", str(pid), "--duration", str(seconds)]
        command += ["--rate", "50", "--format", "raw", "--output", str(output), "--nonblocking"]
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return outputs


def summarise_profile(outputs: list[Path], top: int = 30) -> list[str]:
    """The functions of handoff's own code (and the libraries it calls) that the samples were in."""
    inclusive: Counter[str] = Counter()
    total = 0
    for output in outputs:
        if not output.exists():
            continue
        for line in output.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            samples = int(count)
            total += samples
            seen: set[str] = set()
            for frame in stack.split(";"):
                name, _, where = frame.partition(" (")
                label = f"{name} ({where.split(':')[0].split('site-packages/')[-1].split('/main/')[-1]}"
                if label not in seen:
                    seen.add(label)
                    inclusive[label] += samples
    lines = [f"{total} samples of the server processes (50/s); share of samples in each function:", ""]
    lines += ["| share | function |", "|---|---|"]
    skip = ("threading.py", "_bootstrap", "run (", "worker (", "<module>", "asyncio", "concurrent/futures")
    shown = [(label, n) for label, n in inclusive.most_common() if not any(s in label for s in skip)]
    lines += [f"| {n / max(total, 1):.0%} | `{label}` |" for label, n in shown[:top]]
    return lines


def locust(
    base: str, users: int, spawn_rate: float, seconds: int, directory: Path, env: dict[str, str]
) -> Path:
    prefix = directory / "locust"
    command = [str(BIN / "locust"), "-f", str(HERE / "locustfile_review.py"), "--headless", "--host", base]
    command += ["--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s"]
    command += ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"]
    subprocess.run(command, env=os.environ | env, cwd=directory, check=False)
    return Path(f"{prefix}_stats.csv")


def read_stats(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open() as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"],
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                    "max_ms": round(float(row["Max Response Time"] or 0)),
                    "per_second": round(float(row["Requests/s"] or 0), 1),
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="run", help="names the report: results/review-load-<label>.*")
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--distinct", type=int, default=40, help="documents run through the pipeline")
    parser.add_argument("--users", type=int, default=50, help="concurrent reviewers")
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=None, help="handoff serve processes")
    parser.add_argument("--profile", action="store_true", help="py-spy the server processes")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--database", default=DATABASE, help="PostgreSQL database (and var/ folder) of the run"
    )
    arguments = parser.parse_args()
    database, work = arguments.database, HERE.parent / "var" / arguments.database.replace("_", "-")
    url = seed(arguments.documents, arguments.distinct, arguments.users, arguments.reseed, (database, work))
    directory = Path(tempfile.mkdtemp())
    (directory / "users.txt").write_text(
        "".join(f"bench-reviewer-{n:03d} {PASSWORD}\n" for n in range(arguments.users))
    )
    engine = make_engine(url)
    (directory / "documents.txt").write_text(
        "".join(f"{document_id} {pages}\n" for document_id, pages in document_ids(session_factory(engine)))
    )
    engine.dispose()
    server, base = serve(url, arguments.workers, directory, work)
    try:
        pids = server_processes(server)
        load = os.getloadavg()[0]
        outputs = profile(pids, arguments.seconds, directory) if arguments.profile else []
        env = {
            "BENCH_USERS": str(directory / "users.txt"),
            "BENCH_DOCUMENTS": str(directory / "documents.txt"),
            "BENCH_QUEUE_PAGES": str(max(2, min(20, arguments.documents // 50))),
        }
        stats = read_stats(
            locust(base, arguments.users, arguments.spawn_rate, arguments.seconds, directory, env)
        )
        load_after = os.getloadavg()[0]
        time.sleep(2)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()  # requests still hanging: the report says so
            server.wait(10)
    result = {
        "label": arguments.label,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": machine_facts(["fastapi", "uvicorn", "sqlalchemy", "psycopg", "locust"]),
        "documents": arguments.documents,
        "reviewers": arguments.users,
        "seconds": arguments.seconds,
        "server_processes": len(pids),
        "load_1min_before_after": [round(load, 2), round(load_after, 2)],
        "requests": stats,
        "profile": summarise_profile(outputs) if outputs else [],
    }
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / f"review-load-{arguments.label}.json").write_text(
        json.dumps(result, indent=2) + "\n"
    )
    write_report(arguments.results)
    print((arguments.results / "review-load.md").read_text())
    return 0


def write_report(results: Path) -> None:
    """results/review-load.md from every review-load-<label>.json there."""
    lines = ["# Review queue under load", ""]
    lines += [
        "Written by `benchmarks/review_load.py` (see its docstring). Targets: p95 under "
        f"{PAGE_TARGET_MS:g} ms for pages and {TARGETS_MS['page image']:g} ms for page images, no errors.",
        "",
    ]
    for path in sorted(results.glob("review-load-*.json")):
        run = json.loads(path.read_text())
        lines += [
            f"## {run['label']}: {run['documents']:,} documents, {run['reviewers']} reviewers, "
            f"{run['server_processes']} server processes, {run['seconds']} s",
            "",
            f"{run['date']} · load average {run['load_1min_before_after'][0]} → "
            f"{run['load_1min_before_after'][1]} · {json.dumps(run['machine'])}",
            "",
            "| request | count | errors | p50 ms | p95 ms | p99 ms | max ms | req/s | p95 target |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for row in run["requests"]:
            target = TARGETS_MS.get(row["name"], PAGE_TARGET_MS)
            met = (
                "–"
                if row["name"] in ("Aggregated", "login form", "sign in")
                else ("met" if row["p95_ms"] <= target else "missed")
            )
            lines.append(
                f"| {row['method']} {row['name']} | {row['requests']} | {row['failures']} "
                f"| {row['p50_ms']:g} | {row['p95_ms']:g} | {row['p99_ms']:g} | {row['max_ms']} "
                f"| {row['per_second']} | {met} |"
            )
        if run["profile"]:
            lines += ["", "Profile (py-spy, every server process, the whole run):", "", *run["profile"]]
        lines.append("")
    (results / "review-load.md").write_text("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
