"""Salesforce REST adapter: `GET {base}/services/data/vNN.0/sobjects/Opportunity/{id}`, OAuth bearer token.

It asks only for the fields the mapping reads (`?fields=`). sObject rows never carry related records inline,
so each relationship a mapped path goes through (`Account.Name`) is fetched by its lookup id (`AccountId`),
one request per relationship. 429 and 5xx answers and network failures are retried with exponential backoff
and jitter, honouring a Retry-After in seconds; every other failure is typed and not retried. Salesforce
reports errors as a JSON list of {"message", "errorCode"}: the codes pick the error, the messages explain it.
"""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from models.crm import CrmOpportunity
from triage.errors import CrmError, OpportunityNotFound
from triage.field_mapping import FieldMapping, InvalidOpportunityPayload, map_opportunity

SALESFORCE_ID: Final = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
# A 403 with this code is the org's API request limit, not a permission problem: it clears with time.
LIMIT_CODES: Final = frozenset({"REQUEST_LIMIT_EXCEEDED"})
NOT_FOUND_CODES: Final = frozenset({"NOT_FOUND", "MALFORMED_ID"})
ERROR_TEXT_LIMIT: Final = 300


class CrmAuthFailed(CrmError):
    code = "crm_auth_failed"
    title = "The CRM refused our credentials"


class CrmUnavailable(CrmError):
    code = "crm_unavailable"
    http_status = 503
    title = "The CRM did not answer in time or is over its request limit"


class CrmRequestRejected(CrmError):
    code = "crm_request_rejected"
    title = "The CRM rejected the request (check the field mapping)"


class CrmResponseInvalid(CrmError):
    code = "crm_response_invalid"
    title = "The CRM answered with a record that is not a valid opportunity"


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    backoff_s: float
    max_backoff_s: float


class _Retryable(Exception):
    """A 429 or 5xx answer or a network failure: worth another try."""

    def __init__(self, detail: str, retry_after_s: float | None) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class SalesforceCrm:
    """Opportunities read from a Salesforce org, one HTTP connection per `get`."""

    def __init__(
        self,
        *,
        base_url: str,
        api_version: int,
        token: str,
        mapping: FieldMapping,
        timeout: httpx.Timeout,
        retry: RetryPolicy,
    ) -> None:
        self.api_root = f"{base_url.rstrip('/')}/services/data/v{api_version}.0/"
        self.mapping = mapping
        self._token = token
        self._timeout = timeout
        self._retry = retry
        self._backoff = wait_exponential_jitter(
            multiplier=retry.backoff_s, max=retry.max_backoff_s, jitter=retry.backoff_s
        )

    def get(self, opportunity_id: str) -> CrmOpportunity:
        if not SALESFORCE_ID.fullmatch(opportunity_id):
            raise OpportunityNotFound(
                f"{opportunity_id!r} is not a Salesforce record id (15 or 18 letters and digits)"
            )
        sobject = self.mapping.sobject
        with self._client() as client:
            record = self._record(client, sobject, opportunity_id, self.mapping.record_fields())
            related = {
                name: self._related(client, record, name, fields)
                for name, fields in self.mapping.relationships_used().items()
                if name not in record
            }
        try:
            return map_opportunity(record | related, self.mapping)
        except InvalidOpportunityPayload as error:
            raise CrmResponseInvalid(f"{sobject} {opportunity_id}: {error.detail}") from error

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.api_root,
            headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
            timeout=self._timeout,
            follow_redirects=False,
        )

    def _related(
        self, client: httpx.Client, record: dict[str, Any], name: str, fields: list[str]
    ) -> dict[str, Any] | None:
        relationship = self.mapping.relationships[name]
        related_id = record.get(relationship.id_field)
        if related_id is None:
            return None
        if not isinstance(related_id, str) or not SALESFORCE_ID.fullmatch(related_id):
            raise CrmResponseInvalid(f"{relationship.id_field} is {related_id!r}, not a record id")
        try:
            return self._record(client, relationship.sobject, related_id, fields)
        except OpportunityNotFound as error:
            raise CrmResponseInvalid(f"{relationship.id_field} points nowhere: {error.detail}") from error

    def _record(
        self, client: httpx.Client, sobject: str, record_id: str, fields: list[str]
    ) -> dict[str, Any]:
        what = f"{sobject} {record_id}"
        retrying = Retrying(
            stop=stop_after_attempt(self._retry.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            response = retrying(
                _attempt, client, f"sobjects/{sobject}/{record_id}", {"fields": ",".join(fields)}
            )
        except _Retryable as error:
            raise CrmUnavailable(f"{what}: {error} (after {self._retry.max_attempts} attempts)") from error
        if not response.is_success:
            raise _failure(response, what)
        return _json_object(response, what)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, _Retryable) and error.retry_after_s is not None:
            return min(error.retry_after_s, self._retry.max_backoff_s)
        return float(self._backoff(state))


def _attempt(client: httpx.Client, path: str, params: dict[str, str]) -> httpx.Response:
    try:
        response = client.get(path, params=params)
    except httpx.TransportError as error:
        raise _Retryable(f"{type(error).__name__}: {error}", None) from error
    if response.status_code == 429 or response.status_code >= 500:
        _, text = salesforce_errors(response)
        raise _Retryable(f"HTTP {response.status_code}: {text}", _retry_after_s(response))
    return response


def _failure(response: httpx.Response, what: str) -> CrmError:
    """The typed error of an answer that another try would not change."""
    codes, text = salesforce_errors(response)
    status = response.status_code
    detail = f"{what}: HTTP {status}: {text}"
    if codes & LIMIT_CODES:
        return CrmUnavailable(detail)
    if status == 404 or (status == 400 and codes & NOT_FOUND_CODES):
        return OpportunityNotFound(f"Salesforce has no {what}")
    if status in {401, 403}:
        return CrmAuthFailed(detail)
    return CrmRequestRejected(detail)


def salesforce_errors(response: httpx.Response) -> tuple[frozenset[str], str]:
    """The error codes and a readable text of a Salesforce error body: [{"message": …, "errorCode": …}, …]."""
    try:
        body: Any = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if isinstance(body, list) and body and all(isinstance(item, dict) for item in body):
        codes = frozenset(str(item.get("errorCode", "")) for item in body)
        text = "; ".join(f"{item.get('errorCode', '?')}: {item.get('message', '')}" for item in body)
        return codes, text[:ERROR_TEXT_LIMIT]
    return frozenset(), response.text[:ERROR_TEXT_LIMIT] or response.reason_phrase


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def _json_object(response: httpx.Response, what: str) -> dict[str, Any]:
    try:
        # Decimal keeps amounts exact: 1234567.89 must not arrive as 1234567.8899999999.
        data: Any = json.loads(response.content, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as error:
        raise CrmResponseInvalid(f"{what}: the body is not JSON: {error}") from error
    if not isinstance(data, dict):
        raise CrmResponseInvalid(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data
