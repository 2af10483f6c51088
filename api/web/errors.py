"""Errors of web pages render as a page, never as a stack trace or a problem+json body."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.problems import problem
from api.web.auth import LoginRequired
from api.web.templating import render
from models.errors import HandoffError

TITLES = {404: "Page not found", 405: "Not a page", 413: "Too large"}


class WebRoute(APIRoute):
    """A route whose typed errors (HandoffError) answer with the error page and the error's status, and
    whose pages send a visitor who is not signed in to the login page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as error:
                if request.headers.get("HX-Request"):
                    return Response(status_code=204, headers={"HX-Redirect": error.detail})
                return RedirectResponse(error.detail, status_code=303)
            except HandoffError as error:
                context = {"title": error.title, "error": f"{error.detail} ({error.code})"}
                return render(request, "error.html", context, status_code=error.http_status)

        return handle


def wants_page(request: Request) -> bool:
    """A browser navigating (not a REST client, not an /api call)."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


async def http_error_handler(request: Request, error: Exception) -> Response:
    """Starlette's own errors (no such route, wrong method): an error page for a browser, problem+json
    for everyone else, never the framework's bare JSON."""
    assert isinstance(error, StarletteHTTPException)
    title = TITLES.get(error.status_code, "The request could not be served")
    response: Response
    if wants_page(request):
        detail = (
            "This address is not a page of the queue." if error.status_code in (404, 405) else error.detail
        )
        context = {"title": title, "error": str(detail)}
        response = render(request, "error.html", context, status_code=error.status_code)
    else:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        response = problem(error.status_code, code, title, str(error.detail), instance=request.url.path)
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response
