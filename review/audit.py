"""The audit log: every review action appends one AuditEvent (who, when, what, before/after).

Events about a record are filed under the document (entity_type "document", entity_id its id), so one
listing shows a document's whole history; `before`/`after` name the record version, field or exception.
Events about people and credentials are filed under "user". The database refuses UPDATE and DELETE of
audit rows (migration 0003), so this module only ever inserts.
"""

from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.orm import AuditEvent, utc_now

DOCUMENT: Final = "document"
USER: Final = "user"


class AuditView(FrozenModel):
    id: str
    at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    before: Any = None
    after: Any = None


def record_event(
    session: Session,
    actor: str,
    action: str,
    entity: tuple[str, str],
    before: Any = None,
    after: Any = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one audit event to the session's transaction (the caller commits it with the change itself)."""
    entity_type, entity_id = entity
    event = AuditEvent(
        at=at or utc_now(),
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
    )
    session.add(event)
    return event


def list_audit(
    session: Session,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[AuditView]:
    """Audit events, oldest first, optionally of one entity or one actor."""
    statement = select(AuditEvent)
    if entity_type is not None:
        statement = statement.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        statement = statement.where(AuditEvent.entity_id == entity_id)
    if actor is not None:
        statement = statement.where(AuditEvent.actor == actor)
    statement = statement.order_by(AuditEvent.at, AuditEvent.id).offset(offset).limit(limit)
    return [
        AuditView(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            before=row.before,
            after=row.after,
        )
        for row in session.scalars(statement)
    ]
