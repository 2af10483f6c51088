"""Field review: accept a value, correct it, or set it to "not in the document" (value null).

Each takes the record version the reviewer saw (a newer version → Conflict) and a field path
(review.paths). A correction changes a draft in place; on an approved version, or a draft that already has
an approval, it goes into a new draft version (review.versions). Every change writes a Review row, an audit
event with before/after and a Correction row, the labelled example `handoff export-corrections` writes out.
Accepting records the reviewer's confirmation and changes nothing, so it never makes a version.
"""

from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import FrozenModel
from models.document import ParsedDocument
from models.orm import Correction, Document, RecordVersion, Review, ReviewAction, utc_now
from review.audit import DOCUMENT, record_event
from review.errors import InvalidValue
from review.evidence import EvidenceInput, grounded
from review.inputs import typed_value
from review.paths import FieldPath, checked_value, get_value, parse_path, replaced
from review.retriage import Recheck, Retriaged, retriage
from review.roles import Permission, require
from review.settings import ReviewSettings
from review.versions import editable_version, load_version, require_draft, require_latest

MAX_REASON: Final = 2000


class EditResult(FrozenModel):
    """What an edit did: the version now holding the field, and the field before and after."""

    document_id: str
    record_version_id: str
    version: int
    new_version: bool
    changed: bool
    field: str
    before: dict[str, Any]
    after: dict[str, Any]
    exceptions_closed: tuple[str, ...] = ()
    exceptions_opened: tuple[str, ...] = ()


def accept_field(
    session: Session, actor: str, version_id: str, path: str, *, recheck: Recheck | None = None
) -> EditResult:
    """Record that `actor` checked the value at `path` of a draft version and found it right: the value is
    now a person's (confidence 1), like a corrected one. With `recheck`, a value accepted from below full
    confidence is triaged again: its LOW_CONFIDENCE closes, and a real difference from the CRM that the
    unsure reading did not raise on its own is raised now."""
    require(session, actor, Permission.edit_record)
    version = load_version(session, version_id)
    require_latest(session, version)
    require_draft(version)
    field = parse_path(path)
    current = get_value(version.record, field)
    session.add(
        Review(record_version_id=version.id, actor=actor, action=ReviewAction.accept.value, field=path)
    )
    record_event(
        session,
        actor,
        "field.accept",
        (DOCUMENT, version.document_id),
        before={"record_version_id": version.id, "field": path, "value": current},
    )
    confirmed = current if current.get("confidence", 1.0) >= 1.0 else {**current, "confidence": 1.0}
    retriaged = None
    if confirmed is not current:
        version.record = replaced(version.record, field, confirmed)
        retriaged = retriage(session, actor, version, path, recheck) if recheck is not None else None
    session.commit()
    return _with_retriage(_result(version, False, False, path, current, confirmed), retriaged)


def correct_field(
    session: Session,
    actor: str,
    version_id: str,
    path: str,
    value: Any,
    *,
    evidence: list[EvidenceInput] | None = None,
    reason: str | None = None,
    recheck: Recheck | None = None,
) -> EditResult:
    """Set the value at `path`; keeps the extracted evidence unless `evidence` is given.

    `value` is validated and normalised by the field's type (InvalidValue when it does not fit); a null
    value is "not in the document" and carries no evidence. With `recheck` (the app's check), the
    corrected record is triaged again in the same transaction (review.retriage).
    """
    require(session, actor, Permission.edit_record)
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidValue(f"the reason is longer than {MAX_REASON} characters")
    version = load_version(session, version_id)
    require_latest(session, version)
    field = parse_path(path)
    before = get_value(version.record, field)
    currency = version.record.get("fields", {}).get("currency", {}).get("value")
    value_type = field.value_type.model_fields["value"].annotation
    value = typed_value(value_type, value, currency=currency, date_order=ReviewSettings().review_date_order)
    quotes = _evidence(session, version, before, evidence) if value is not None else []
    after = checked_value(field, value, quotes)
    if after["value"] == before["value"] and after["evidence"] == before["evidence"]:
        return _result(version, False, False, path, before, before)
    target, created = editable_version(session, actor, version)
    target.record = replaced(target.record, field, after)
    _log_change(session, actor, target, field, before, after, reason)
    retriaged = retriage(session, actor, target, path, recheck) if recheck is not None else None
    session.commit()
    return _with_retriage(_result(target, created, True, path, before, after), retriaged)


def _with_retriage(result: EditResult, retriaged: Retriaged | None) -> EditResult:
    """The edit's result with what triaging the record again closed and opened (reopened counts as opened)."""
    if retriaged is None:
        return result
    opened = retriaged.opened + retriaged.reopened
    return result.model_copy(update={"exceptions_closed": retriaged.closed, "exceptions_opened": opened})


def set_not_in_document(
    session: Session,
    actor: str,
    version_id: str,
    path: str,
    *,
    reason: str | None = None,
    recheck: Recheck | None = None,
) -> EditResult:
    """Mark the value at `path` as not stated by the document (value null, no evidence)."""
    return correct_field(session, actor, version_id, path, None, reason=reason, recheck=recheck)


def _evidence(
    session: Session,
    version: RecordVersion,
    before: dict[str, Any],
    supplied: list[EvidenceInput] | None,
) -> list[dict[str, Any]]:
    if not supplied:
        kept: list[dict[str, Any]] = before.get("evidence", [])
        return kept
    document = session.get(Document, version.document_id)
    assert document is not None
    parsed = ParsedDocument.model_validate(document.parsed)
    return [piece for item in supplied for piece in grounded(parsed, item)]


def _log_change(
    session: Session,
    actor: str,
    version: RecordVersion,
    field: FieldPath,
    before: dict[str, Any],
    after: dict[str, Any],
    reason: str | None,
) -> None:
    now = utc_now()
    action = "field.not_in_document" if after["value"] is None else "field.correct"
    session.add(
        Review(
            record_version_id=version.id,
            actor=actor,
            action=ReviewAction.correct.value,
            field=field.text,
            before=before,
            after=after,
            reason=reason,
            created_at=now,
        )
    )
    session.add(_correction(session, actor, version, field, before, after, now))
    record_event(
        session,
        actor,
        action,
        (DOCUMENT, version.document_id),
        before={"record_version_id": version.id, "field": field.text, "value": before},
        after={"record_version_id": version.id, "field": field.text, "value": after, "reason": reason},
        at=now,
    )


def _correction(
    session: Session,
    actor: str,
    version: RecordVersion,
    field: FieldPath,
    before: dict[str, Any],
    after: dict[str, Any],
    at: datetime,
) -> Correction:
    return Correction(
        document_id=version.document_id,
        record_version_id=version.id,
        field_path=field.text,
        extracted=_extracted(session, version.document_id, field.text, before["value"]),
        corrected=after["value"],
        evidence=after["evidence"],
        actor=actor,
        at=at,
    )


def _extracted(session: Session, document_id: str, path: str, current: Any) -> Any:
    """The extractor's value: carried over from the field's last correction if that set the current value."""
    last = session.scalar(
        select(Correction)
        .where(Correction.document_id == document_id, Correction.field_path == path)
        .order_by(Correction.at.desc(), Correction.id.desc())
        .limit(1)
    )
    if last is not None and last.corrected == current:
        return last.extracted
    return current


def _result(
    version: RecordVersion,
    created: bool,
    changed: bool,
    path: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> EditResult:
    return EditResult(
        document_id=version.document_id,
        record_version_id=version.id,
        version=version.version,
        new_version=created,
        changed=changed,
        field=path,
        before=before,
        after=after,
    )
