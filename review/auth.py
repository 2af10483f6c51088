"""Signing in: `authenticate` with throttling, browser sessions with their CSRF token, and API tokens.

- Throttling (review.throttle): exponential back-off per account, per address and over all sign-ins;
  browsers that signed in to the account before (device cookie) are exempt from what others can aim at
  them. A throttled attempt is refused with LoginThrottled and a retry-after, without checking the password.
- A session cookie holds a random secret; the database keeps only its SHA-256 (WebSession.id), so a
  database read cannot be replayed as a cookie. Sessions expire after session_hours and can be revoked.
- Each session has a CSRF token; `check_csrf` compares in constant time.
- An API token (`hnd_` + 43 random characters) is shown once; the database keeps its SHA-256. It expires
  (ReviewSettings.token_days by default, or the days asked for at creation) and records when it was used.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.orm import ApiToken, LoginAttempt, User, WebSession, utc_now
from review import throttle
from review.audit import USER, record_event
from review.errors import CsrfFailed, InvalidCredentials, InvalidValue, NotFound
from review.settings import ReviewSettings
from review.throttle import Attempt
from review.users import hash_password, needs_rehash, verify_password

TOKEN_PREFIX: Final = "hnd_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for
# Touching last_used_at on every request would make each read a write; once a minute is enough.
TOKEN_TOUCH: Final = timedelta(minutes=1)
MAX_TOKEN_DAYS: Final = 3650


class TokenView(FrozenModel):
    id: str
    name: str
    username: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewToken(FrozenModel):
    token: str
    view: TokenView


def sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(
    session: Session,
    username: str,
    password: str,
    client: str,
    *,
    device: str | None = None,
    settings: ReviewSettings | None = None,
    now: datetime | None = None,
) -> User:
    """The active user with this username and password; InvalidCredentials or LoginThrottled otherwise.

    `device` is the browser's device cookie (review.throttle), if it sent one; the attempt is recorded
    with it, so after a success the browser is a known device of this account.
    """
    config = settings or ReviewSettings()
    attempt = Attempt(username.strip().lower()[:255], client[:255], device, now or utc_now())
    throttle.check(session, attempt, config)
    user = session.scalar(select(User).where(User.username == attempt.username))
    ok = verify_password(user.password_hash if user else None, password)
    success = ok and bool(user and user.active)
    session.add(
        LoginAttempt(
            username=attempt.username,
            client=attempt.client,
            at=attempt.at,
            success=success,
            device=attempt.device_hash,
        )
    )
    if user is None or not success:
        session.commit()
        raise InvalidCredentials("unknown username or wrong password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    return user


# --- browser sessions ------------------------------------------------------------------------------------


def create_session(
    session: Session, user: User, *, settings: ReviewSettings | None = None
) -> tuple[str, WebSession]:
    """A new browser session for `user`: returns the cookie secret (shown to the browser only) and the row."""
    secret = secrets.token_urlsafe(32)
    now = utc_now()
    row = WebSession(
        id=sha256(secret),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=(settings or ReviewSettings()).session_hours),
    )
    session.add(row)
    record_event(
        session,
        user.username,
        "session.create",
        (USER, user.id),
        after={"expires_at": row.expires_at.isoformat()},
    )
    session.commit()
    return secret, row


def lookup_session(session: Session, secret: str, *, now: datetime | None = None) -> WebSession | None:
    """The live session of a cookie secret (not expired, not revoked, active user), else None."""
    row = session.get(WebSession, sha256(secret))
    moment = now or utc_now()
    if row is None or row.revoked_at is not None or row.expires_at <= moment or not row.user.active:
        return None
    return row


def revoke_session(session: Session, secret: str) -> None:
    row = session.get(WebSession, sha256(secret))
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = utc_now()
    record_event(session, row.user.username, "session.revoke", (USER, row.user_id))
    session.commit()


def check_csrf(web_session: WebSession, supplied: str | None) -> None:
    """CsrfFailed unless `supplied` is the session's CSRF token (compared in constant time)."""
    if not supplied or not hmac.compare_digest(supplied.encode(), web_session.csrf_token.encode()):
        raise CsrfFailed("this form or request lacks the session's CSRF token")


# --- API tokens ------------------------------------------------------------------------------------------


def create_token(
    session: Session,
    actor: str,
    username: str,
    name: str,
    *,
    days: int | None = None,
    settings: ReviewSettings | None = None,
) -> NewToken:
    """A new API token for `username`, made by `actor` (the user themself or an admin: the caller checks),
    valid for `days` (ReviewSettings.token_days by default; at most MAX_TOKEN_DAYS)."""
    name = name.strip()
    if not name or len(name) > 255:
        raise InvalidValue("a token name of 1 to 255 characters is required")
    lifetime = days if days is not None else (settings or ReviewSettings()).token_days
    if not 1 <= lifetime <= MAX_TOKEN_DAYS:
        raise InvalidValue(f"a token lives 1 to {MAX_TOKEN_DAYS} days, not {lifetime}")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_sha256=sha256(token),
        created_at=now,
        expires_at=now + timedelta(days=lifetime),
    )
    session.add(row)
    session.flush()
    after = {"token_id": row.id, "name": name, "expires_at": row.expires_at.isoformat()}
    record_event(session, actor, "token.create", (USER, user.id), after=after)
    session.commit()
    return NewToken(token=token, view=_token_view(row, username))


def lookup_token(session: Session, token: str, *, now: datetime | None = None) -> User | None:
    """The active user of a live API token (not revoked, not expired), else None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_sha256 == sha256(token)))
    moment = now or utc_now()
    if row is None or row.revoked_at is not None or row.expires_at <= moment or not row.user.active:
        return None
    if row.last_used_at is None or moment - row.last_used_at > TOKEN_TOUCH:
        row.last_used_at = moment
        session.commit()
    return row.user


def list_tokens(session: Session, username: str) -> list[TokenView]:
    rows = session.scalars(
        select(ApiToken).join(User).where(User.username == username).order_by(ApiToken.created_at)
    )
    return [_token_view(row, username) for row in rows]


def revoke_token(session: Session, actor: User, token_id: str) -> TokenView:
    """Revoke a token: its owner or an admin may; anyone else gets NotFound (the id stays private)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and "admin" not in actor.roles):
        raise NotFound(f"no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = utc_now()
        record_event(session, actor.username, "token.revoke", (USER, row.user_id), after={"token_id": row.id})
        session.commit()
    return _token_view(row, row.user.username)


def _token_view(row: ApiToken, username: str) -> TokenView:
    return TokenView(
        id=row.id,
        name=row.name,
        username=username,
        created_at=row.created_at,
        expires_at=row.expires_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )
