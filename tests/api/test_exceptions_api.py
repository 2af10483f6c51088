"""POST /api/documents/{id}/check and GET /api/exceptions, on SQLite and PostgreSQL, with generated SOW PDFs
uploaded through the API and real local storage."""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from evals.sow import generate_spec, render_pdf
from intake.settings import StorageSettings
from models.crm import CrmOpportunity
from models.db import DatabaseSettings
from tests.api.auth_helpers import sign_in_as
from tests.triage import builders
from tests.triage.builders import base_rows
from triage.compare import PAIRS
from triage.crm_store import register_opportunity

PROBLEM = "application/problem+json"
# Record field → the CRM field compared with it (spec §2).
CRM_FIELDS = {pair.field: pair.crm_field for pair in PAIRS}


@pytest.fixture(scope="module")
def sow_pdf() -> bytes:
    return render_pdf(
        generate_spec(41, document_type="sow", billing_model="milestone", signature_state="signed")
    )


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    return render_pdf(generate_spec(42, document_type="sow", signature_state="unsigned"))


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
    )
    with TestClient(app) as test_client:
        sign_in_as(test_client)
        yield test_client
    app.state.engine.dispose()


def upload(client: TestClient, data: bytes, name: str, **form: str) -> str:
    response = client.post("/api/documents", files={"file": (name, data, "application/pdf")}, data=form)
    assert response.status_code == 201, response.text
    document_id: str = response.json()["id"]
    return document_id


