"""Errors of web pages render as a page, never as a stack trace or a problem+json body."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from api.web.auth import LoginRequired
from api.web.templating import render
from models.errors import HandoffError


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
