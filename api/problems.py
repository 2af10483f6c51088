"""RFC 9457 problem+json responses for typed errors and request validation failures."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from models.errors import HandoffError

PROBLEM_JSON = "application/problem+json"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {
        "type": f"urn:handoff:error:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    return JSONResponse(body | extra, status_code=status, media_type=PROBLEM_JSON)


async def handoff_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HandoffError)
    return problem(error.http_status, error.code, error.title, error.detail, instance=str(request.url.path))


async def validation_error_handler(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()]
    return problem(
        422,
        "invalid_request",
        "The request is not valid",
        "see errors",
        errors=errors,
        instance=request.url.path,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HandoffError, handoff_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
