"""The review REST API end to end on SQLite and PostgreSQL: sign in with a cookie, CSRF on writes,
throttling, and the review flow upload → correct → approve as a second user → audit."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import COOKIE
from intake.settings import StorageSettings
from models.db import DatabaseSettings
from review.settings import ReviewSettings
from tests.api.auth_helpers import add_user, token_for
from tests.review.builders import PASSWORD, checked_document

PROBLEM = "application/problem+json"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
        review=ReviewSettings(login_max_failures=3),
    )
    # https: the session cookie is Secure, and a cookie jar returns it only over https.
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


def sign_in(client: TestClient, username: str, roles: list[str]) -> str:
    add_user(client, username, roles)
    response = client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    csrf: str = response.json()["csrf_token"]
    return csrf


def test_sign_in_sets_a_secure_httponly_lax_cookie(client: TestClient) -> None:
    add_user(client, "rita", ["reviewer"])

    response = client.post("/api/session", json={"username": "rita", "password": PASSWORD})

    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = client.get("/api/me").json()
    assert (me["username"], me["roles"], me["via"]) == ("rita", ["reviewer"], "session")
    assert me["csrf_token"] == response.json()["csrf_token"]


def test_cookie_writes_need_the_csrf_token(client: TestClient) -> None:
    csrf = sign_in(client, "rita", ["reviewer"])

    refused = client.post("/api/tokens", json={"name": "laptop"})
    wrong = client.post("/api/tokens", json={"name": "laptop"}, headers={"X-CSRF-Token": csrf[:-1] + "x"})
    made = client.post("/api/tokens", json={"name": "laptop"}, headers={"X-CSRF-Token": csrf})

    assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
    assert refused.headers["content-type"] == PROBLEM
    assert wrong.status_code == 403
    assert made.status_code == 201 and made.json()["token"].startswith("hnd_")


def test_a_form_field_carries_the_csrf_token(client: TestClient) -> None:
    csrf = sign_in(client, "dana", ["deal_desk"])
    files = {"file": ("sow.md", b"# Statement of Work\nTotal fees: USD 1,000.00\n", "text/markdown")}

    refused = client.post("/api/documents", files=files)
    accepted = client.post("/api/documents", files=files, data={"csrf_token": csrf})

    assert refused.status_code == 403
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["uploaded_by"] == "dana"


def test_bearer_callers_need_no_csrf_token(client: TestClient) -> None:
    token = token_for(client, "rita", ["reviewer"])

    response = client.post("/api/tokens", json={"name": "ci"}, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 201


def test_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = sign_in(client, "rita", ["reviewer"])
    secret = client.cookies[COOKIE]

    assert client.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 204

    client.cookies.set(COOKIE, secret)
    assert client.get("/api/me").status_code == 401


def test_repeated_failures_are_throttled_with_retry_after(client: TestClient) -> None:
    add_user(client, "rita", ["reviewer"])
    for _ in range(3):
        wrong = client.post("/api/session", json={"username": "rita", "password": "not it"})
        assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")

    locked = client.post("/api/session", json={"username": "rita", "password": PASSWORD})

    assert (locked.status_code, locked.json()["code"]) == (429, "login_throttled")
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60


def bearer(client: TestClient, username: str, roles: list[str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(client, username, roles)}"}


def test_review_flow_correct_then_approve_as_a_second_user(client: TestClient) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        version = checked_document(session, uploaded_by="dana")
        document_id, version_id = version.document_id, version.id
    rita, alex = bearer(client, "rita", ["reviewer"]), bearer(client, "alex", ["approver"])

    queue = client.get("/api/queue", headers=rita).json()
    assert [item["document_id"] for item in queue] == [document_id]
    corrected = client.post(
        f"/api/records/{document_id}/fields/correct",
        json={"version_id": version_id, "field": "fields.total_contract_value", "value": "47500"},
        headers=rita,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["after"]["value"] == 47500.0

    denied = client.post(f"/api/records/{document_id}/approve", json={"version_id": version_id}, headers=rita)
    assert (denied.status_code, denied.json()["code"]) == (403, "forbidden")
    approved = client.post(
        f"/api/records/{document_id}/approve", json={"version_id": version_id}, headers=alex
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved"] is True and approved.json()["outbox_entry_id"]

    record = client.get(f"/api/records/{document_id}", headers=rita).json()
    assert record["version"]["status"] == "approved" and record["document_status"] == "approved"
    assert [a["approver"] for a in record["approvals"]] == ["alex"]
    audit = client.get(
        "/api/audit", params={"entity_type": "document", "entity_id": document_id}, headers=alex
    ).json()
    # the correction triaged the record again: the check's findings on it open as rita's correction's
    retriaged = [e for e in audit if e["action"].startswith("exception.")]
    assert {(e["actor"], e["action"]) for e in retriaged} <= {("rita", "exception.opened_by_correction")}
    assert [(e["actor"], e["action"]) for e in audit if e not in retriaged] == [
        ("rita", "field.correct"),
        ("alex", "record.approve"),
        ("alex", "record.approved"),
    ]
    lines = client.get("/api/corrections", headers=rita).text.splitlines()
    assert [(json.loads(line)["field"], json.loads(line)["corrected"]) for line in lines] == [
        ("fields.total_contract_value", 47500)
    ]


def test_review_errors_are_problem_json(client: TestClient) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        version = checked_document(session)
    rita = bearer(client, "rita", ["reviewer"])
    url = f"/api/records/{version.document_id}/fields/correct"

    bad_value = client.post(
        url, json={"version_id": version.id, "field": "fields.end_date", "value": "soon"}, headers=rita
    )
    bad_path = client.post(
        url, json={"version_id": version.id, "field": "fields.nope", "value": 1}, headers=rita
    )
    other_document = client.post(
        "/api/records/unknown/fields/correct",
        json={"version_id": version.id, "field": "fields.end_date", "value": "2026-01-01"},
        headers=rita,
    )

    assert (bad_value.status_code, bad_value.json()["code"]) == (422, "invalid_value")
    assert (bad_path.status_code, bad_path.json()["code"]) == (422, "invalid_value")
    assert (other_document.status_code, other_document.json()["code"]) == (404, "not_found")
    assert bad_value.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("path", ["/api/audit", "/api/queue", "/api/documents", "/api/exceptions"])
def test_an_offset_past_any_database_integer_is_a_422_not_a_500(client: TestClient, path: str) -> None:
    # schemathesis found this: SQLite cannot bind 2**63 and answered 500.
    admin = bearer(client, "ada", ["admin"])

    response = client.get(path, params={"offset": 2**63}, headers=admin)

    assert (response.status_code, response.json()["code"]) == (422, "invalid_request")


def test_upload_and_check_are_audited_with_their_actor(client: TestClient) -> None:
    dana, rita = bearer(client, "dana", ["deal_desk"]), bearer(client, "rita", ["reviewer"])
    text = b"# Statement of Work\nClient: Northwind Health, Inc.\nTotal fees: USD 12,000.00\n"

    uploaded = client.post("/api/documents", files={"file": ("sow.md", text, "text/markdown")}, headers=dana)
    document_id = uploaded.json()["id"]
    checked = client.post(f"/api/documents/{document_id}/check", headers=rita)

    assert (uploaded.status_code, checked.status_code) == (201, 201)
    audit = client.get(
        "/api/audit", params={"entity_type": "document", "entity_id": document_id}, headers=rita
    ).json()
    assert [(e["actor"], e["action"]) for e in audit] == [
        ("dana", "document.upload"),
        ("rita", "document.check"),
    ]
    record = client.get(f"/api/records/{document_id}", headers=rita).json()
    assert record["version"]["created_by"] == "rita" and record["uploaded_by"] == "dana"
