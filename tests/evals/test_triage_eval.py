"""The labelled exception history, ranker training and the ranking eval of evals/triage."""

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from evals.triage import generate_history, ndcg_at_k, train_ranker
from evals.triage.__main__ import main
from evals.triage.deals import generate_deal
from evals.triage.history import LabelledDeal, training_examples
from evals.triage.labels import PROBABILITY_RANGE, assess
from evals.triage.ranking import amount_order, evaluate_ranking
from evals.triage.train import TRAINING_DEALS, TRAINING_SEED
from triage.errors import RankerHistoryTooSmall
from triage.ranker import DEFAULT_MODEL_PATH, load_ranker, rank_exceptions
from triage.ranker_fit import fit_ranker

SMALL_TRAINING_DEALS = 200
HELD_OUT_SEED = 977


def test_ndcg_rewards_putting_the_largest_gains_first() -> None:
    assert ndcg_at_k([5.0, 3.0, 1.0]) == 1.0
    reversed_dcg = 1.0 + 3.0 / math.log2(3) + 5.0 / math.log2(4)
    ideal_dcg = 5.0 + 3.0 / math.log2(3) + 1.0 / math.log2(4)
    assert ndcg_at_k([1.0, 3.0, 5.0]) == pytest.approx(reversed_dcg / ideal_dcg)
    assert ndcg_at_k([0.0, 0.0]) == 1.0
    assert ndcg_at_k([0.0, 9.0, 1.0], k=1) == 0.0


def test_deals_are_reproducible_and_histories_of_different_seeds_share_no_document() -> None:
    assert generate_deal(3, 11) == generate_deal(3, 11)
    first, other = generate_deal(3, 11), generate_deal(4, 11)
    assert first.record.fields.client_name.value != other.record.fields.client_name.value
    assert first.deal_id != other.deal_id


def test_labels_follow_the_documented_rules() -> None:
    history = generate_history(seed=41, deals=150)
    labelled = [item for deal in history for item in deal.exceptions]
    low, high = PROBABILITY_RANGE
    assert all(low <= item.assessment.probability <= high for item in labelled)
    value_gaps = [
        (deal, item)
        for deal in history
        for item in deal.exceptions
        if (item.exception.code, item.exception.field) == ("VALUE_MISMATCH", "total_contract_value")
    ]
    assert value_gaps
    for deal, item in value_gaps:
        difference = abs(float(item.exception.document_value) - float(item.exception.crm_value))
        assert item.assessment.exposure == pytest.approx(difference)
        assert assess(item.exception, deal.deal) == item.assessment
    assert generate_history(seed=41, deals=150) == history


def test_a_low_confidence_read_makes_a_gap_less_likely_to_be_real() -> None:
    deal = next(
        deal
        for deal in generate_history(seed=42, deals=200)
        if any(item.exception.field == "end_date" for item in deal.exceptions)
        and deal.deal.record.fields.end_date.confidence >= 0.9
    )
    item = next(item for item in deal.exceptions if item.exception.field == "end_date")
    fields = deal.deal.record.fields
    blurred = fields.model_copy(update={"end_date": fields.end_date.model_copy(update={"confidence": 0.3})})
    blurred_deal = replace(deal.deal, record=deal.deal.record.model_copy(update={"fields": blurred}))
    assert assess(item.exception, blurred_deal).probability < item.assessment.probability


def test_training_is_deterministic(tmp_path: Path) -> None:
    first = train_ranker(tmp_path / "a" / "ranker.json", seed=5, deals=SMALL_TRAINING_DEALS)
    again = train_ranker(tmp_path / "b" / "ranker.json", seed=5, deals=SMALL_TRAINING_DEALS)
    other = train_ranker(tmp_path / "c" / "ranker.json", seed=6, deals=SMALL_TRAINING_DEALS)
    assert first.path.read_bytes() == again.path.read_bytes()
    assert first.sha256 == again.sha256 != other.sha256
    held_out = generate_history(seed=HELD_OUT_SEED, deals=40)
    rankings = [
        [
            rank_exceptions(
                [e.exception for e in deal.exceptions], deal.deal.record, deal.deal.opportunity, model
            )
            for deal in held_out
        ]
        for model in (load_ranker(first.path), load_ranker(again.path))
    ]
    assert rankings[0] == rankings[1]
    assert first.examples == len(training_examples(generate_history(5, SMALL_TRAINING_DEALS)))


def test_training_needs_both_outcomes() -> None:
    with pytest.raises(RankerHistoryTooSmall) as raised:
        fit_ranker([], seed=0, history="empty")
    assert raised.value.code == "ranker_history_too_small"


def test_the_shipped_model_beats_both_naive_orders_on_held_out_deals() -> None:
    model = load_ranker()
    assert model.training.seed != HELD_OUT_SEED
    scores = evaluate_ranking(model, generate_history(seed=HELD_OUT_SEED, deals=150))
    assert scores.deals_scored >= 80
    assert scores.ndcg_model >= scores.ndcg_amount_baseline + 0.03
    assert scores.ndcg_model >= scores.ndcg_severity_baseline + 0.02
    assert scores.ndcg_model <= scores.ndcg_oracle + 0.01
    assert scores.model_better_than_amount > 2 * scores.model_worse_than_amount
    assert scores.risk_auc > 0.6


def test_the_amount_baseline_sorts_by_the_amount_an_exception_names() -> None:
    deal: LabelledDeal = next(
        deal
        for deal in generate_history(seed=43, deals=100)
        if any(item.exception.field == "total_contract_value" for item in deal.exceptions)
        and deal.exceptions[0].exception.field != "total_contract_value"
    )
    assert amount_order(deal)[0].exception.field == "total_contract_value"


def test_the_module_trains_evaluates_and_writes_results(tmp_path: Path) -> None:
    model, results = tmp_path / "ranker.json", tmp_path / "results"
    arguments = ["--deals", "150", "--held-out-seeds", "7", "8", "--held-out-deals", "60"]
    assert main([*arguments, "--model", str(model), "--results", str(results)]) == 0
    summary = json.loads((results / "triage-ranking.json").read_text(encoding="utf-8"))
    assert [row["seed"] for row in summary["held_out"]] == [7, 8]
    assert summary["model"]["training"]["history"] == "evals.triage seed=0 deals=150 labels-v1"
    assert 0.0 < summary["mean"]["ndcg_amount_baseline"] <= 1.0
    assert "python -m evals.triage" in (results / "triage-ranking.md").read_text(encoding="utf-8")


def test_the_module_refuses_a_held_out_seed_equal_to_the_training_seed(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--seed", "3", "--held-out-seeds", "3", "--model", str(tmp_path / "m.json")])


@pytest.mark.slow
def test_the_shipped_model_is_what_train_ranker_rebuilds(tmp_path: Path) -> None:
    rebuilt = train_ranker(tmp_path / "ranker.json", TRAINING_SEED, TRAINING_DEALS)
    assert rebuilt.path.read_bytes() == DEFAULT_MODEL_PATH.read_bytes(), (
        "triage/models/ranker-v1.json is stale: rebuild it with `python -m evals.triage`"
    )
