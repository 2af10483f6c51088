"""Server memory under a flood of failed sign-ins: argon2 (64 MiB per hash) bounded vs not.

    .venv/bin/python benchmarks/login_flood.py [--requests 200]   # or: handoff bench --login-flood

Each run starts a real `handoff serve` on a free port (fresh SQLite database, no broker) and sends
`--requests` concurrent POST /api/session with unknown usernames and wrong passwords (each costs one argon2
verification against the dummy hash). The server's resident memory is read from /proc/<pid>/status: VmRSS
before the flood and VmHWM (the process's peak) after it. Runs:

- `bounded`: the default, one password hash at a time per core (HANDOFF_PASSWORD_HASH_CONCURRENCY=0);
- `unbounded`: 64 at a time, more than the server's 40 request threads, i.e. what it was before the bound;
- `throttled`: the default settings with throttling on, as deployed (the first runs lift the per-address
  and global limits so that every request reaches argon2).

Writes benchmarks/results/login-flood.json and .md with the machine, its load average before and after
each run, and the answers' status counts and latencies.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import httpx
from bench_env import free_port, machine_facts

RESULTS_DIR: Final = Path(__file__).resolve().parent / "results"
HANDOFF: Final = Path(sys.executable).parent / "handoff"
PACKAGES: Final = ("handoff", "argon2-cffi", "uvicorn", "fastapi")
NO_THROTTLE: Final = {
    "HANDOFF_LOGIN_ADDRESS_MAX_FAILURES": "1000000",
    "HANDOFF_LOGIN_GLOBAL_FAILURES_PER_MINUTE": "1000000",
}
RUNS: Final = {
    "bounded": {"HANDOFF_PASSWORD_HASH_CONCURRENCY": "0", **NO_THROTTLE},
    "unbounded": {"HANDOFF_PASSWORD_HASH_CONCURRENCY": "64", **NO_THROTTLE},
    "throttled": {"HANDOFF_PASSWORD_HASH_CONCURRENCY": "0"},
}


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak since start) of a process, in MB."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


async def flood(url: str, requests: int) -> tuple[Counter[int], list[float]]:
    limits = httpx.Limits(max_connections=requests, max_keepalive_connections=requests)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=600) as client:

        async def one(index: int) -> tuple[int, float]:
            started = time.perf_counter()
            body = {"username": f"flood-{index}", "password": f"wrong-{index}"}
            answer = await client.post("/api/session", json=body)
            return answer.status_code, time.perf_counter() - started

        answers = await asyncio.gather(*(one(index) for index in range(requests)))
    return Counter(status for status, _ in answers), sorted(seconds for _, seconds in answers)


def run(name: str, overrides: dict[str, str], requests: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = (
            os.environ
            | overrides
            | {
                "HANDOFF_DATABASE_URL": f"sqlite:///{Path(folder) / 'handoff.db'}",
                "HANDOFF_STORAGE_DIR": str(Path(folder) / "storage"),
                "HANDOFF_BROKER_URL": "",
            }
        )
        server = subprocess.Popen(
            [str(HANDOFF), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url)
            before = memory_mb(server.pid)
            load_before = load_average()
            started = time.perf_counter()
            statuses, latencies = asyncio.run(flood(url, requests))
            elapsed = time.perf_counter() - started
            after = memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "run": name,
        "settings": overrides,
        "requests": requests,
        "rss_before_mb": round(before["VmRSS"], 1),
        "peak_rss_mb": round(after["VmHWM"], 1),
        "growth_mb": round(after["VmHWM"] - before["VmRSS"], 1),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "latency_p50_s": round(statistics.median(latencies), 3),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "elapsed_s": round(elapsed, 2),
        "load_before": load_before,
        "load_after": load_average(),
    }


def _wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"handoff serve did not answer on {url}")


def markdown(report: dict[str, Any]) -> str:
    machine = report["machine"]
    lines = [
        "# Failed sign-in flood: server memory",
        "",
        f"Written by `benchmarks/login_flood.py` on {report['date']}: {machine['cpu']}, "
        f"{machine['nproc']} cores, Python {machine['python']}. Each run: a fresh `handoff serve`, "
        f"{report['requests']} concurrent failed sign-ins (unknown users), server RSS from /proc "
        "(peak = VmHWM).",
        "",
        "| run | RSS before (MB) | peak RSS (MB) | growth (MB) | answers | p50 (s) | p95 (s) | all in (s) "
        "| load before → after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in report["runs"]:
        answers = ", ".join(f"{count}× {status}" for status, count in row["statuses"].items())
        lines.append(
            f"| {row['run']} | {row['rss_before_mb']} | {row['peak_rss_mb']} | {row['growth_mb']} "
            f"| {answers} | {row['latency_p50_s']} | {row['latency_p95_s']} | {row['elapsed_s']} "
            f"| {row['load_before']} → {row['load_after']} |"
        )
    lines += [
        "",
        "`bounded` is the default (one argon2 hash at a time per core); `unbounded` lets 64 run at once (the "
        "server's 40 request threads are then the only bound, as before the semaphore); `throttled` is the "
        "default with sign-in throttling on, where most of the flood is refused (429) before any hash.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--results", type=Path, default=RESULTS_DIR)
    args = parser.parse_args()
    runs = [run(name, overrides, args.requests) for name, overrides in RUNS.items()]
    report = {
        "benchmark": "login-flood",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(PACKAGES),
        "requests": args.requests,
        "runs": runs,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "login-flood.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.results / "login-flood.md").write_text(markdown(report))
    sys.stdout.write(markdown(report))


if __name__ == "__main__":
    main()
