"""The CRM closed-won webhook: signature check and body → CrmOpportunity. Pure: the clock is passed in.

What the CRM side (a Salesforce Flow HTTP callout, Apex, or a relay) sends:

    POST /api/crm/webhook
    Content-Type: application/json
    X-Handoff-Timestamp: 1767225600               Unix seconds at sending
    X-Handoff-Signature: sha256=<64 hex digits>   HMAC-SHA256 keyed with HANDOFF_CRM_WEBHOOK_SECRET
                                                  over  <timestamp> "." <raw body bytes>

    {"attributes": {"type": "Opportunity"}, "Id": "006…", "Name": "…", "Amount": 480000,
     "CloseDate": "2026-02-27", "Billing_Type__c": "Milestone", "Account": {"Name": "Northwind Health"}, …}

The body is one Opportunity in Salesforce's own JSON shape, as the REST API returns it or JSON.serialize
writes a SOQL row, so the CRM sends what it has and the field mapping of the REST adapter reads it; related
records (`Account.Name`) come inline. The timestamp is part of the signed message, so a captured request
cannot be replayed with a fresh timestamp, and a request signed more than the tolerance (5 minutes by
default) away from now is refused.
"""

import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from models.crm import CrmOpportunity
from triage.errors import TriageError
from triage.field_mapping import FieldMapping, InvalidOpportunityPayload, map_opportunity

SIGNATURE_HEADER: Final = "X-Handoff-Signature"
TIMESTAMP_HEADER: Final = "X-Handoff-Timestamp"
SIGNATURE_SCHEME: Final = "sha256="
_UNIX_SECONDS: Final = re.compile(r"[0-9]{1,12}")


class WebhookError(TriageError):
    code = "webhook_error"
    title = "The CRM webhook request was refused"


class WebhookNotConfigured(WebhookError):
    code = "webhook_not_configured"
    http_status = 503
    title = "The CRM webhook is off: no signing secret is configured"


class WebhookSignatureInvalid(WebhookError):
    code = "webhook_signature_invalid"
    http_status = 401
    title = "The webhook signature is missing or does not match"


class WebhookTimestampExpired(WebhookSignatureInvalid):
    code = "webhook_timestamp_expired"
    title = "The webhook was signed too long ago (or in the future)"


class WebhookTooLarge(WebhookError):
    code = "webhook_too_large"
    http_status = 413
    title = "The webhook body is over the size limit"


class WebhookPayloadInvalid(WebhookError):
    code = "webhook_payload_invalid"
    http_status = 422
    title = "The webhook body is not a valid opportunity"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Handoff-Signature` value a sender puts on `body` sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_SCHEME}{digest}"


def verify_signature(
    secret: str,
    body: bytes,
    *,
    signature_header: str | None,
    timestamp_header: str | None,
    now: datetime,
    tolerance_s: int,
) -> datetime:
    """When the verified request was signed; raises WebhookSignatureInvalid or WebhookTimestampExpired."""
    if not signature_header or not timestamp_header:
        raise WebhookSignatureInvalid(f"the request needs both {SIGNATURE_HEADER} and {TIMESTAMP_HEADER}")
    if not _UNIX_SECONDS.fullmatch(timestamp_header):
        raise WebhookSignatureInvalid(f"{TIMESTAMP_HEADER} is not a time in Unix seconds")
    expected = signature(secret, timestamp_header, body).encode()
    if not hmac.compare_digest(expected, signature_header.strip().lower().encode()):
        raise WebhookSignatureInvalid(
            f"{SIGNATURE_HEADER} is not {SIGNATURE_SCHEME}HMAC-SHA256(secret, timestamp + '.' + body)"
        )
    sent_at = datetime.fromtimestamp(int(timestamp_header), UTC)
    age_s = (now - sent_at).total_seconds()
    if abs(age_s) > tolerance_s:
        raise WebhookTimestampExpired(
            f"signed {age_s:+.0f} s from now; requests more than {tolerance_s} s away are refused"
        )
    return sent_at


def opportunity_from_webhook(body: bytes, mapping: FieldMapping) -> CrmOpportunity:
    """The opportunity a verified webhook body describes, read through the Salesforce field mapping."""
    try:
        # Decimal keeps amounts exact, as the REST adapter does.
        data: Any = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as error:
        raise WebhookPayloadInvalid(f"the body is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise WebhookPayloadInvalid(
            f"the body is a JSON {type(data).__name__}, not one {mapping.sobject} record"
        )
    attributes = data.get("attributes")
    sobject = attributes.get("type") if isinstance(attributes, dict) else None
    if sobject not in {None, mapping.sobject}:
        raise WebhookPayloadInvalid(
            f"the body is a record of type {sobject}; the webhook takes {mapping.sobject} records"
        )
    try:
        return map_opportunity(data, mapping)
    except InvalidOpportunityPayload as error:
        raise WebhookPayloadInvalid(error.detail) from error
