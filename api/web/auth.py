"""Who is signed in to the web queue, on top of api.auth (the same session cookie and CSRF rules as REST).

api.auth.optional_caller reads the `handoff_session` cookie and, on every POST, refuses one without the
session's CSRF token (the `csrf_token` form field, or the X-CSRF-Token header HTMX sends from base.html).
Here a page without a signed-in caller becomes a redirect to /login, and the caller's roles and CSRF token
go into every page's template context. The login form, before any session exists, uses a double-submit
token: a random cookie that the form must echo.
"""

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Final
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request
from starlette.responses import Response

from api.auth import OptionalUser
from api.settings import AuthSettings
from models.errors import HandoffError
from review.errors import CsrfFailed, Forbidden
from review.roles import Permission, allows

LOGIN_CSRF_COOKIE: Final = "handoff_login_csrf"


class LoginRequired(HandoffError):
    """Raised by a page dependency when nobody is signed in; WebRoute answers with a redirect to /login."""

    code = "login_required"
    http_status = 303
    title = "Sign in first"


@dataclass(frozen=True)
class WebUser:
    username: str
    roles: tuple[str, ...]
    csrf_token: str
    allowed: frozenset[str]

    def can(self, permission: Permission) -> bool:
        return permission.value in self.allowed


def login_redirect(request: Request) -> str:
    """/login with the page to come back to: the page itself for a GET; for a form sent (POST) after the
    session ended, the page the form was on (its Referer, if it is this site's), else the queue: after
    signing in the browser must land on a page, never on a POST-only address."""
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        referer = urlsplit(request.headers.get("referer", ""))
        same_site = referer.netloc == request.url.netloc and referer.path.startswith("/")
        target = referer.path if same_site and not referer.path.startswith("/login") else "/"
    return f"/login?next={quote(target, safe='')}"


def signed_in(request: Request, caller: OptionalUser) -> WebUser:
    """The signed-in user (LoginRequired otherwise); also puts them in every page's template context."""
    if caller is None:
        raise LoginRequired(login_redirect(request))
    roles = tuple(caller.user.roles)
    allowed = frozenset(p.value for p in Permission if allows(roles, p))
    csrf = caller.web_session.csrf_token if caller.web_session else ""
    user = WebUser(caller.username, roles, csrf, allowed)
    request.state.page_context = {"user": user, "csrf_token": csrf, "allowed": allowed}
    return user


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


def login_token(request: Request) -> str:
    """The login form's double-submit token: the browser's own, or a new one."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def set_login_cookie(response: Response, token: str, settings: AuthSettings) -> None:
    secure = settings.cookie_secure
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/login"
    )


def check_login_token(request: Request, supplied: str) -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), supplied.encode()):
        raise CsrfFailed("the sign-in form is stale or was not sent by this browser; reload it")
