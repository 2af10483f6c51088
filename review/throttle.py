"""Sign-in throttling: exponential back-off per account, per address and over all sign-ins, with known
browsers (devices) exempt from what an attacker could aim at them.

Every attempt is a LoginAttempt row (username, client address, device, time, success), so the counts hold
across server processes. Before a password is checked (and before argon2 spends 64 MiB on it):

- **Account**: after `login_max_failures` failures of a username (since its last success, within
  `login_window_minutes`), each further try waits `login_backoff_seconds`, doubling per failure up to
  `login_backoff_max_seconds`. There is no fixed lock-out: the wait runs from the last failure.
- **Known device**: a browser that signed in to this account before carries a device cookie (a random
  secret; only its SHA-256 is stored with the successful attempt). Its tries are counted on their own and
  are exempt from the account's, the address's and the global back-off, so failures sent by someone else
  cannot keep the account's owner out (OWASP's device-cookie scheme).
- **Address**: after `login_address_max_failures` failures from one address over any usernames, the same
  back-off: one address cannot walk through the user list.
- **Global**: above `login_global_failures_per_minute` failures over all users and addresses (password
  spraying from many addresses), browsers without a known device wait until the rate falls.

A refused try is not a failure (it checks no password, so it does not lengthen the wait), and is audited
("login.throttled", at most once a minute per username and address).
"""

import hashlib
import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from models.orm import AuditEvent, LoginAttempt
from review.audit import USER, record_event
from review.errors import LoginThrottled
from review.settings import ReviewSettings

DEVICE_BYTES: Final = 32
GLOBAL_WINDOW: Final = timedelta(minutes=1)
AUDIT_EVERY: Final = timedelta(minutes=1)
MAX_DOUBLINGS: Final = 30


@dataclass(frozen=True)
class Attempt:
    """Who tries to sign in: the username as typed (normalised), the client address, the device cookie."""

    username: str
    client: str
    device: str | None
    at: datetime

    @property
    def device_hash(self) -> str | None:
        return device_hash(self.device) if self.device else None


def new_device() -> str:
    """A fresh device cookie value."""
    return secrets.token_urlsafe(DEVICE_BYTES)


def device_hash(device: str) -> str:
    return hashlib.sha256(device.encode()).hexdigest()


def check(session: Session, attempt: Attempt, settings: ReviewSettings) -> None:
    """LoginThrottled (with a retry-after) when this attempt must wait; otherwise nothing."""
    waits = _waits(session, attempt, settings)
    if not waits:
        return
    reason, seconds = max(waits, key=lambda wait: wait[1])
    retry_after = max(1, math.ceil(seconds))
    _audit(session, attempt, reason, retry_after)
    raise LoginThrottled(
        f"too many failed sign-ins {reason}; retry in {retry_after} s", retry_after=retry_after
    )


def _waits(session: Session, attempt: Attempt, settings: ReviewSettings) -> list[tuple[str, float]]:
    window_start = attempt.at - timedelta(minutes=settings.login_window_minutes)
    device = attempt.device_hash
    by_user = LoginAttempt.username == attempt.username
    if device is not None and _known(session, attempt.username, device, attempt.at, settings):
        scope = and_(by_user, LoginAttempt.device == device)
        wait = _back_off(
            session,
            scope,
            _since(session, scope, window_start),
            settings.login_max_failures,
            attempt.at,
            settings,
        )
        return [("from this browser for this account", wait)] if wait else []
    waits: list[tuple[str, float]] = []
    account = _back_off(
        session,
        by_user,
        _since(session, by_user, window_start),
        settings.login_max_failures,
        attempt.at,
        settings,
    )
    if account:
        waits.append(("for this account", account))
    by_address = LoginAttempt.client == attempt.client
    address = _back_off(
        session, by_address, window_start, settings.login_address_max_failures, attempt.at, settings
    )
    if address:
        waits.append(("from this address", address))
    spraying = _global_wait(session, attempt.at, settings.login_global_failures_per_minute)
    if spraying:
        waits.append(("across all accounts (sign in from a browser you used before, or wait)", spraying))
    return waits


def _known(session: Session, username: str, device: str, now: datetime, settings: ReviewSettings) -> bool:
    since = now - timedelta(days=settings.login_device_days)
    query = select(
        exists().where(
            LoginAttempt.username == username,
            LoginAttempt.device == device,
            LoginAttempt.success,
            LoginAttempt.at > since,
        )
    )
    return bool(session.scalar(query))


def _since(session: Session, scope: ColumnElement[bool], window_start: datetime) -> datetime:
    """Failures count from the later of the window's start and the scope's last success."""
    last_success = session.scalar(select(func.max(LoginAttempt.at)).where(scope, LoginAttempt.success))
    return max(window_start, last_success) if last_success else window_start


def _back_off(
    session: Session,
    scope: ColumnElement[bool],
    since: datetime,
    free: int,
    now: datetime,
    settings: ReviewSettings,
) -> float:
    """Seconds still to wait after the scope's failures since `since` (0: none)."""
    limit = free + MAX_DOUBLINGS
    failures: Sequence[datetime] = session.scalars(
        select(LoginAttempt.at)
        .where(scope, LoginAttempt.success.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    ).all()
    if len(failures) < free:
        return 0.0
    delay = min(
        settings.login_backoff_seconds * 2 ** (len(failures) - free), settings.login_backoff_max_seconds
    )
    remaining = (failures[0] + timedelta(seconds=delay) - now).total_seconds()
    return max(0.0, remaining)


def _global_wait(session: Session, now: datetime, per_minute: int) -> float:
    """Seconds until the failures of the last minute fall below `per_minute` (0: they are below)."""
    recent: Sequence[datetime] = session.scalars(
        select(LoginAttempt.at)
        .where(LoginAttempt.success.is_(False), LoginAttempt.at > now - GLOBAL_WINDOW)
        .order_by(LoginAttempt.at.desc())
        .limit(per_minute)
    ).all()
    if len(recent) < per_minute:
        return 0.0
    return max(0.0, (recent[-1] + GLOBAL_WINDOW - now).total_seconds())


def _audit(session: Session, attempt: Attempt, reason: str, retry_after: int) -> None:
    actor = f"anonymous@{attempt.client}"[:255]
    recent = select(
        exists().where(
            AuditEvent.action == "login.throttled",
            AuditEvent.entity_type == USER,
            AuditEvent.entity_id == attempt.username[:64],
            AuditEvent.actor == actor,
            AuditEvent.at > attempt.at - AUDIT_EVERY,
        )
    )
    if session.scalar(recent):
        return
    after: dict[str, Any] = {"client": attempt.client, "reason": reason, "retry_after_s": retry_after}
    record_event(session, actor, "login.throttled", (USER, attempt.username[:64]), after=after, at=attempt.at)
    session.commit()
