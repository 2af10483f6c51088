"""A real app on SQLite/PostgreSQL with one user per role, and signing in through the login form."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import AuthSettings
from intake.settings import StorageSettings
from models.db import DatabaseSettings
from review.users import create_user

PASSWORD = "correct horse battery"
USERS = {
    "dana": ["deal_desk"],
    "rita": ["reviewer"],
    "alex": ["approver"],
    "bea": ["approver"],
    "pat": ["pmo"],
}
HIDDEN = re.compile(r'name="(csrf_token|login_token)" value="([^"]+)"')


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
        auth=AuthSettings(cookie_secure=False),  # the TestClient speaks plain http://testserver
    )
    with app.state.session_factory() as session:
        for username, roles in USERS.items():
            create_user(session, "test", username, roles, password=PASSWORD)
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def hidden(html: str, name: str) -> str:
    values: dict[str, str] = dict(HIDDEN.findall(html))
    return values[name]


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign `username` in through the form; returns their CSRF token."""
    client.cookies.clear()
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "login_token": hidden(form.text, "login_token")},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return hidden(client.get("/").text, "csrf_token")
