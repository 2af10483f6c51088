"""Revenue at stake, the ranking's independent label source, on hand-computed cases."""

from datetime import date

import pytest

from evals.triage.deals import Deal, generate_deal
from evals.triage.history import label_deal
from evals.triage.stakes import CARRYING_RATE, ndcg_on_stakes, revenue_at_stake
from models.exceptions import HandoffException, Severity
from models.record import FieldValue
from triage.ranker import load_ranker


def _deal(total: float = 120000.0, start: date = date(2027, 1, 1), end: date = date(2027, 12, 27)) -> Deal:
    deal = generate_deal(7, 0)
    fields = deal.record.fields.model_copy(
        update={
            "total_contract_value": FieldValue(value=total, confidence=1.0),
            "start_date": FieldValue(value=start, confidence=1.0),
            "end_date": FieldValue(value=end, confidence=1.0),
        }
    )
    record = deal.record.model_copy(update={"fields": fields, "milestones": ()})
    return Deal(deal.deal_id, record, deal.opportunity, total, deal.seeded)


def _exception(code: str, field: str | None, document: object = None, crm: object = None) -> HandoffException:
    return HandoffException(
        code=code, field=field, kind="mismatch", severity=Severity.high, document_value=document,
        crm_value=crm, message="m",
    )  # fmt: skip


def test_an_amount_mismatch_puts_the_difference_at_stake() -> None:
    stake = revenue_at_stake(_exception("VALUE_MISMATCH", "total_contract_value", 120000, 100000), _deal())
    assert stake == pytest.approx(20000.0)


def test_wrong_client_or_unsigned_puts_the_whole_value_at_stake() -> None:
    deal = _deal()
    assert revenue_at_stake(_exception("VALUE_MISMATCH", "client_name", "A", "B"), deal) == 120000.0
    assert revenue_at_stake(_exception("UNSIGNED", "signed"), deal) == 120000.0


def test_a_shifted_start_puts_the_revenue_of_the_shift_at_stake() -> None:
    # 360-day term; CRM start 36 days later: a tenth of the value is booked in the wrong period
    exception = _exception("VALUE_MISMATCH", "start_date", "2027-01-01", "2027-02-06")
    assert revenue_at_stake(exception, _deal()) == pytest.approx(12000.0)


def test_longer_payment_terms_cost_the_carrying_of_the_receivable() -> None:
    stake = revenue_at_stake(
        _exception("VALUE_MISMATCH", "payment_terms_days", 60, 30), _deal(total=365000.0)
    )
    assert stake == pytest.approx(365000.0 * 30 / 365 * CARRYING_RATE)


def test_no_revenue_moves_for_a_reference_or_a_crm_only_gap() -> None:
    deal = _deal()
    assert revenue_at_stake(_exception("MISSING_CONTRACT_NUMBER", "contract_number"), deal) == 0.0
    assert revenue_at_stake(_exception("MISSING_IN_CRM", "end_date", "2027-12-27", None), deal) == 0.0


def test_ranking_on_stakes_reports_both_orders() -> None:
    history = [label_deal(generate_deal(204, index), 204) for index in range(60)]
    result = ndcg_on_stakes(load_ranker(), history)
    assert result["deals_scored"] > 10
    assert 0.0 < result["ndcg_amount_baseline"] <= 1.0 and 0.0 < result["ndcg_model"] <= 1.0
    assert result["model_over_amount"] == pytest.approx(result["ndcg_model"] - result["ndcg_amount_baseline"])
