"""The Salesforce REST adapter against a local HTTP server on 127.0.0.1 that speaks Salesforce's wire format:
sObject rows behind a bearer token, `?fields=`, error bodies as [{"message", "errorCode"}], 429 and 5xx."""

import json
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from models.crm import CrmOpportunity
from tests.triage.salesforce_records import (
    ACCOUNT_ID,
    ACCOUNT_RECORD,
    API_VERSION,
    EXPECTED_OPPORTUNITY,
    OPPORTUNITY_ID,
    OWNER_ID,
    OWNER_RECORD,
    opportunity_record,
)
from triage.errors import OpportunityNotFound
from triage.field_mapping import FieldMapping, load_mapping
from triage.salesforce import (
    CrmAuthFailed,
    CrmRequestRejected,
    CrmResponseInvalid,
    CrmUnavailable,
    RetryPolicy,
    SalesforceCrm,
)
from triage.settings import CrmSettings, make_crm

TOKEN = "00DHs000000AbCd!AQ4AQFakeAccessToken.for-tests"
API_PATH = f"/services/data/v{API_VERSION}.0/sobjects"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


@dataclass(frozen=True)
class Seen:
    path: str
    fields: list[str]
    authorization: str | None


def salesforce_error(status: int, code: str, message: str, **headers: str) -> Reply:
    return Reply(status, json.dumps([{"message": message, "errorCode": code}]).encode(), headers)


class FakeSalesforce:
    """The sObject rows resource of a Salesforce org. Scripted replies are given first, in order."""

    def __init__(self) -> None:
        self.base_url = ""
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.scripted: deque[Reply] = deque()
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def add(self, record: dict[str, Any]) -> None:
        self.records[(record["attributes"]["type"], record["Id"])] = record

    def answer(self, target: str, authorization: str | None) -> Reply:
        url = urlsplit(target)
        fields = [name for name in parse_qs(url.query).get("fields", [""])[0].split(",") if name]
        with self._lock:
            self.seen.append(Seen(url.path, fields, authorization))
            if self.scripted:
                return self.scripted.popleft()
        if authorization != f"Bearer {TOKEN}":
            return salesforce_error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        sobject, _, record_id = url.path.removeprefix(f"{API_PATH}/").partition("/")
        record = self.records.get((sobject, record_id))
        if record is None:
            return salesforce_error(404, "NOT_FOUND", "The requested resource does not exist")
        return self._row(record, fields or [name for name in record if name != "attributes"])

    @staticmethod
    def _row(record: dict[str, Any], fields: list[str]) -> Reply:
        missing = [name for name in fields if name not in record]
        if missing:
            sobject = record["attributes"]["type"]
            message = f"No such column '{missing[0]}' on entity '{sobject}'."
            return salesforce_error(400, "INVALID_FIELD", message)
        row = {"attributes": record["attributes"]} | {name: record[name] for name in fields}
        return Reply(200, json.dumps(row).encode(), {"Sforce-Limit-Info": "api-usage=18/15000"})


