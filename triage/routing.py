"""The SLA clock: when an exception falls due and whether it is overdue. Pure: the caller passes the time.

find_gaps already sets each exception's `owner_team` and `sla_hours` from the policy; `with_due_dates` adds
`due_at` = the time the exceptions were raised + `sla_hours`. Overdue is a question about now, so it is asked
(`is_overdue`) rather than stored: a stored flag would go stale.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from models.exceptions import HandoffException


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone")


def with_due_dates(exceptions: Iterable[HandoffException], raised_at: datetime) -> list[HandoffException]:
    """The exceptions with `due_at` set; one without `sla_hours` keeps `due_at` null."""
    _require_aware(raised_at, "raised_at")
    return [
        exception.model_copy(update={"due_at": raised_at + timedelta(hours=exception.sla_hours)})
        if exception.sla_hours is not None
        else exception
        for exception in exceptions
    ]


def is_overdue(exception: HandoffException, now: datetime) -> bool:
    _require_aware(now, "now")
    return exception.due_at is not None and now > exception.due_at
