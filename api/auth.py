"""Who is calling: a bearer API token (REST clients) or the session cookie (the browser), for every route.

- `Authorization: Bearer hnd_…` → the token's user. A wrong or revoked token is 401, never anonymous.
- Cookie `handoff_session` → the session's user. On unsafe methods (POST, PUT, PATCH, DELETE) a cookie
  caller must also send the session's CSRF token, in the `X-CSRF-Token` header or a `csrf_token` form
  field; a bearer caller need not (a browser never adds the header by itself).
- `allow(permission)` is the route dependency: 401 without a caller, 403 when the roles (review.roles)
  do not grant it. The HTML pages use the same dependencies (`CurrentUser`, `OptionalUser`, `allow`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Final, Literal

from fastapi import Depends, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.problems import handoff_error_handler
from api.settings import AuthSettings
from models.orm import User, WebSession
from review.auth import check_csrf, lookup_session, lookup_token
from review.errors import Forbidden, LoginThrottled, Unauthenticated
from review.roles import Permission, allows
from review.throttle import new_device

COOKIE: Final = "handoff_session"
# Marks a browser that signed in before (review.throttle): its sign-ins skip throttling others can aim.
DEVICE_COOKIE: Final = "handoff_device"
CSRF_HEADER: Final = "X-CSRF-Token"
CSRF_FIELD: Final = "csrf_token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")

bearer_scheme = HTTPBearer(auto_error=False, description="an API token from `handoff users token`")
cookie_scheme = APIKeyCookie(name=COOKIE, auto_error=False, description="browser session (POST /api/session)")


@dataclass(frozen=True)
class Caller:
    """The signed-in user and how they signed in; `web_session` only for the cookie."""

    user: User
    via: Literal["token", "session"]
    web_session: WebSession | None = None

    @property
    def username(self) -> str:
        return self.user.username


async def optional_caller(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Caller | None:
    """The caller, or None when the request carries neither a token nor a live session cookie. The lookups
    run in the threadpool: a database wait on the event loop would stop every request of the process (and,
    with the connection pool busy, hold it until the pool's timeout)."""
    if bearer is not None:
        user = await run_in_threadpool(lookup_token, session, bearer.credentials)
        if user is None:
            raise Unauthenticated("the API token is unknown or revoked")
        return Caller(user=user, via="token")
    if cookie is None:
        return None
    found = await run_in_threadpool(_live_session, session, cookie)
    if found is None:
        return None
    web_session, user = found
    if request.method not in SAFE_METHODS:
        check_csrf(web_session, await _csrf_token(request))
    return Caller(user=user, via="session", web_session=web_session)


def _live_session(session: Session, cookie: str) -> tuple[WebSession, User] | None:
    web_session = lookup_session(session, cookie)
    return None if web_session is None else (web_session, web_session.user)


async def _csrf_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def current_caller(caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    if caller is None:
        raise Unauthenticated("sign in (POST /api/session) or send an API token (Authorization: Bearer)")
    return caller


OptionalUser = Annotated[Caller | None, Depends(optional_caller)]
CurrentUser = Annotated[Caller, Depends(current_caller)]


def allow(permission: Permission) -> Callable[[Caller], Caller]:
    """A dependency that returns the caller if their roles grant `permission` (else 401/403)."""

    def allowed(caller: CurrentUser) -> Caller:
        if not allows(caller.user.roles, permission):
            raise Forbidden(f"{caller.username} ({', '.join(caller.user.roles)}) may not {permission.value}")
        return caller

    allowed.__name__ = f"allow_{permission.value}"
    return allowed


def set_session_cookie(
    response: Response, secret: str, web_session: WebSession, settings: AuthSettings
) -> None:
    response.set_cookie(
        COOKIE,
        secret,
        expires=web_session.expires_at,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def device_of(request: Request) -> str:
    """The browser's device cookie, or a new one (review.throttle: known after a successful sign-in)."""
    supplied = request.cookies.get(DEVICE_COOKIE, "")
    return supplied if 20 <= len(supplied) <= 128 else new_device()


def set_device_cookie(response: Response, device: str, days: int, settings: AuthSettings) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=days * 24 * 3600,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )


def client_address(request: Request) -> str:
    """The peer address (a trusted proxy's X-Forwarded-For has already replaced it: api.security)."""
    return request.client.host if request.client else "unknown"


def clear_session_cookie(response: Response, settings: AuthSettings) -> None:
    response.delete_cookie(COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax")


async def _throttled_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginThrottled)
    response = await handoff_error_handler(request, error)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


async def _unauthenticated_handler(request: Request, error: Exception) -> Response:
    response = await handoff_error_handler(request, error)
    response.headers["WWW-Authenticate"] = 'Bearer realm="handoff"'
    return response


def install_auth(app: FastAPI) -> None:
    """Problem handlers that add Retry-After (throttled sign-in) and WWW-Authenticate (401)."""
    app.add_exception_handler(LoginThrottled, _throttled_handler)
    app.add_exception_handler(Unauthenticated, _unauthenticated_handler)


def auth_settings(request: Request) -> AuthSettings:
    settings: AuthSettings = request.app.state.auth_settings
    return settings


AuthSettingsDep = Annotated[AuthSettings, Depends(auth_settings)]
