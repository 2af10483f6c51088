"""The webhook's pure parts: HMAC-SHA256 over timestamp + body, the replay window, body → CrmOpportunity."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models.crm import CrmOpportunity
from tests.triage.salesforce_records import (
    ACCOUNT_RECORD,
    EXPECTED_OPPORTUNITY,
    inline_opportunity,
    opportunity_record,
)
from triage.field_mapping import load_mapping
from triage.webhook import (
    WebhookPayloadInvalid,
    WebhookSignatureInvalid,
    WebhookTimestampExpired,
    opportunity_from_webhook,
    signature,
    verify_signature,
)

SECRET = "whsec-test-0123456789abcdef"
SENT = datetime(2026, 1, 1, tzinfo=UTC)
TIMESTAMP = str(int(SENT.timestamp()))
BODY = json.dumps(inline_opportunity()).encode()


def verified(
    body: bytes = BODY,
    *,
    signature_header: str | None = None,
    timestamp_header: str | None = TIMESTAMP,
    now: datetime = SENT,
    secret: str = SECRET,
) -> datetime:
    return verify_signature(
        secret,
        body,
        signature_header=signature(SECRET, TIMESTAMP, BODY) if signature_header is None else signature_header,
        timestamp_header=timestamp_header,
        now=now,
        tolerance_s=300,
    )


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    # Computed independently: printf '1767225600.{…}' | openssl dgst -sha256 -hmac 'whsec-test-…'
    expected = "962cecde229c2ddf389f55b445dfca350bf4bb58e50a6cf4f24fe617509e9f66"

    assert TIMESTAMP == "1767225600"
    assert signature(SECRET, TIMESTAMP, b'{"Id":"006Hs00001NwHxAAAU"}') == f"sha256={expected}"


def test_a_correctly_signed_request_is_accepted_with_its_sending_time() -> None:
    assert verified() == SENT
    assert verified(now=SENT + timedelta(seconds=299)) == SENT
    assert (
        verified(signature_header=signature(SECRET, TIMESTAMP, BODY).upper().replace("SHA256=", "sha256="))
        == SENT
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"body": BODY.replace(b"480000.0", b"48000.0")}, "is not sha256=HMAC-SHA256"),
        ({"secret": "whsec-another-secret-000000"}, "is not sha256=HMAC-SHA256"),
        ({"timestamp_header": str(int(SENT.timestamp()) + 60)}, "is not sha256=HMAC-SHA256"),
        ({"signature_header": ""}, "needs both X-Handoff-Signature and X-Handoff-Timestamp"),
        ({"timestamp_header": None}, "needs both"),
        ({"timestamp_header": "2026-01-01T00:00:00Z"}, "not a time in Unix seconds"),
        ({"signature_header": "sha256=" + "0" * 64}, "is not sha256=HMAC-SHA256"),
        ({"signature_header": "sha256=é"}, "is not sha256=HMAC-SHA256"),
    ],
)
def test_a_tampered_or_unsigned_request_is_refused(change: dict[str, object], problem: str) -> None:
    with pytest.raises(WebhookSignatureInvalid) as error:
        verified(**change)  # type: ignore[arg-type]

    assert (error.value.code, error.value.http_status) == ("webhook_signature_invalid", 401)
    assert problem in error.value.detail


@pytest.mark.parametrize("offset_s", [301, -301, 86400])
def test_a_request_signed_outside_the_window_is_a_replay(offset_s: int) -> None:
    with pytest.raises(WebhookTimestampExpired) as error:
        verified(now=SENT + timedelta(seconds=offset_s))

    assert (error.value.code, error.value.http_status) == ("webhook_timestamp_expired", 401)


def test_a_salesforce_record_with_inline_relationships_maps_to_the_spec_shape() -> None:
    opportunity = opportunity_from_webhook(BODY, load_mapping())

    assert opportunity == CrmOpportunity.model_validate(EXPECTED_OPPORTUNITY)


def test_amounts_stay_exact_and_missing_relationships_are_null() -> None:
    body = json.dumps(opportunity_record(Amount=1234567.89)).encode()

    opportunity = opportunity_from_webhook(body, load_mapping())

    assert opportunity.amount == Decimal("1234567.89")
    assert (opportunity.account_name, opportunity.owner) == (None, None)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"opportunity=006", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (json.dumps([inline_opportunity()]).encode(), "a JSON list, not one Opportunity record"),
        (json.dumps(ACCOUNT_RECORD).encode(), "of type Account; the webhook takes Opportunity records"),
        (json.dumps(inline_opportunity(Account="Northwind")).encode(), "Account is str, not a record"),
        (
            json.dumps(inline_opportunity(Billing_Type__c="Barter")).encode(),
            "billing_type (from Billing_Type__c",
        ),
        (json.dumps({"Name": "no id"}).encode(), "opportunity_id (from Id, value None)"),
    ],
)
def test_a_body_that_is_not_one_opportunity_is_refused(body: bytes, problem: str) -> None:
    with pytest.raises(WebhookPayloadInvalid) as error:
        opportunity_from_webhook(body, load_mapping())

    assert (error.value.code, error.value.http_status) == ("webhook_payload_invalid", 422)
    assert problem in error.value.detail
