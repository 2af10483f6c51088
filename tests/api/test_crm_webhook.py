"""The signed CRM webhook over HTTP, on SQLite and PostgreSQL: it registers opportunities ahead of their
documents, refuses anything unsigned, and DbCrm resolves what it registered."""

import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from intake.settings import StorageSettings
from models.crm import CrmOpportunity
from models.db import DatabaseSettings, make_engine, session_factory
from tests.api.auth_helpers import sign_in_as
from tests.triage.salesforce_records import EXPECTED_OPPORTUNITY, OPPORTUNITY_ID, inline_opportunity
from triage.crm_store import DbCrm
from triage.settings import CrmSettings
from triage.webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

PROBLEM = "application/problem+json"
SECRET = "whsec-api-test-0123456789abcdef"
WEBHOOK = "/api/crm/webhook"


class Answer(Protocol):
    """What the tests read of a TestClient response (httpx's or httpx2's, depending on the install)."""

    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> Any: ...


@contextmanager
def make_client(database_url: str, tmp_path: Path, crm: CrmSettings) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
        crm=crm,
    )
    with TestClient(app) as test_client:
        sign_in_as(test_client)
        yield test_client
    app.state.engine.dispose()


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    crm = CrmSettings.model_validate({"crm_webhook_secret": SECRET, "crm_webhook_max_bytes": 4096})
    with make_client(database_url, tmp_path, crm) as test_client:
        yield test_client


def post_signed(
    client: TestClient, record: dict[str, Any], *, age_s: int = 0, secret: str = SECRET
) -> Answer:
    body = json.dumps(record).encode()
    timestamp = str(int(time.time()) - age_s)
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
    response: Answer = client.post(WEBHOOK, content=body, headers=headers)
    return response


def assert_problem(response: Answer, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == code


def test_a_signed_webhook_registers_the_opportunity(client: TestClient, database_url: str) -> None:
    response = post_signed(client, inline_opportunity())

    assert response.status_code == 200, response.text
    assert response.json()["opportunity_id"] == OPPORTUNITY_ID
    assert response.json()["stored"] is True
    registered = client.get(f"/api/crm/opportunities/{OPPORTUNITY_ID}").json()
    assert registered["source"] == "webhook"
    assert CrmOpportunity.model_validate(registered["opportunity"]) == CrmOpportunity.model_validate(
        EXPECTED_OPPORTUNITY
    )
    engine = make_engine(database_url)
    assert DbCrm(session_factory(engine)).get(OPPORTUNITY_ID).account_name == "Northwind Health, Inc."
    engine.dispose()


def test_a_later_webhook_updates_and_an_older_one_does_not(client: TestClient) -> None:
    post_signed(client, inline_opportunity(), age_s=120)

    newer = post_signed(client, inline_opportunity(Amount=450000.0), age_s=60)
    older = post_signed(client, inline_opportunity(Amount=400000.0), age_s=90)

    assert (newer.json()["stored"], older.json()["stored"]) == (True, False)
    registered = client.get(f"/api/crm/opportunities/{OPPORTUNITY_ID}").json()
    assert registered["opportunity"]["amount"] == 450000.0


def test_an_unsigned_webhook_is_refused_and_stores_nothing(client: TestClient) -> None:
    response = client.post(WEBHOOK, json=inline_opportunity())

    assert_problem(response, 401, "webhook_signature_invalid")
    assert_problem(client.get(f"/api/crm/opportunities/{OPPORTUNITY_ID}"), 404, "opportunity_not_found")


def test_a_wrong_secret_or_an_old_signature_is_refused(client: TestClient) -> None:
    assert_problem(
        post_signed(client, inline_opportunity(), secret="whsec-guessed-0000000000"),
        401,
        "webhook_signature_invalid",
    )
    assert_problem(post_signed(client, inline_opportunity(), age_s=301), 401, "webhook_timestamp_expired")
    assert_problem(client.get(f"/api/crm/opportunities/{OPPORTUNITY_ID}"), 404, "opportunity_not_found")


def test_a_signed_body_that_is_no_opportunity_is_unprocessable(client: TestClient) -> None:
    response = post_signed(client, inline_opportunity(Billing_Type__c="Barter"))

    assert_problem(response, 422, "webhook_payload_invalid")
    assert "Billing_Type__c" in response.json()["detail"]


@pytest.mark.parametrize(
    "absurd", [{"Amount": 1e308}, {"CloseDate": "1850-01-01"}, {"Payment_Terms__c": 10**9}]
)
def test_absurd_amounts_and_dates_from_the_crm_are_refused(
    client: TestClient, absurd: dict[str, Any]
) -> None:
    response = post_signed(client, inline_opportunity(**absurd))

    assert_problem(response, 422, "webhook_payload_invalid")
    assert_problem(client.get(f"/api/crm/opportunities/{OPPORTUNITY_ID}"), 404, "opportunity_not_found")


def test_a_body_over_the_limit_is_refused(client: TestClient) -> None:
    response = post_signed(client, inline_opportunity(Description="x" * 5000))

    assert_problem(response, 413, "webhook_too_large")


def test_without_a_secret_the_webhook_is_off(database_url: str, tmp_path: Path) -> None:
    with make_client(database_url, tmp_path, CrmSettings.model_validate({})) as client:
        response = post_signed(client, inline_opportunity())

        assert_problem(response, 503, "webhook_not_configured")
        assert_problem(client.get(f"/api/crm/opportunities/{OPPORTUNITY_ID}"), 404, "opportunity_not_found")
