"""The sandbox ERP's HTTP API and page.

POST /api/projects and POST /api/projects/{id}/amendments need an `Idempotency-Key` header: the same key and
body again answer what the first request was answered (header `Idempotent-Replayed: true`), the same key
with another body is refused with 422. Every answer to a posting echoes its Idempotency-Key.
GET /api/projects lists what was received; GET / shows it as a page.
/admin/faults arms faults (erp/sandbox/faults.py), /admin/stats counts, /admin/reset empties the database.
"""

import asyncio
import math
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from erp.sandbox.connection import ConnectionFaults
from erp.sandbox.faults import FAULT_STATE, FaultBoard, Faults
from erp.sandbox.schema import AmendmentIn, ProjectIn
from erp.sandbox.store import KeyReused, SandboxStore, UnknownProject

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
KeyHeader = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]


def error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


@dataclass(frozen=True)
class Behaviour:
    """How the sandbox behaves like a real ERP under load (`handoff erp-sandbox` options): each posting
    takes latency ± jitter, a share of them fail with 503 before anything is stored, and above `rate_limit`
    postings per second the ERP answers 429 with Retry-After."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    rate_limit: float = 0.0
    seed: int = 0


class _Window:
    """Postings started in the current second, for the rate limit (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._second, self._count = 0, 0

    def admit(self, limit: float) -> float | None:
        """None when a posting may start now, else the seconds until it may."""
        now = time.monotonic()
        with self._lock:
            if int(now) != self._second:
                self._second, self._count = int(now), 0
            if self._count >= limit:
                return self._second + 1 - now
            self._count += 1
            return None


def create_sandbox(db: Path, behaviour: Behaviour | None = None) -> ConnectionFaults:
    """The sandbox as an ASGI app, wrapped so it can drop or double-answer connections when told to."""
    app = FastAPI(title="handoff ERP sandbox", version="1")
    store = SandboxStore(db)
    board = FaultBoard()
    app.state.store, app.state.board = store, board
    load = behaviour or Behaviour()
    window, chance = _Window(), random.Random(load.seed)  # noqa: S311 - simulated faults, not security
    flight = {"now": 0, "peak": 0}
    flight_lock = threading.Lock()

    @app.middleware("http")
    async def count_in_flight(request: Request, call_next: Any) -> Any:
        """Postings being handled at once, and the peak: what a client's concurrency looks like here."""
        if request.method != "POST" or not request.url.path.startswith("/api/"):
            return await call_next(request)
        with flight_lock:
            flight["now"] += 1
            flight["peak"] = max(flight["peak"], flight["now"])
        try:
            return await call_next(request)
        finally:
            with flight_lock:
                flight["now"] -= 1

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error(422, "invalid request", detail=[str(e.get("msg")) for e in exc.errors()])

    async def posting(request: Request, key: str | None, body: dict[str, Any], model: type[ProjectIn]) -> Any:
        """None when the posting may be stored, else the answer that refuses it. The latency is awaited, not
        slept in a thread: a real ERP's slowness holds the client's connection, not one of 40 threads here."""
        if not key:
            return error(400, "an Idempotency-Key header is required")
        if load.rate_limit > 0 and (wait := window.admit(load.rate_limit)) is not None:
            response = error(429, f"over {load.rate_limit:g} postings per second")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
        if load.latency_ms or load.jitter_ms:
            jitter = chance.uniform(-load.jitter_ms, load.jitter_ms)
            await asyncio.sleep(max(0.0, load.latency_ms + jitter) / 1000)
        if load.error_rate and chance.random() < load.error_rate:
            return error(503, "simulated transient error")
        actions = board.take()
        if "fail" in actions:
            return error(500, "injected fault: internal error")
        if "delay" in actions:
            await asyncio.sleep(board.faults.delay_s or 5.0)
        try:
            model.model_validate(body)
        except ValidationError as invalid_body:
            fields = [".".join(map(str, e["loc"])) + ": " + e["msg"] for e in invalid_body.errors()]
            return error(422, "the posting does not match the ERP's API", detail=fields)
        setattr(request.state, FAULT_STATE, next((a for a in actions if a in ("drop", "ack_twice")), None))
        return None

    def answer(key: str, status: int, body: dict[str, Any], replayed: bool) -> JSONResponse:
        headers = {"Idempotency-Key": key} | ({"Idempotent-Replayed": "true"} if replayed else {})
        return JSONResponse(body, status_code=200 if replayed else status, headers=headers)

    @app.post("/api/projects")
    async def create_project(request: Request, body: dict[str, Any], key: KeyHeader = None) -> Any:
        try:
            refused = await posting(request, key, body, ProjectIn)
            if refused is not None:
                return refused
            assert key is not None
            return answer(key, *await run_in_threadpool(store.create_project, key, body))
        except KeyReused:
            return error(422, "this Idempotency-Key was used with a different body")

    @app.post("/api/projects/{project_id}/amendments")
    async def create_amendment(
        request: Request, project_id: str, body: dict[str, Any], key: KeyHeader = None
    ) -> Any:
        try:
            refused = await posting(request, key, body, AmendmentIn)
            if refused is not None:
                return refused
            assert key is not None
            return answer(key, *await run_in_threadpool(store.create_amendment, project_id, key, body))
        except KeyReused:
            return error(422, "this Idempotency-Key was used with a different body")
        except UnknownProject:
            return error(404, f"no project {project_id}")

    @app.get("/api/projects")
    def list_projects() -> list[dict[str, Any]]:
        return store.projects()

    @app.get("/api/projects/{project_id}")
    def read_project(project_id: str) -> Any:
        found = [p for p in store.projects() if p["id"] == project_id]
        return found[0] if found else error(404, f"no project {project_id}")

    @app.get("/", response_class=HTMLResponse)
    def page(request: Request) -> HTMLResponse:
        context = {"projects": store.projects(), "stats": store.stats()}
        return TEMPLATES.TemplateResponse(request, "sandbox.html", context)

    @app.post("/admin/faults")
    def arm(faults: Faults) -> Faults:
        board.arm(faults)
        return board.faults

    @app.get("/admin/stats")
    def stats() -> dict[str, Any]:
        return {
            **store.stats(),
            "injected": board.injected,
            "armed": board.faults.model_dump(),
            "in_flight_peak": flight["peak"],
        }

    @app.post("/admin/reset")
    def reset() -> dict[str, str]:
        store.reset()
        board.reset()
        flight["peak"] = 0
        return {"status": "empty"}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return ConnectionFaults(app)
