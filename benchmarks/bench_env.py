"""What machine a benchmark ran on, written beside its results so the numbers can be judged; and what the
benchmarks start for themselves: a free loopback port, scratch PostgreSQL databases, a private Redis."""

import os
import platform
import socket
import subprocess
import uuid
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import psycopg


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else ():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine_facts(packages: Iterable[str]) -> dict[str, object]:
    """CPU, usable cores, platform, Python and the versions of `packages`."""
    return {
        "cpu": cpu_model(),
        "nproc": len(os.sched_getaffinity(0)),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: metadata.version(name) for name in packages},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def database_url(name: str) -> str:
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def create_database(prefix: str, template: str | None = None) -> str:
    """A new, empty (or `template`-copied) PostgreSQL database of the local server; its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    copied = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copied}')
    return name


def drop_database(name: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_redis() -> tuple["subprocess.Popen[bytes]", str]:
    """A private redis-server on a free port that keeps nothing on disk, and its broker URL."""
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--save", ""], stdout=subprocess.DEVNULL)
    return process, f"redis://127.0.0.1:{port}/0"