class _Server(ThreadingHTTPServer):
    fake: FakeSalesforce


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        reply = cast(_Server, self.server).fake.answer(self.path, self.headers.get("Authorization"))
        time.sleep(reply.delay_s)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client timed out and left

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def salesforce() -> Iterator[FakeSalesforce]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = FakeSalesforce()
    server.fake.base_url = f"http://127.0.0.1:{server.server_port}"
    for record in (opportunity_record(), ACCOUNT_RECORD, OWNER_RECORD):
        server.fake.add(record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.fake
    server.shutdown()
    server.server_close()
    thread.join()


def adapter(
    fake: FakeSalesforce,
    *,
    token: str = TOKEN,
    mapping: FieldMapping | None = None,
    max_attempts: int = 3,
    read_timeout_s: float = 5.0,
) -> SalesforceCrm:
    return SalesforceCrm(
        base_url=fake.base_url,
        api_version=API_VERSION,
        token=token,
        mapping=mapping or load_mapping(),
        timeout=httpx.Timeout(read_timeout_s, connect=2.0),
        retry=RetryPolicy(max_attempts=max_attempts, backoff_s=0.01, max_backoff_s=0.05),
    )


def test_an_opportunity_maps_to_the_spec_shape(salesforce: FakeSalesforce) -> None:
    opportunity = adapter(salesforce).get(OPPORTUNITY_ID)

    assert opportunity == CrmOpportunity.model_validate(EXPECTED_OPPORTUNITY)
    assert opportunity.start_date == date(2026, 3, 16)
    opportunity_request, *lookups = salesforce.seen
    assert opportunity_request.path == f"{API_PATH}/Opportunity/{OPPORTUNITY_ID}"
    assert {"Id", "Amount", "Billing_Type__c", "AccountId", "OwnerId"} <= set(opportunity_request.fields)
    assert not any("." in name for name in opportunity_request.fields)
    assert [(seen.path, seen.fields) for seen in lookups] == [
        (f"{API_PATH}/Account/{ACCOUNT_ID}", ["Name"]),
        (f"{API_PATH}/User/{OWNER_ID}", ["Name"]),
    ]
    assert {seen.authorization for seen in salesforce.seen} == {f"Bearer {TOKEN}"}


def test_picklists_and_amounts_are_normalised(salesforce: FakeSalesforce) -> None:
    salesforce.add(
        opportunity_record(
            Amount=1234567.89,
            Billing_Type__c="Time & Materials",
            Payment_Terms__c="Net 45",
            Customer_Tier__c="Mid-Market",
        )
    )
    opportunity = adapter(salesforce).get(OPPORTUNITY_ID)

    assert opportunity.amount == Decimal("1234567.89")
    assert (opportunity.billing_type, opportunity.payment_terms_days) == ("time_and_materials", 45)
    assert opportunity.customer_tier == "mid_market"


def test_empty_fields_and_lookups_are_null(salesforce: FakeSalesforce) -> None:
    salesforce.add(
        opportunity_record(AccountId=None, Amount=None, Billing_Type__c=None, CurrencyIsoCode=None)
    )

    opportunity = adapter(salesforce).get(OPPORTUNITY_ID)

    assert (opportunity.account_name, opportunity.amount, opportunity.billing_type) == (None, None, None)
    assert opportunity.owner == "Jane Doe"
    assert [seen.path.rsplit("/", 2)[1] for seen in salesforce.seen] == ["Opportunity", "User"]


def test_a_picklist_value_the_mapping_does_not_know_is_a_typed_error(salesforce: FakeSalesforce) -> None:
    salesforce.add(opportunity_record(Billing_Type__c="Subscription"))

    with pytest.raises(CrmResponseInvalid) as error:
        adapter(salesforce).get(OPPORTUNITY_ID)

    assert error.value.code == "crm_response_invalid"
    assert "billing_type (from Billing_Type__c, value 'Subscription')" in error.value.detail


def test_an_unknown_id_is_opportunity_not_found(salesforce: FakeSalesforce) -> None:
    with pytest.raises(OpportunityNotFound) as error:
        adapter(salesforce).get("006Hs00009ZZZZZZZZ")

    assert (error.value.code, error.value.http_status) == ("opportunity_not_found", 404)
    assert len(salesforce.seen) == 1


def test_a_string_that_is_no_salesforce_id_is_refused_before_any_request(salesforce: FakeSalesforce) -> None:
    with pytest.raises(OpportunityNotFound, match="not a Salesforce record id"):
        adapter(salesforce).get("../Account/001Hs00002AbCdEAA0")

    assert salesforce.seen == []


def test_a_wrong_token_is_an_auth_error_with_salesforce_s_message(salesforce: FakeSalesforce) -> None:
    with pytest.raises(CrmAuthFailed) as error:
        adapter(salesforce, token="expired").get(OPPORTUNITY_ID)

    assert error.value.code == "crm_auth_failed"
    assert "INVALID_SESSION_ID: Session expired or invalid" in error.value.detail
    assert len(salesforce.seen) == 1


def test_forbidden_is_an_auth_error_but_the_request_limit_is_not(salesforce: FakeSalesforce) -> None:
    salesforce.scripted.append(salesforce_error(403, "INSUFFICIENT_ACCESS", "insufficient access rights"))
    with pytest.raises(CrmAuthFailed, match="INSUFFICIENT_ACCESS"):
        adapter(salesforce).get(OPPORTUNITY_ID)

    salesforce.scripted.append(
        salesforce_error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    )
    with pytest.raises(CrmUnavailable, match="REQUEST_LIMIT_EXCEEDED"):
        adapter(salesforce).get(OPPORTUNITY_ID)

    assert len(salesforce.seen) == 2


def test_429_then_200_is_retried(salesforce: FakeSalesforce) -> None:
    salesforce.scripted.append(
        salesforce_error(
            429, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.", **{"Retry-After": "0"}
        )
    )

    opportunity = adapter(salesforce).get(OPPORTUNITY_ID)

    assert opportunity.opportunity_id == OPPORTUNITY_ID
    assert [seen.path.rsplit("/", 2)[1] for seen in salesforce.seen] == [
        "Opportunity",
        "Opportunity",
        "Account",
        "User",
    ]


def test_server_errors_are_retried_until_the_attempts_run_out(salesforce: FakeSalesforce) -> None:
    unavailable = salesforce_error(503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable")
    salesforce.scripted.extend(
        [salesforce_error(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred"), unavailable]
    )
    assert adapter(salesforce, max_attempts=3).get(OPPORTUNITY_ID).opportunity_id == OPPORTUNITY_ID

    salesforce.seen.clear()
    salesforce.scripted.extend([unavailable] * 3)
    with pytest.raises(CrmUnavailable) as error:
        adapter(salesforce, max_attempts=3).get(OPPORTUNITY_ID)

    assert (error.value.code, error.value.http_status) == ("crm_unavailable", 503)
    assert (
        "HTTP 503: SERVER_UNAVAILABLE: Server is temporarily unavailable (after 3 attempts)"
        in error.value.detail
    )
    assert len(salesforce.seen) == 3


def test_a_read_timeout_is_retried(salesforce: FakeSalesforce) -> None:
    salesforce.scripted.append(Reply(200, json.dumps(opportunity_record()).encode(), delay_s=1.0))

    opportunity = adapter(salesforce, read_timeout_s=0.2).get(OPPORTUNITY_ID)

    assert opportunity.account_name == "Northwind Health, Inc."
    assert len(salesforce.seen) == 4


def test_no_server_listening_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = FakeSalesforce()
    closed.base_url = f"http://127.0.0.1:{port}"

    with pytest.raises(CrmUnavailable, match="ConnectError"):
        adapter(closed, max_attempts=2).get(OPPORTUNITY_ID)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html><body>Maintenance</body></html>", "not JSON"),
        (b'[{"Id": "006Hs00001NwHxAAAU"}]', "expected a JSON object, got list"),
        (json.dumps(opportunity_record(Amount="a lot")).encode(), "amount (from Amount, value 'a lot')"),
        (json.dumps(opportunity_record(Id=None)).encode(), "opportunity_id (from Id, value None)"),
    ],
)
def test_a_malformed_record_is_a_typed_error(salesforce: FakeSalesforce, body: bytes, problem: str) -> None:
    salesforce.scripted.append(Reply(200, body))

    with pytest.raises(CrmResponseInvalid) as error:
        adapter(salesforce).get(OPPORTUNITY_ID)

    assert problem in error.value.detail
    assert error.value.http_status == 502


def test_a_lookup_id_that_points_nowhere_is_a_typed_error(salesforce: FakeSalesforce) -> None:
    salesforce.add(opportunity_record(AccountId="001Hs00009NoSuchAA"))

    with pytest.raises(CrmResponseInvalid, match="AccountId points nowhere: Salesforce has no Account"):
        adapter(salesforce).get(OPPORTUNITY_ID)


def test_a_mapping_naming_a_field_the_org_lacks_is_rejected(
    salesforce: FakeSalesforce, tmp_path: Path
) -> None:
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text("fields:\n  opportunity_id: Id\n  service_line: Practice__c\n", encoding="utf-8")

    with pytest.raises(CrmRequestRejected) as error:
        adapter(salesforce, mapping=load_mapping(mapping_file)).get(OPPORTUNITY_ID)

    assert (
        "HTTP 400: INVALID_FIELD: No such column 'Practice__c' on entity 'Opportunity'" in error.value.detail
    )


def test_settings_select_the_salesforce_adapter(salesforce: FakeSalesforce) -> None:
    settings = CrmSettings(
        crm_backend="salesforce",
        salesforce_base_url=salesforce.base_url + "/",
        salesforce_api_version=API_VERSION,
        salesforce_token=TOKEN,
        salesforce_backoff_s=0.01,
    )
    crm = make_crm(settings, sessionmaker[Session]())

    assert isinstance(crm, SalesforceCrm)
    assert crm.get(OPPORTUNITY_ID).owner == "Jane Doe"


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"salesforce_base_url": "http://acme.my.salesforce.com"}, "must use https"),
        ({"salesforce_base_url": "ftp://127.0.0.1"}, r"an http\(s\) URL"),
        ({"crm_backend": "salesforce", "salesforce_base_url": "https://acme.my.salesforce.com"}, "needs"),
        ({"crm_backend": "file"}, "needs crm_file"),
        ({"crm_webhook_secret": "short"}, "at least 16"),
    ],
)
def test_settings_refuse_an_unusable_configuration(values: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        CrmSettings.model_validate(values)
