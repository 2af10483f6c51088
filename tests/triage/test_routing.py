"""The SLA clock: due dates from the policy's hours, overdue asked against a given time."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.triage.builders import opportunity, record
from triage.compare import find_gaps
from triage.policy import DEFAULT_POLICY
from triage.routing import is_overdue, with_due_dates

RAISED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_due_dates_follow_the_sla_of_each_severity() -> None:
    found = with_due_dates(
        find_gaps(record(signed=False), opportunity(billing_type=None), DEFAULT_POLICY), RAISED
    )
    assert [(gap.code, gap.sla_hours, gap.due_at) for gap in found] == [
        ("UNSIGNED", 24, RAISED + timedelta(hours=24)),
        ("MISSING_IN_CRM", 240, RAISED + timedelta(hours=240)),
    ]


def test_overdue_is_asked_against_now() -> None:
    [gap] = with_due_dates(find_gaps(record(signed=False), opportunity(), DEFAULT_POLICY), RAISED)
    assert not is_overdue(gap, RAISED + timedelta(hours=24))
    assert is_overdue(gap, RAISED + timedelta(hours=24, seconds=1))


def test_an_exception_without_an_sla_is_never_due() -> None:
    [gap] = find_gaps(record(signed=False), opportunity(), DEFAULT_POLICY)
    undated = gap.model_copy(update={"sla_hours": None})
    [kept] = with_due_dates([undated], RAISED)
    assert kept.due_at is None
    assert not is_overdue(kept, RAISED + timedelta(days=365))


def test_times_must_carry_a_time_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        with_due_dates([], datetime(2026, 3, 2, 9, 0))
