"""What machine a benchmark ran on, written beside its results so the numbers can be judged; and a free
loopback port for the servers a benchmark starts."""

import os
import platform
import socket
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path


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
