"""Signed-in API clients for tests: a real user with a real API token, made through review/."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from models.orm import User
from review.auth import create_token
from tests.review.builders import PASSWORD_HASH


def add_user(client: TestClient, username: str, roles: list[str]) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        if session.scalar(select(User).where(User.username == username)) is None:
            session.add(
                User(username=username, display_name=username, password_hash=PASSWORD_HASH, roles=roles)
            )
            session.commit()


def token_for(client: TestClient, username: str, roles: list[str]) -> str:
    """An API token of `username` (created with `roles` if new)."""
    add_user(client, username, roles)
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return create_token(session, username, username, "test").token


def sign_in_as(client: TestClient, username: str = "test-admin", roles: tuple[str, ...] = ("admin",)) -> str:
    """Make every later request of `client` carry `username`'s bearer token; returns the token."""
    token = token_for(client, username, list(roles))
    client.headers["Authorization"] = f"Bearer {token}"
    return token
