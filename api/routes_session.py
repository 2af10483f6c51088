"""Signing in and out, who am I, and API tokens (each user manages their own; admins revoke any)."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from api.auth import (
    COOKIE,
    AuthSettingsDep,
    CurrentUser,
    clear_session_cookie,
    client_address,
    device_of,
    set_device_cookie,
    set_session_cookie,
)
from api.deps import SessionDep
from review.auth import (
    NewToken,
    TokenView,
    authenticate,
    create_session,
    create_token,
    list_tokens,
    revoke_session,
)
from review.auth import revoke_token as revoke_api_token
from review.settings import ReviewSettings

router = APIRouter(prefix="/api", tags=["session"])
PROBLEM = {"model": dict[str, Any], "content": {"application/problem+json": {}}}
AUTH_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {**PROBLEM, "description": "not signed in, or a wrong/revoked token"},
    403: {**PROBLEM, "description": "roles do not allow it, or the CSRF token is missing"},
}


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    username: str
    display_name: str
    roles: list[str]
    via: str
    csrf_token: str | None = Field(description="send it as X-CSRF-Token (or form field csrf_token) on writes")
    expires_at: datetime | None = None


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    days: int | None = Field(
        default=None, ge=1, le=3650, description="lifetime in days (default HANDOFF_TOKEN_DAYS, 90)"
    )


def review_settings(request: Request) -> ReviewSettings:
    settings: ReviewSettings = request.app.state.review_settings
    return settings


@router.post(
    "/session",
    responses={
        401: {**PROBLEM, "description": "unknown username or wrong password"},
        429: {**PROBLEM, "description": "too many failed sign-ins (Retry-After)"},
    },
)
def sign_in(
    credentials: Credentials,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: AuthSettingsDep,
) -> Me:
    """Sign in: sets the session cookie (Secure, HttpOnly, SameSite=Lax) and returns the CSRF token."""
    config = review_settings(request)
    device = device_of(request)
    user = authenticate(
        session,
        credentials.username,
        credentials.password,
        client_address(request),
        device=device,
        settings=config,
    )
    secret, web_session = create_session(session, user, settings=config)
    set_session_cookie(response, secret, web_session, settings)
    set_device_cookie(response, device, config.login_device_days, settings)
    return Me(
        username=user.username,
        display_name=user.display_name,
        roles=list(user.roles),
        via="session",
        csrf_token=web_session.csrf_token,
        expires_at=web_session.expires_at,
    )


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, responses=AUTH_PROBLEMS)
def sign_out(
    request: Request, caller: CurrentUser, session: SessionDep, settings: AuthSettingsDep
) -> Response:
    """Sign out: revokes the session of the cookie (a token caller has no session to end)."""
    secret = request.cookies.get(COOKIE)
    if caller.via == "session" and secret:
        revoke_session(session, secret)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookie(response, settings)
    return response


@router.get("/me", responses=AUTH_PROBLEMS)
def me(caller: CurrentUser) -> Me:
    web_session = caller.web_session
    return Me(
        username=caller.username,
        display_name=caller.user.display_name,
        roles=list(caller.user.roles),
        via=caller.via,
        csrf_token=web_session.csrf_token if web_session else None,
        expires_at=web_session.expires_at if web_session else None,
    )


@router.post("/tokens", status_code=status.HTTP_201_CREATED, responses=AUTH_PROBLEMS)
def new_token(body: TokenRequest, request: Request, caller: CurrentUser, session: SessionDep) -> NewToken:
    """A new API token for the caller; `token` is shown only in this response. It expires after `days`."""
    config = review_settings(request)
    return create_token(session, caller.username, caller.username, body.name, days=body.days, settings=config)


@router.get("/tokens", responses=AUTH_PROBLEMS)
def my_tokens(caller: CurrentUser, session: SessionDep) -> list[TokenView]:
    return list_tokens(session, caller.username)


@router.delete(
    "/tokens/{token_id}", responses=AUTH_PROBLEMS | {404: {**PROBLEM, "description": "no such token"}}
)
def revoke_token(token_id: str, caller: CurrentUser, session: SessionDep) -> TokenView:
    return revoke_api_token(session, caller.user, token_id)
