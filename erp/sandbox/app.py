"""The sandbox ERP's HTTP API and page.

POST /api/projects and POST /api/projects/{id}/amendments need an `Idempotency-Key` header: the same key and
body again answer what the first request was answered (header `Idempotent-Replayed: true`), the same key
with another body is refused with 422. Every answer to a posting echoes its Idempotency-Key.
GET /api/projects lists what was received; GET / shows it as a page.
/admin/faults arms faults (erp/sandbox/faults.py), /admin/stats counts, /admin/reset empties the database.
"""

import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from erp.sandbox.connection import ConnectionFaults
from erp.sandbox.faults import FAULT_STATE, FaultBoard, Faults
from erp.sandbox.schema import AmendmentIn, ProjectIn
from erp.sandbox.store import KeyReused, SandboxStore, UnknownProject

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
KeyHeader = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]


def error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def create_sandbox(db: Path) -> ConnectionFaults:
    """The sandbox as an ASGI app, wrapped so it can drop or double-answer connections when told to."""
    app = FastAPI(title="handoff ERP sandbox", version="1")
    store = SandboxStore(db)
    board = FaultBoard()
    app.state.store, app.state.board = store, board

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return error(422, "invalid request", detail=[str(e.get("msg")) for e in exc.errors()])

    def posting(request: Request, key: str | None, body: dict[str, Any], model: type[ProjectIn]) -> Any:
        if not key:
            return error(400, "an Idempotency-Key header is required")
        actions = board.take()
        if "fail" in actions:
            return error(500, "injected fault: internal error")
        if "delay" in actions:
            time.sleep(board.faults.delay_s or 5.0)
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
    def create_project(request: Request, body: dict[str, Any], key: KeyHeader = None) -> Any:
        try:
            refused = posting(request, key, body, ProjectIn)
            if refused is not None:
                return refused
            assert key is not None
            return answer(key, *store.create_project(key, body))
        except KeyReused:
            return error(422, "this Idempotency-Key was used with a different body")

    @app.post("/api/projects/{project_id}/amendments")
    def create_amendment(
        request: Request, project_id: str, body: dict[str, Any], key: KeyHeader = None
    ) -> Any:
        try:
            refused = posting(request, key, body, AmendmentIn)
            if refused is not None:
                return refused
            assert key is not None
            return answer(key, *store.create_amendment(project_id, key, body))
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
        return {**store.stats(), "injected": board.injected, "armed": board.faults.model_dump()}

    @app.post("/admin/reset")
    def reset() -> dict[str, str]:
        store.reset()
        board.reset()
        return {"status": "empty"}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return ConnectionFaults(app)
