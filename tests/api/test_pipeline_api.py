"""The embedded pipeline through the API: upload → ready_for_review; an unapproved version is refused for
posting; a failed stage keeps its error and is run again by retry."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from erp import runtime
from intake.settings import IntakeSettings, StorageSettings
from models.db import DatabaseSettings
from tests.api.auth_helpers import sign_in_as, token_for
from tests.erp.conftest import Sandbox, sandbox, sandbox_server  # noqa: F401  (fixtures)

PROBLEM = "application/problem+json"
SOW = b"""# Statement of Work SOW-2026-0042

This Statement of Work is entered into by Northwind Health, Inc. ("Client") and Brightline Consulting LLC.

Project: Cloud Migration. Services start on March 16, 2026 and end on September 30, 2026.
Total fees: USD 480,000.00, payable Net 30. This SOW is governed by the laws of the State of New York.

## Fees

This is a fixed fee engagement. The fixed fee of USD 480,000.00 is invoiced monthly.
"""


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
        intake=IntakeSettings(ocr_enabled=False),
    )
    with TestClient(app) as test_client:
        sign_in_as(test_client)
        yield test_client
    app.state.engine.dispose()


def upload(client: TestClient, data: bytes, **form: str) -> dict[str, object]:
    response = client.post("/api/documents", files={"file": ("sow.md", data, "text/markdown")}, data=form)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_an_upload_is_extracted_and_checked_in_process(client: TestClient) -> None:
    document = upload(client, SOW)

    assert (document["status"], document["failed_stage"]) == ("ready_for_review", None)
    listed = client.get("/api/documents").json()
    assert listed[0]["status"] == "ready_for_review"


def test_bad_input_is_still_refused_at_once(client: TestClient) -> None:
    response = client.post("/api/documents", files={"file": ("x.pdf", b"%PDF-1.7 broken", "application/pdf")})

    assert response.status_code in (415, 422)
    assert response.headers["content-type"] == PROBLEM
    assert client.get("/api/documents").json() == []


def test_a_draft_version_is_refused_for_posting(client: TestClient) -> None:
    from models.orm import RecordVersion
    from pipeline.flow import sessions

    document = upload(client, SOW)
    with sessions()() as session:
        version = session.query(RecordVersion).filter_by(document_id=document["id"]).one()

    response = client.post("/api/postings", json={"record_version_id": version.id})

    assert response.status_code == 409
    assert response.json()["code"] == "not_approved"
    assert client.get("/api/postings").json() == []


def test_a_failed_stage_keeps_its_error_and_is_retried(client: TestClient) -> None:
    document = upload(client, SOW, crm_opportunity_id="006-unknown")

    assert (document["status"], document["failed_stage"]) == ("failed", "check")
    assert "006-unknown" in str(document["stage_error"])
    retried = client.post(f"/api/documents/{document['id']}/retry")
    assert retried.json() == {"document_id": document["id"], "stage": "check"}
    again = client.get(f"/api/documents/{document['id']}").json()
    assert (again["status"], again["failed_stage"]) == ("failed", "check")
    assert client.post(f"/api/documents/{document['id']}/retry").status_code == 200
    ready = upload(client, SOW + b"\nSigned.\n")
    conflict = client.post(f"/api/documents/{ready['id']}/retry")
    assert (conflict.status_code, conflict.json()["code"]) == (409, "not_retryable")


def as_user(client: TestClient, username: str, roles: list[str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(client, username, roles)}"}


def test_approving_in_the_api_posts_exactly_once_to_the_sandbox(
    client: TestClient,
    sandbox: Sandbox,  # noqa: F811  (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HANDOFF_ERP_URL", sandbox.url)
    runtime.reset()
    desk = as_user(client, "desk", ["deal_desk"])
    response = client.post("/api/documents", files={"file": ("sow.md", SOW, "text/markdown")}, headers=desk)
    document_id = response.json()["id"]
    record = client.get(f"/api/records/{document_id}").json()
    for exception in record.get("exceptions", []):
        if exception.get("status") == "open" and exception.get("severity") == "blocker":
            client.post(
                f"/api/exceptions/{exception['id']}/waive",
                json={"reason": "test"},
                headers=as_user(client, "ana", ["approver"]),
            )
    version_id = client.get(f"/api/records/{document_id}").json()["version"]["id"]
    for approver in ("ana", "ben"):
        approved = client.post(
            f"/api/records/{document_id}/approve",
            json={"version_id": version_id},
            headers=as_user(client, approver, ["approver"]),
        )
        assert approved.status_code == 200, approved.text
        if approved.json()["approved"]:
            break

    [posting] = client.get("/api/postings").json()
    assert (posting["status"], posting["record_version_id"]) == ("sent", version_id)
    [project] = sandbox.projects()
    assert project["source_record"] == version_id and project["id"] == posting["erp_reference"]
    assert client.get(f"/api/documents/{document_id}").json()["status"] == "posted"
    runtime.reset()
