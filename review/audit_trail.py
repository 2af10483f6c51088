"""The audit trail as people read it: who, when, what, which field, from → to, the evidence quote and the
reason, one line per event; the raw event stays available (review page toggle, CSV column) for auditors."""

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from models.base import FrozenModel
from review.audit import AuditView
from triage.store import csv_cell

CSV_COLUMNS: Final = ("at", "actor", "action", "what", "field", "from", "to", "evidence", "reason", "raw")
WHAT: Final = {
    "document.upload": "uploaded the document",
    "document.check": "ran extraction and checks",
    "field.correct": "corrected a field",
    "field.not_in_document": "set a field to not in the document",
    "field.accept": "accepted a field as extracted",
    "exception.resolve": "resolved an exception",
    "exception.waive": "waived an exception",
    "exception.closed_by_correction": "an exception no longer held after a correction",
    "exception.opened_by_correction": "a correction raised an exception",
    "exception.reopened_by_correction": "an exception held again after a correction",
    "record.approve": "approved",
    "record.approved": "the record version was approved and queued for the ERP",
    "posting.replay": "replayed an ERP posting",
    "posting.dead": "an ERP posting was dead-lettered",
    "posting.request": "asked for an ERP posting",
}


class AuditLine(FrozenModel):
    at: datetime
    actor: str
    action: str
    what: str
    field: str | None = None
    before: str | None = None
    after: str | None = None
    evidence: str | None = None
    reason: str | None = None
    raw: str


def readable(events: Iterable[AuditView]) -> list[AuditLine]:
    return [_line(event) for event in events]


def _line(event: AuditView) -> AuditLine:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    field = after.get("field") or before.get("field")
    old, new = _value(before.get("value")), _value(after.get("value"))
    what = WHAT.get(event.action, event.action.replace(".", " ").replace("_", " "))
    if "code" in after or "code" in before:
        code = after.get("code") or before.get("code")
        what = f"{what}: {code}"
        if event.action.startswith("exception.") and "status" in after:
            old, new = str(before.get("status", "")) or None, str(after["status"])
    if event.action.startswith("record.") and after.get("approvers"):
        approvers = ", ".join(after["approvers"])
        what = f"{what} ({len(after['approvers'])} of {after.get('required', '?')}: {approvers})"
    raw = json.dumps({"before": event.before, "after": event.after}, ensure_ascii=False, default=str)
    return AuditLine(
        at=event.at,
        actor=event.actor,
        action=event.action,
        what=what,
        field=field or after.get("correction"),
        before=old,
        after=new,
        evidence=_quote(after.get("value")) or _quote(before.get("value")),
        reason=after.get("reason"),
        raw=raw,
    )


def _value(field_value: Any) -> str | None:
    if not isinstance(field_value, dict) or "value" not in field_value:
        return None
    value = field_value["value"]
    if value is None:
        return "not in document"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def _quote(field_value: Any) -> str | None:
    if not isinstance(field_value, dict):
        return None
    evidence = field_value.get("evidence") or []
    return str(evidence[0].get("quote")) if evidence and isinstance(evidence[0], dict) else None


def audit_csv(lines: Iterable[AuditLine]) -> str:
    """The trail as CSV (header CSV_COLUMNS); text cells cannot turn into spreadsheet formulas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        values = (
            *(line.at.isoformat(), line.actor, line.action, line.what, line.field),
            *(line.before, line.after, line.evidence, line.reason, line.raw),
        )
        writer.writerow([csv_cell(value) for value in values])
    return buffer.getvalue()