def check(client: TestClient, document_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post(f"/api/documents/{document_id}/check", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def gaps(result: dict[str, Any]) -> set[tuple[str, str]]:
    return {(exception["code"], exception["field"]) for exception in result["exceptions"]}


def opportunity_of(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The CRM's agreeing view of the record the API extracted, with `changes`."""
    crm = {crm: record["fields"][name]["value"] for name, crm in CRM_FIELDS.items()}
    return {"opportunity_id": "006API01", "customer_tier": "strategic", **crm, **changes}


def register(client: TestClient, opportunity: dict[str, Any]) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        register_opportunity(
            session, CrmOpportunity.model_validate(opportunity), sent_at=datetime.now(UTC), source="test"
        )


def test_check_compares_ranks_and_stores_a_new_version(client: TestClient, sow_pdf: bytes) -> None:
    document_id = upload(client, sow_pdf, "sow.pdf")
    alone = check(client, document_id)
    # The upload's pipeline (embedded, in-process) checked the document once already: version 1.
    assert (alone["record_version"], alone["opportunity_id"]) == (2, None)
    record = alone["record"]
    total = record["fields"]["total_contract_value"]["value"]
    crm = opportunity_of(record, amount=round(total * 0.8, 2), end_date="2031-12-31")
    result = check(client, document_id, crm)
    assert (result["record_version"], result["opportunity_id"]) == (3, "006API01")
    assert result["record"] == record
    seeded = {("VALUE_MISMATCH", "total_contract_value"), ("VALUE_MISMATCH", "end_date")}
    assert gaps(result) == gaps(alone) | seeded
    ranks = [exception["rank"] for exception in result["exceptions"]]
    assert ranks == list(range(1, len(ranks) + 1))
    assert all(
        exception["due_at"] and exception["risk_score"] is not None for exception in result["exceptions"]
    )

    listed = client.get("/api/exceptions").json()
    assert {view["record_version"] for view in listed} == {3}, "only the latest version is listed"
    assert [view["exception"] for view in listed] == sorted(
        result["exceptions"], key=lambda exception: -exception["revenue_at_risk"]
    )


def test_an_opportunity_id_is_read_from_the_configured_crm(
    client: TestClient, sow_pdf: bytes, unsigned_pdf: bytes
) -> None:
    document_id = upload(client, sow_pdf, "sow.pdf")
    crm = opportunity_of(check(client, document_id)["record"], currency="JPY")
    linked = upload(client, unsigned_pdf, "unsigned.pdf", crm_opportunity_id=crm["opportunity_id"])
    not_yet = client.post(f"/api/documents/{linked}/check")
    assert (not_yet.status_code, not_yet.json()["code"]) == (404, "opportunity_not_found")

    register(client, crm)
    by_id = check(client, document_id, {"opportunity_id": "006API01"})
    assert by_id["opportunity_id"] == "006API01"
    assert ("VALUE_MISMATCH", "currency") in gaps(by_id)
    uploaded_with = check(client, linked)
    assert uploaded_with["opportunity_id"] == "006API01", "no body: the id the document was uploaded with"
    assert ("VALUE_MISMATCH", "currency") in gaps(uploaded_with)


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/api/documents/no-such-id/check", None, 404, "document_not_found"),
        ("/api/documents/{id}/check", {"opportunity_id": "006MISSING"}, 404, "opportunity_not_found"),
        ("/api/documents/{id}/check", {"opportunity_id": "006X", "amount": "lots"}, 422, "invalid_request"),
        ("/api/documents/{id}/check", {"account_name": "no id"}, 422, "invalid_request"),
    ],
)
def test_check_errors_are_problem_json(
    client: TestClient, sow_pdf: bytes, path: str, body: dict[str, Any] | None, status: int, code: str
) -> None:
    document_id = upload(client, sow_pdf, "sow.pdf")
    response = client.post(path.format(id=document_id), json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == code
    assert client.get("/api/exceptions").json() == [], "a refused check stores nothing"


def test_the_exception_list_filters_and_downloads_as_csv(
    client: TestClient, sow_pdf: bytes, unsigned_pdf: bytes
) -> None:
    first = upload(client, sow_pdf, "sow.pdf")
    record = check(client, first)["record"]
    check(client, first, opportunity_of(record, start_date="2019-05-01", payment_terms_days=90))
    check(client, upload(client, unsigned_pdf, "unsigned.pdf"))
    listed = client.get("/api/exceptions").json()
    assert {view["filename"] for view in listed} == {"sow.pdf", "unsigned.pdf"}
    revenue = [view["exception"]["revenue_at_risk"] for view in listed]
    assert revenue == sorted(revenue, reverse=True)

    legal = client.get("/api/exceptions", params={"owner": "legal"}).json()
    assert ("unsigned.pdf", "UNSIGNED") in {(view["filename"], view["exception"]["code"]) for view in legal}
    assert all(view["exception"]["owner_team"] == "legal" for view in legal)
    risky = client.get("/api/exceptions", params={"min_risk": 0.6}).json()
    assert all(view["exception"]["risk_score"] >= 0.6 for view in risky)
    assert len(risky) < len(listed)
    assert client.get("/api/exceptions", params={"status": "resolved"}).json() == []
    assert len(client.get("/api/exceptions", params={"status": "all", "limit": 2}).json()) == 2

    download = client.get("/api/exceptions", params={"format": "csv"})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert download.headers["content-disposition"] == 'attachment; filename="handoff-exceptions.csv"'
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [row["exception_id"] for row in rows] == [view["id"] for view in listed]
    assert [row["code"] for row in rows] == [view["exception"]["code"] for view in listed]


def test_bad_list_parameters_are_problem_json(client: TestClient) -> None:
    for params in ({"min_risk": 2}, {"format": "xlsx"}, {"status": "closed"}):
        response = client.get("/api/exceptions", params=params)
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM


def store_base(client: TestClient, change_order: dict[str, Any], total: float) -> tuple[str, list[Any]]:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return builders.store_base(session, change_order, total)


def test_a_change_order_is_checked_as_a_delta_on_its_stored_base(client: TestClient) -> None:
    spec = generate_spec(51, document_type="change_order", signature_state="signed")
    document_id = upload(client, render_pdf(spec), "change-order.pdf")
    alone = check(client, document_id)
    assert alone["base_document_id"] is None
    assert len(alone["notes"]) == 1 and "no stored base record" in alone["notes"][0]
    increment = alone["record"]["fields"]["total_contract_value"]["value"]
    crm = opportunity_of(alone["record"], amount=round(1618000 + increment, 2))
    total_mismatch = ("VALUE_MISMATCH", "total_contract_value")
    assert total_mismatch in gaps(check(client, document_id, crm))

    base_id, before = store_base(client, alone["record"], 1618000)
    result = check(client, document_id, crm)
    assert (result["base_document_id"], result["notes"]) == (base_id, [])
    assert total_mismatch not in gaps(result)
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        assert base_rows(session, base_id) == before, "the base record is never changed"


def test_a_sow_check_has_no_base_and_no_notes(client: TestClient, sow_pdf: bytes) -> None:
    result = check(client, upload(client, sow_pdf, "sow.pdf"))
    assert (result["base_document_id"], result["notes"]) == (None, [])
