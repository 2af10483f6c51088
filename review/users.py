"""People: argon2id password hashes (argon2-cffi), creating and listing users, demo users for `make run`.

Usernames are lower-case letters, digits and `._-` (1–64, starting with a letter or digit). A supplied
password needs at least MIN_PASSWORD characters; without one, a random one is generated and returned once.
Nothing in handoff ships a default credential: demo users are made only by `handoff users seed-demo`,
each with a fresh random password.
"""

import os
import re
import secrets
import threading
from collections.abc import Iterable
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.orm import Role, User
from review.audit import USER, record_event
from review.errors import Conflict, InvalidValue
from review.settings import ReviewSettings

MIN_PASSWORD: Final = 12
USERNAME: Final = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
# One per role, and a second approver so that four-eyes (two approvers above the threshold) can be tried.
DEMO_USERS: Final = (
    *((f"demo-{role.value.replace('_', '-')}", role) for role in Role),
    ("demo-approver-2", Role.approver),
)

_hasher = PasswordHasher()  # argon2-cffi's defaults: argon2id, RFC 9106 low-memory profile (64 MiB, t=3)
# Verified against when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH: Final = _hasher.hash(secrets.token_urlsafe(16))
# Each hash holds 64 MiB while it runs: a flood of sign-ins (failed ones included) queues here instead of
# multiplying memory by the number of request threads.
_HASH_SLOTS: Final = threading.BoundedSemaphore(
    ReviewSettings().password_hash_concurrency or max(1, os.cpu_count() or 1)
)


class UserView(FrozenModel):
    username: str
    display_name: str
    roles: tuple[str, ...]
    active: bool


class CreatedUser(FrozenModel):
    user: UserView
    password: str | None = None


def hash_password(password: str) -> str:
    with _HASH_SLOTS:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; an unknown user (None) is checked against a dummy hash."""
    try:
        with _HASH_SLOTS:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    return secrets.token_urlsafe(18)


def view(user: User) -> UserView:
    return UserView(
        username=user.username, display_name=user.display_name, roles=tuple(user.roles), active=user.active
    )


def checked_roles(roles: Iterable[str]) -> list[str]:
    known = {role.value for role in Role}
    given = list(dict.fromkeys(roles))
    unknown = [role for role in given if role not in known]
    if unknown or not given:
        raise InvalidValue(f"roles must be one or more of {', '.join(sorted(known))}; got {given}")
    return given


def create_user(
    session: Session,
    actor: str,
    username: str,
    roles: Iterable[str],
    *,
    password: str | None = None,
    display_name: str | None = None,
) -> CreatedUser:
    """Add a user; returns the generated password when none was given (it is not stored anywhere)."""
    if not USERNAME.match(username):
        raise InvalidValue(f"{username!r} is not a username: lower-case letters, digits and ._- only")
    if password is not None and len(password) < MIN_PASSWORD:
        raise InvalidValue(f"the password needs at least {MIN_PASSWORD} characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username} already exists")
    generated = generate_password() if password is None else None
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password or generated or ""),
        roles=checked_roles(roles),
        active=True,
    )
    session.add(user)
    session.flush()
    record_event(
        session, actor, "user.create", (USER, user.id), after={"username": username, "roles": user.roles}
    )
    session.commit()
    return CreatedUser(user=view(user), password=generated)


def list_users(session: Session) -> list[UserView]:
    return [view(user) for user in session.scalars(select(User).order_by(User.username))]


def seed_demo_users(session: Session, actor: str) -> list[CreatedUser]:
    """One demo user per role, each with a random password returned once; existing ones are left alone
    (returned without a password)."""
    seeded: list[CreatedUser] = []
    for username, role in DEMO_USERS:
        existing = session.scalar(select(User).where(User.username == username))
        if existing is not None:
            seeded.append(CreatedUser(user=view(existing)))
            continue
        seeded.append(create_user(session, actor, username, [role.value], display_name=f"Demo {role.value}"))
    return seeded
