"""The revenue-risk ranker: scores, order, ties, the model file and its faithfulness to scikit-learn."""

import itertools
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)

from models.exceptions import HandoffException, Severity
from tests.triage.builders import opportunity, record
from triage.compare import find_gaps
from triage.errors import (
    RankerExportMismatch,
    RankerModelCorrupt,
    RankerModelIncompatible,
    RankerModelMissing,
)
from triage.policy import DEFAULT_POLICY
from triage.ranker import DEFAULT_MODEL_PATH, load_ranker, rank_exceptions, rank_key
from triage.ranker_features import FEATURE_NAMES, feature_row
from triage.ranker_fit import check_export, export_ensemble
from triage.ranker_model import RankerModel


@pytest.fixture(scope="module")
def model() -> RankerModel:
    return load_ranker()


def model_file_content() -> dict[str, Any]:
    content: dict[str, Any] = json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    return content


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def by_code(ranked: list[HandoffException]) -> dict[tuple[str, str | None], HandoffException]:
    return {(exception.code, exception.field): exception for exception in ranked}


def test_a_large_strategic_deal_losing_30_percent_outranks_a_trivial_gap(model: RankerModel) -> None:
    sow = record(total_contract_value=3_360_000, milestone_amounts=(1_120_000, 1_120_000, 1_120_000))
    crm = opportunity(amount=4_800_000, customer_tier="strategic", payment_terms_days=None)
    ranked = rank_exceptions(find_gaps(sow, crm, DEFAULT_POLICY), sow, crm, model)
    found = by_code(ranked)
    value_gap = found[("VALUE_MISMATCH", "total_contract_value")]
    trivial = found[("MISSING_IN_CRM", "payment_terms_days")]
    assert value_gap.rank == 1
    assert trivial.rank == len(ranked)
    assert value_gap.revenue_at_risk is not None and trivial.revenue_at_risk is not None
    assert value_gap.revenue_at_risk > 10 * trivial.revenue_at_risk
    assert value_gap.risk_score is not None and trivial.risk_score is not None
    assert value_gap.risk_score > trivial.risk_score


def test_the_same_gap_risks_more_revenue_on_a_larger_deal(model: RankerModel) -> None:
    def value_gap_at_risk(total: int) -> float:
        sow = record(total_contract_value=total, milestone_amounts=(total / 2, total / 2))
        crm = opportunity(amount=total * 1.1)
        (ranked,) = rank_exceptions(find_gaps(sow, crm, DEFAULT_POLICY), sow, crm, model)
        assert ranked.revenue_at_risk is not None
        return ranked.revenue_at_risk

    assert value_gap_at_risk(2_000_000) > 5 * value_gap_at_risk(100_000)


VARIANTS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({}, {}),
    ({"signed": False, "payment_terms_days": 90}, {"customer_tier": "smb", "expected_margin_pct": 8.0}),
    ({"billing_model": "time_and_materials", "contract_number": None}, {"billing_type": None}),
    ({"currency": "EUR", "end_date": "2026-01-31"}, {"customer_tier": None, "close_date": None}),
    ({"client_name": "Keystone Freight Lines", "total_contract_value": None}, {"amount": 12.0}),
    ({"start_date": "2026-06-01"}, {"start_date": "2026-03-16", "expected_margin_pct": None}),
]


@pytest.mark.parametrize(("document", "crm"), VARIANTS)
def test_scores_are_probabilities_and_ranks_run_from_one(
    model: RankerModel, document: dict[str, Any], crm: dict[str, Any]
) -> None:
    sow, opp = record(**document), opportunity(**crm)
    gaps = find_gaps(sow, opp, DEFAULT_POLICY)
    ranked = rank_exceptions(gaps, sow, opp, model)
    assert sorted(e.message for e in ranked) == sorted(e.message for e in gaps)
    assert [e.rank for e in ranked] == list(range(1, len(gaps) + 1))
    for exception in ranked:
        assert exception.risk_score is not None and 0.0 <= exception.risk_score <= 1.0
        assert exception.revenue_at_risk is not None and exception.revenue_at_risk >= 0.0
    assert ranked == sorted(ranked, key=rank_key)


def test_without_a_contract_value_revenue_at_risk_is_unknown(model: RankerModel) -> None:
    sow = record(total_contract_value=None, contract_number=None)
    ranked = rank_exceptions(find_gaps(sow, None, DEFAULT_POLICY), sow, None, model)
    assert ranked and all(e.revenue_at_risk is None and e.risk_score is not None for e in ranked)
    booked_in_another_currency = opportunity(currency="EUR", amount=500_000)
    ranked = rank_exceptions(
        find_gaps(sow, booked_in_another_currency, DEFAULT_POLICY), sow, booked_in_another_currency, model
    )
    assert all(e.revenue_at_risk is None for e in ranked)


def test_identical_exceptions_tie_and_are_ordered_by_message_whatever_the_input_order(
    model: RankerModel,
) -> None:
    sow, crm = record(), opportunity(payment_terms_days=45)
    (gap,) = find_gaps(sow, crm, DEFAULT_POLICY)
    twins = [gap.model_copy(update={"message": text}) for text in ("b: second", "a: first", "c: third")]
    orders = {
        tuple(e.message for e in rank_exceptions(list(order), sow, crm, model))
        for order in itertools.permutations(twins)
    }
    assert orders == {("a: first", "b: second", "c: third")}


