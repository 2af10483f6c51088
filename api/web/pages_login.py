"""Sign in and out of the web queue."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.responses import Response

from api.auth import (
    COOKIE,
    AuthSettingsDep,
    clear_session_cookie,
    client_address,
    device_of,
    set_device_cookie,
    set_session_cookie,
)
from api.deps import SessionDep
from api.web.auth import SignedIn, check_login_token, login_token, set_login_cookie
from api.web.errors import WebRoute
from api.web.templating import render
from review.auth import authenticate, create_session, revoke_session
from review.errors import CsrfFailed, InvalidCredentials, LoginThrottled

router = APIRouter(include_in_schema=False, route_class=WebRoute)


def _safe_next(target: str | None) -> str:
    """Only a path of this site: an open redirect would turn the login page into a phishing aid."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(
    request: Request, next_path: str, error: str | None, status_code: int, **extra: str
) -> Response:
    token = login_token(request)
    context = {"next": next_path, "error": error, "login_token": token}
    response = render(request, "login.html", context, status_code=status_code)
    set_login_cookie(response, token, request.app.state.auth_settings)
    response.headers.update(extra)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    return _login_page(request, _safe_next(next), None, 200)


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    auth_settings: AuthSettingsDep,
    username: Annotated[str, Form(max_length=255)],
    password: Annotated[str, Form(max_length=1024)],
    login_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    target = _safe_next(next)
    config = request.app.state.review_settings
    device = device_of(request)
    try:
        check_login_token(request, login_token)
        user = authenticate(
            session, username, password, client_address(request), device=device, settings=config
        )
    except LoginThrottled as error:
        return _login_page(request, target, error.detail, 429, **{"Retry-After": str(error.retry_after)})
    except (InvalidCredentials, CsrfFailed) as error:
        return _login_page(request, target, error.detail, error.http_status)
    secret, web_session = create_session(session, user, settings=config)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, secret, web_session, auth_settings)
    set_device_cookie(response, device, config.login_device_days, auth_settings)
    return response


@router.post("/logout")
def logout(
    request: Request, session: SessionDep, user: SignedIn, auth_settings: AuthSettingsDep
) -> RedirectResponse:
    """Ends the session (the POST carried its CSRF token: api.auth checks it)."""
    revoke_session(session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, auth_settings)
    return response
