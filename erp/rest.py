"""Generic REST ERP adapter (httpx): the mapped JSON body, an `Idempotency-Key` header, a timeout per call.

5xx, 408, 429, timeouts and connection errors raise ErpUnavailable (the outbox retries with the same key, not
before the ERP's Retry-After);
other 4xx raise ErpRejected with the ERP's own message (the outbox dead-letters at once). An answer that
echoes another request's Idempotency-Key (a server that answered twice on one connection) is not believed:
the connections are dropped and the posting retried, so it is never booked under another posting's id.
"""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from erp.errors import ErpRejected, ErpUnavailable, InvalidErpMapping
from erp.mapping import ErpMapping, read_path, request_body, request_path
from erp.models import ErpReceipt, Posting
from erp.settings import ErpSettings

RETRIED_4XX: Final = frozenset({408, 425, 429})
MESSAGE_LIMIT: Final = 2000


class RestErp:
    def __init__(
        self, settings: ErpSettings, mapping: ErpMapping, client: httpx.Client | None = None
    ) -> None:
        headers = {"Accept": "application/json"}
        if settings.erp_token is not None:
            headers["Authorization"] = f"Bearer {settings.erp_token.get_secret_value()}"
        self.mapping = mapping
        self._options: dict[str, Any] = {
            "base_url": settings.erp_url,
            "headers": headers,
            "timeout": httpx.Timeout(settings.erp_timeout_s, connect=settings.erp_connect_timeout_s),
            # One kept-alive connection per posting in flight: fewer and each extra one is a new handshake.
            "limits": httpx.Limits(
                max_connections=settings.erp_concurrency, max_keepalive_connections=settings.erp_concurrency
            ),
        }
        self.client = client or httpx.Client(**self._options)

    def close(self) -> None:
        self.client.close()

    def _reconnect(self) -> None:
        self.client.close()
        self.client = httpx.Client(**self._options)

    def post(self, posting: Posting, idempotency_key: str) -> ErpReceipt:
        body = request_body(self.mapping, posting)
        path = request_path(self.mapping, posting)
        try:
            response = self.client.post(path, json=body, headers={"Idempotency-Key": idempotency_key})
        except httpx.TimeoutException as error:
            raise ErpUnavailable(f"the ERP timed out ({type(error).__name__}) on POST {path}") from error
        except httpx.TransportError as error:
            raise ErpUnavailable(f"the ERP connection failed on POST {path}: {error!r}") from error
        echoed = response.headers.get("Idempotency-Key")
        if echoed is not None and echoed != idempotency_key:
            self._reconnect()
            raise ErpUnavailable(f"the ERP's answer on POST {path} belongs to another request ({echoed})")
        return self._receipt(posting, response)

    def _receipt(self, posting: Posting, response: httpx.Response) -> ErpReceipt:
        status = response.status_code
        if status >= 500 or status in RETRIED_4XX:
            retry_after = _retry_after(response.headers.get("Retry-After"))
            raise ErpUnavailable(f"the ERP answered {status}: {_message(response)}", retry_after)
        if status >= 400:
            raise ErpRejected(f"the ERP refused the posting ({status}): {_message(response)}")
        try:
            answer: dict[str, Any] = response.json()
            reference = str(read_path(answer, self.mapping.response.id))
        except (ValueError, InvalidErpMapping) as error:
            raise ErpRejected(f"the ERP's answer ({status}) has no id: {response.text[:200]}") from error
        keys = self.mapping.response
        project = (
            answer.get(keys.project_id) if keys.project_id and posting.kind == "amendment" else reference
        )
        return ErpReceipt(
            reference=reference,
            project_id=str(project or reference),
            status_code=status,
            replayed=response.headers.get("Idempotent-Replayed", "").lower() == "true",
            body=answer,
        )


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:MESSAGE_LIMIT] or response.reason_phrase
    if isinstance(body, dict):
        parts = [str(body.get(key)) for key in ("error", "message", "detail") if body.get(key)]
        if parts:
            return "; ".join(parts)[:MESSAGE_LIMIT]
    return str(body)[:MESSAGE_LIMIT]


def _retry_after(value: str | None) -> float | None:
    """Seconds of a Retry-After header: a number of seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
