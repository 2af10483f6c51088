"""REST routes of the CRM: the signed closed-won webhook and the opportunities it registered.

The webhook's wire format (headers, signed message, body shape) is documented in triage/webhook.py.
"""

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from api.auth import allow
from api.deps import SessionDep
from models.crm import CrmOpportunity
from models.orm import utc_now
from review.roles import Permission
from triage.crm_store import register_opportunity, registered_opportunity
from triage.field_mapping import FieldMapping, load_mapping
from triage.settings import CrmSettings
from triage.webhook import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookNotConfigured,
    WebhookTooLarge,
    opportunity_from_webhook,
    verify_signature,
)

router = APIRouter(prefix="/api/crm", tags=["crm"])
WEBHOOK_SOURCE = "webhook"
PROBLEM = {"model": dict[str, Any], "content": {"application/problem+json": {}}}
WEBHOOK_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {**PROBLEM, "description": text}
    for code, text in {
        401: "signature or timestamp header missing, signature wrong, or signed more than the tolerance ago",
        413: "body over HANDOFF_CRM_WEBHOOK_MAX_BYTES",
        422: "body is not one opportunity, or a field does not map to a valid value",
        503: "no webhook secret configured (HANDOFF_CRM_WEBHOOK_SECRET)",
    }.items()
}


def get_crm_settings(request: Request) -> CrmSettings:
    settings: CrmSettings = request.app.state.crm_settings
    return settings


CrmSettingsDep = Annotated[CrmSettings, Depends(get_crm_settings)]


class WebhookReceipt(BaseModel):
    opportunity_id: str
    stored: bool  # False: a registration signed later is stored already and stays
    sent_at: datetime


class RegisteredOpportunity(BaseModel):
    opportunity: CrmOpportunity
    source: str
    sent_at: datetime
    received_at: datetime


@lru_cache(maxsize=8)
def field_mapping(path: Path | None) -> FieldMapping:
    """The mapping file is read once per process; the webhook reads every body with it."""
    return load_mapping(path)


async def read_body_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise WebhookTooLarge(f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise WebhookTooLarge(f"the body is over the {limit} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/webhook", responses=WEBHOOK_PROBLEMS)
async def receive_webhook(request: Request, session: SessionDep, settings: CrmSettingsDep) -> WebhookReceipt:
    """Register a closed-won opportunity ahead of its document: an upsert by opportunity id."""
    if settings.crm_webhook_secret is None:
        raise WebhookNotConfigured("set HANDOFF_CRM_WEBHOOK_SECRET; unsigned webhooks are never accepted")
    body = await read_body_limited(request, settings.crm_webhook_max_bytes)
    sent_at = verify_signature(
        settings.crm_webhook_secret.get_secret_value(),
        body,
        signature_header=request.headers.get(SIGNATURE_HEADER),
        timestamp_header=request.headers.get(TIMESTAMP_HEADER),
        now=utc_now(),
        tolerance_s=settings.crm_webhook_tolerance_s,
    )
    opportunity = opportunity_from_webhook(body, field_mapping(settings.salesforce_mapping))
    stored = await run_in_threadpool(
        register_opportunity, session, opportunity, sent_at=sent_at, source=WEBHOOK_SOURCE
    )
    return WebhookReceipt(opportunity_id=opportunity.opportunity_id, stored=stored, sent_at=sent_at)


@router.get(
    "/opportunities/{opportunity_id}",
    responses={404: {**PROBLEM, "description": "not registered"}},
    dependencies=[Depends(allow(Permission.read))],
)
def read_registered_opportunity(opportunity_id: str, session: SessionDep) -> RegisteredOpportunity:
    row = registered_opportunity(session, opportunity_id)
    return RegisteredOpportunity(
        opportunity=CrmOpportunity.model_validate(row.payload),
        source=row.source,
        sent_at=row.sent_at,
        received_at=row.received_at,
    )
