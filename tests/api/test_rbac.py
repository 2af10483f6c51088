"""The RBAC matrix: every /api route called as every role and anonymously, allowed or denied exactly as
api/permissions.py and review/roles.py say. A route missing from the table fails here."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from api.app import create_app
from api.permissions import PUBLIC, ROUTE_ACCESS, SIGNED_IN, Access
from intake.settings import StorageSettings
from models.db import DatabaseSettings
from models.exceptions import Severity
from models.orm import Role
from review.roles import MATRIX, Permission
from tests.api.auth_helpers import token_for
from tests.review.builders import checked_document, exception

DENIED = {"unauthenticated", "forbidden"}
ROLES: list[Role | None] = [*Role, None]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("rbac")
    app = create_app(
        database=DatabaseSettings(database_url=f"sqlite:///{folder / 'handoff.db'}"),
        storage=StorageSettings(storage_backend="local", storage_dir=folder / "storage"),
    )
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def ids(client: TestClient) -> dict[str, str]:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        version = checked_document(
            session, uploaded_by=None, exceptions=[exception("UNSIGNED", Severity.low)]
        )
        return {
            "document_id": version.document_id,
            "version_id": version.id,
            "exception_id": version.exceptions[0].id,
        }


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[Role, str]:
    return {role: token_for(client, f"rbac-{role.value.replace('_', '-')}", [role.value]) for role in Role}


def api_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every (method, path) of the app under /api, and /healthz, included routers flattened."""
    found: list[tuple[str, str]] = []
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        path = route.path or ""
        if isinstance(route.original_route, APIRoute) and (path.startswith("/api") or path == "/healthz"):
            found.extend((method, path) for method in sorted(route.methods or ()))
    return found


def test_every_api_route_has_a_matrix_entry(client: TestClient) -> None:
    routes = set(api_routes(client))

    assert routes - ROUTE_ACCESS.keys() == set(), "add the new route to api/permissions.py"
    assert ROUTE_ACCESS.keys() - routes == set(), "api/permissions.py names a route that does not exist"


def expected_allowed(access: Access, role: Role | None) -> bool:
    if access == PUBLIC:
        return True
    if role is None:
        return False
    return access == SIGNED_IN or role in MATRIX[Permission(access)]


def request_for(method: str, path: str, ids: dict[str, str]) -> dict[str, Any]:
    url = re.sub(r"\{(\w+)\}", lambda m: ids.get(m[1], "1" if m[1] == "page" else "unknown"), path)
    body: dict[str, Any] = {"version_id": ids["version_id"], "field": "fields.project_name"}
    kwargs: dict[str, Any] = {"method": method, "url": url}
    if path == "/api/documents" and method == "POST":
        kwargs["files"] = {"file": ("note.md", b"# Statement of Work\nTotal: USD 10\n", "text/markdown")}
    elif path.endswith("/correct"):
        kwargs["json"] = body | {"value": "Renamed"}
    elif path.endswith(("/accept", "/not-in-document")):
        kwargs["json"] = body
    elif path.endswith("/approve"):
        kwargs["json"] = {"version_id": ids["version_id"]}
    elif path.endswith(("/resolve", "/waive")):
        kwargs["json"] = {"reason": "checked"}
    elif path in {"/api/session", "/api/tokens"} and method == "POST":
        kwargs["json"] = {"username": "nobody", "password": "wrong", "name": "rbac"}
    return kwargs


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.value if role else "anonymous")
def test_every_route_allows_and_denies_as_the_matrix_says(
    client: TestClient, ids: dict[str, str], tokens: dict[Role, str], role: Role | None
) -> None:
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    wrong: list[str] = []
    for method, path in api_routes(client):
        response = client.request(**request_for(method, path, ids), headers=headers)
        problem = response.headers.get("content-type") == "application/problem+json"
        code = response.json().get("code") if problem else None
        denied = response.status_code in (401, 403) and code in DENIED
        if denied == expected_allowed(ROUTE_ACCESS[(method, path)], role):
            wrong.append(f"{method} {path}: {response.status_code} {code}")
        if denied:
            assert response.status_code == (401 if role is None else 403), f"{method} {path}"
    assert wrong == []


def test_key_cells_of_the_matrix() -> None:
    assert Role.deal_desk not in MATRIX[Permission.approve]
    assert Role.reviewer not in MATRIX[Permission.approve]
    assert Role.reviewer not in MATRIX[Permission.waive_exception]
    assert Role.pmo not in MATRIX[Permission.edit_record]
    assert Role.approver not in MATRIX[Permission.upload]
    assert MATRIX[Permission.manage_users] == frozenset({Role.admin})


def test_a_wrong_token_is_401_not_anonymous(client: TestClient) -> None:
    response = client.get("/api/documents", headers={"Authorization": "Bearer hnd_not-a-token"})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["content-type"] == "application/problem+json"
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_no_default_credentials_ship(client: TestClient) -> None:
    for username, password in [("admin", "admin"), ("admin", "password"), ("demo-admin", "demo")]:
        response = client.post("/api/session", json={"username": username, "password": password})
        assert response.status_code == 401
