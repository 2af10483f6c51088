"""Who is signed in to the web queue: the session cookie, the CSRF token of every form, role checks.

The cookie holds the session's random secret (review.auth keeps only its SHA-256); it is httponly,
SameSite=Lax, and Secure on HTTPS (HANDOFF_COOKIE_SECURE forces it either way). Every POST carries the
session's CSRF token, as the `csrf_token` form field or the X-CSRF-Token header HTMX sends. The login form,
before any session exists, uses a double-submit token: a random cookie that the form must echo.
"""

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Final
from urllib.parse import quote

from fastapi import Depends, Request
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.responses import Response

from api.deps import SessionDep
from models.errors import HandoffError
from review.auth import check_csrf, lookup_session
from review.errors import CsrfFailed, Forbidden
from review.roles import Permission, allows

SESSION_COOKIE: Final = "handoff_session"
LOGIN_CSRF_COOKIE: Final = "handoff_login_csrf"
CSRF_HEADER: Final = "X-CSRF-Token"
CSRF_FIELD: Final = "csrf_token"


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    cookie_secure: bool | None = None  # None: Secure exactly when the request came over HTTPS


class LoginRequired(HandoffError):
    """Raised by a page dependency when nobody is signed in; WebRoute answers with a redirect to /login."""

    code = "login_required"
    http_status = 303
    title = "Sign in first"


@dataclass(frozen=True)
class WebUser:
    username: str
    display_name: str
    roles: tuple[str, ...]
    csrf_token: str
    allowed: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: Permission) -> bool:
        return permission.value in self.allowed


def login_redirect(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def signed_in(request: Request, session: SessionDep) -> WebUser:
    """The signed-in user (LoginRequired otherwise); also puts them in every page's template context."""
    secret = request.cookies.get(SESSION_COOKIE)
    row = lookup_session(session, secret) if secret else None
    if row is None:
        raise LoginRequired(login_redirect(request))
    user = row.user
    allowed = frozenset(p.value for p in Permission if allows(user.roles, p))
    web_user = WebUser(user.username, user.display_name, tuple(user.roles), row.csrf_token, allowed)
    request.state.user = web_user
    request.state.web_session = row
    request.state.page_context = {"user": web_user, "csrf_token": row.csrf_token, "allowed": allowed}
    return web_user


SignedIn = Annotated[WebUser, Depends(signed_in)]


def must(user: WebUser, permission: Permission) -> None:
    if not user.can(permission):
        raise Forbidden(f"{user.username} ({', '.join(user.roles)}) may not {permission.value}")


def permitted(permission: Permission) -> Callable[[WebUser], WebUser]:
    """A dependency: the signed-in user, if their roles grant `permission` (Forbidden otherwise)."""

    def dependency(user: SignedIn) -> WebUser:
        must(user, permission)
        return user

    return dependency


async def checked_post(request: Request, user: SignedIn) -> WebUser:
    """The signed-in user of a POST that carries their session's CSRF token."""
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None:
        value = (await request.form()).get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    check_csrf(request.state.web_session, supplied)
    return user


CheckedPost = Annotated[WebUser, Depends(checked_post)]


def cookie_secure(request: Request) -> bool:
    configured: bool | None = request.app.state.web_settings.cookie_secure
    return request.url.scheme == "https" if configured is None else configured


def login_token(request: Request) -> str:
    """The login form's double-submit token: the browser's own, or a new one."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    secure = cookie_secure(request)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/login"
    )


def check_login_token(request: Request, supplied: str) -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), supplied.encode()):
        raise CsrfFailed("the sign-in form is stale or was not sent by this browser; reload it")


def set_session_cookie(request: Request, response: Response, secret: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, max_age=max_age, httponly=True, samesite="lax", secure=cookie_secure(request)
    )