def test_rank_key_breaks_ties_by_risk_then_severity_then_code_and_field() -> None:
    def scored(code: str, field: str | None, severity: Severity, risk: float, at_risk: float | None) -> Any:
        return HandoffException(
            code=code,
            field=field,
            kind="rule",
            severity=severity,
            message=f"{code} {field}",
            risk_score=risk,
            revenue_at_risk=at_risk,
        )

    expected = [
        scored("UNSIGNED", "signed", Severity.low, 0.1, 5000.0),
        scored("VALUE_MISMATCH", "currency", Severity.low, 0.9, 1000.0),
        scored("VALUE_MISMATCH", "currency", Severity.blocker, 0.5, 1000.0),
        scored("VALUE_MISMATCH", "start_date", Severity.high, 0.5, 1000.0),
        scored("MISSING_IN_CRM", "client_name", Severity.high, 0.5, 1000.0),
        scored("MISSING_IN_CRM", "end_date", Severity.high, 0.5, 1000.0),
        scored("POLICY_CODE", None, Severity.high, 0.5, 1000.0),
        scored("DATE_ORDER", "end_date", Severity.blocker, 0.99, None),
    ]
    shuffled = expected[::-1]
    random.Random(3).shuffle(shuffled)
    assert sorted(shuffled, key=rank_key) == expected


def test_the_shipped_model_matches_this_code() -> None:
    shipped = load_ranker()
    assert shipped.features == FEATURE_NAMES
    assert shipped.training.seed == 0
    assert load_ranker(DEFAULT_MODEL_PATH) == shipped


def test_a_missing_model_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(RankerModelMissing) as raised:
        load_ranker(tmp_path / "absent.json")
    assert raised.value.code == "ranker_model_missing"
    assert "train-ranker" in raised.value.detail


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00binary",
        b"[1, 2, 3]",
        b'{"format": "something-else", "format_version": 1}',
        b'{"format": "handoff-ranker", "format_version": 1, "features": []}',
    ],
)
def test_an_unreadable_model_file_is_corrupt(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "ranker.json"
    path.write_bytes(content)
    with pytest.raises(RankerModelCorrupt) as raised:
        load_ranker(path)
    assert raised.value.code == "ranker_model_corrupt"


def test_a_tree_pointing_outside_itself_is_corrupt(tmp_path: Path) -> None:
    content = model_file_content()
    tree = content["risk"]["trees"][0]
    tree["left"][0] = len(tree["left"]) + 5
    with pytest.raises(RankerModelCorrupt, match="children outside the tree"):
        load_ranker(write(tmp_path, content))


def test_a_tree_splitting_on_an_unknown_feature_is_corrupt(tmp_path: Path) -> None:
    content = model_file_content()
    content["revenue"]["trees"][0]["feature"][0] = len(FEATURE_NAMES)
    with pytest.raises(RankerModelCorrupt, match="feature the model does not list"):
        load_ranker(write(tmp_path, content))


@pytest.mark.parametrize(
    "change",
    [
        {"format_version": 2},
        {"features": [*FEATURE_NAMES[:-1], "renamed_feature"]},
    ],
)
def test_a_model_of_another_version_or_feature_set_is_incompatible(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    with pytest.raises(RankerModelIncompatible) as raised:
        load_ranker(write(tmp_path, model_file_content() | change))
    assert raised.value.code == "ranker_model_incompatible"


def regression_data(seed: int) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    rows = rng.normal(size=(400, 5)) * np.array([1.0, 10.0, 1e-3, 1e5, 0.5])
    target = rows[:, 0] * 2 + np.sin(rows[:, 1]) + (rows[:, 3] > 0) + rng.normal(scale=0.1, size=400)
    return rows, target


def test_exported_trees_reproduce_scikit_learn_on_rows_that_are_not_float32() -> None:
    rows, target = regression_data(1)
    regressor = GradientBoostingRegressor(n_estimators=60, max_depth=4, random_state=0).fit(rows, target)
    exported = export_ensemble(regressor, init=float(target.mean()))
    walked = np.array([exported.raw(tuple(row)) for row in rows.tolist()])
    assert np.max(np.abs(walked - regressor.predict(rows))) < 1e-12
    classifier = GradientBoostingClassifier(n_estimators=40, random_state=0).fit(rows, target > 1)
    rate = float((target > 1).mean())
    exported = export_ensemble(classifier, init=float(np.log(rate / (1 - rate))))
    check_export(exported, classifier.decision_function(rows), rows)


def test_an_export_that_drifts_from_scikit_learn_is_refused() -> None:
    rows, target = regression_data(2)
    regressor = GradientBoostingRegressor(n_estimators=20, random_state=0).fit(rows, target)
    shifted = export_ensemble(regressor, init=float(target.mean()) + 1e-6)
    with pytest.raises(RankerExportMismatch) as raised:
        check_export(shifted, regressor.predict(rows), rows)
    assert raised.value.code == "ranker_export_mismatch"


def test_features_follow_the_documented_layout() -> None:
    sow = record(total_contract_value=450_000, milestone_amounts=(150_000, 150_000, 150_000))
    crm = opportunity(customer_tier="Mid-Market", expected_margin_pct=22.5, close_date="2026-03-01")
    (gap,) = find_gaps(sow, crm, DEFAULT_POLICY)
    row = dict(zip(FEATURE_NAMES, feature_row(gap, sow, crm), strict=True))
    assert row["code=VALUE_MISMATCH"] == row["field=total_contract_value"] == row["billing=milestone"] == 1.0
    assert sum(value for name, value in row.items() if name.startswith("code=")) == 1.0
    assert row["severity"] == 3.0
    assert row["relative_delta"] == pytest.approx(-0.0625)
    assert row["money_delta_log10"] == pytest.approx(np.log10(30_001))
    assert row["contract_value_log10"] == pytest.approx(np.log10(450_001))
    assert row["customer_tier_rank"] == 1.0 and row["customer_tier_known"] == 1.0
    assert row["expected_margin_pct"] == 22.5
    assert row["days_until_start"] == 15.0
    assert row["extraction_confidence"] == 1.0
