"""The learned total chooser: its JSON model, its training, and its choices against the rule ranker."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from evals.extraction.train import TRAINING_SEED, training_document
from extraction.engine import amounts_of, extract
from extraction.fields.amounts import AmountCandidate, RuleRanker, TotalRanker
from extraction.settings import ExtractionSettings
from extraction.total_fit import TrainingDocument, fit_total_ranker, save_total_model
from extraction.total_model import (
    DEFAULT_MODEL_PATH,
    FEATURE_NAMES,
    LearnedRanker,
    TotalRankerModelError,
    load_total_model,
)
from tests.extraction.documents import assert_grounded, document

DISTRACTORS = """
STATEMENT OF WORK
This Statement of Work is entered into as of March 2, 2026 between Northwind Health, Inc. ("Client") and
Kestrel Consulting LLC ("Provider").
1. Fees
Draft pricing (superseded and replaced by the total below): $350,000.00.
Total Contract Value: $480,000.00 (approximately EUR 441,000.00 for the Client's reporting only).
Sales tax of $38,400.00 is invoiced in addition. Travel expenses are reimbursed at cost up to $20,000.00.
2. Limitation of Liability
Each party's total liability under this SOW will not exceed $2,000,000.00.
3. Insurance
Provider will maintain insurance with limits of not less than $5,000,000.00 per occurrence.
"""
# Held-out seeds (evals/extraction/documents.py): never used to train the shipped model.
HELD_OUT = range(30000, 30012)


def _top(candidates: tuple[AmountCandidate, ...], ranker: TotalRanker, currency: str | None) -> Decimal:
    return max(candidates, key=lambda c: (ranker.score(c, currency), -c.start)).value


def test_the_shipped_model_is_plain_json_with_this_versions_features() -> None:
    content = json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    assert content["format"] == "handoff-total-ranker"
    assert tuple(content["features"]) == FEATURE_NAMES
    model = load_total_model()
    assert model.training.documents >= 100 and str(TRAINING_SEED) in model.training.seeds


def test_both_rankers_pick_the_total_among_distractor_amounts() -> None:
    doc = document(DISTRACTORS)
    candidates, currency = amounts_of(doc)
    assert len(candidates) == 7
    learned = LearnedRanker(load_total_model())
    assert _top(candidates, learned, currency) == Decimal("480000.00")
    for name in ("learned", "rule"):
        record = extract(doc, ExtractionSettings(total_ranker=name))
        assert_grounded(record, doc)
        assert record.fields.total_contract_value.value == Decimal("480000.00")


@pytest.mark.slow
def test_the_learned_chooser_beats_or_equals_the_rule_ranker_on_held_out_documents() -> None:
    """Top-1 over every amount of each generated document (insurance limits, liability caps, superseded
    tables, conversions, milestone and rate figures): the learned chooser is right at least as often."""
    learned, rule = LearnedRanker(load_total_model()), RuleRanker()
    right = {"learned": 0, "rule": 0}
    scored = 0
    for seed in HELD_OUT:
        sample = training_document(seed)
        if sample.total is None or all(c.value != sample.total for c in sample.candidates):
            continue
        scored += 1
        right["learned"] += _top(sample.candidates, learned, sample.currency) == sample.total
        right["rule"] += _top(sample.candidates, rule, sample.currency) == sample.total
    assert scored >= 8
    assert right["learned"] >= right["rule"]
    assert right["learned"] >= scored - 1


def _samples() -> list[TrainingDocument]:
    candidates, currency = amounts_of(document(DISTRACTORS))
    other, other_currency = amounts_of(
        document("Fees\nThe fixed fee is $90,000.00. Insurance of $1,000,000.")
    )
    return [
        TrainingDocument(candidates, currency, Decimal("480000.00")),
        TrainingDocument(other, other_currency, Decimal("90000.00")),
    ]


def test_fitting_is_deterministic_and_the_export_reproduces_scikit_learn(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    save_total_model(fit_total_ranker(_samples(), "test"), first)
    save_total_model(fit_total_ranker(_samples(), "test"), second)
    assert first.read_bytes() == second.read_bytes()
    model = load_total_model(first)
    candidates, currency = amounts_of(document(DISTRACTORS))
    assert _top(candidates, LearnedRanker(model), currency) == Decimal("480000.00")


def test_fitting_needs_totals_and_other_amounts() -> None:
    candidates, currency = amounts_of(document(DISTRACTORS))
    with pytest.raises(TotalRankerModelError):
        fit_total_ranker([TrainingDocument(candidates, currency, None)], "test")


@pytest.mark.parametrize(
    "content",
    ["{not json", json.dumps({"format": "handoff-ranker"}), "features"],
)
def test_a_broken_model_file_is_a_typed_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TotalRankerModelError):
        load_total_model(path)
    with pytest.raises(TotalRankerModelError, match="no such file"):
        load_total_model(tmp_path / "missing.json")


def test_a_model_of_other_features_is_refused(tmp_path: Path) -> None:
    content = json.loads(DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    content["features"] = ["renamed", *content["features"][1:]]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(TotalRankerModelError, match="features"):
        load_total_model(path)


def test_training_data_then_train_extractor_writes_a_loadable_model(tmp_path: Path) -> None:
    data, out = tmp_path / "total.jsonl.gz", tmp_path / "total.json"
    made = CliRunner().invoke(
        app,
        ["training-data", "total-chooser", str(data), "--seed", "111900", "--count", "4", "--workers", "1"],
    )
    assert made.exit_code == 0, made.output
    assert "4 documents" in made.output
    result = CliRunner().invoke(app, ["train-extractor", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "of 4 documents" in result.output
    assert load_total_model(out).training.seeds == "generated born-digital 111900–111903"


def test_train_extractor_refuses_a_file_that_is_not_its_training_data(tmp_path: Path) -> None:
    ranker_data = tmp_path / "ranker.jsonl"
    ranker_data.write_text(
        '{"format": "handoff-training-data", "kind": "ranker-exceptions", "source": "x"}\n{}\n'
    )
    for data, why in [
        (tmp_path / "missing.jsonl", "no such file"),
        (ranker_data, "holds 'ranker-exceptions' items, not 'total-chooser-documents'"),
        (DEFAULT_MODEL_PATH, "not a training data file"),
    ]:
        result = CliRunner().invoke(app, ["train-extractor", str(data), "--out", str(tmp_path / "m.json")])
        assert result.exit_code == 2 and "training_data_invalid" in result.output and why in result.output
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize("seed", ["39999", "60000", "5"])  # report, tune (injection), tune (development)
def test_training_data_refuses_seeds_of_no_train_split(tmp_path: Path, seed: str) -> None:
    result = CliRunner().invoke(
        app, ["training-data", "total-chooser", str(tmp_path / "d.jsonl"), "--seed", seed, "--count", "2"]
    )
    assert result.exit_code == 2
    assert "training_seeds_reserved" in result.output
    assert not (tmp_path / "d.jsonl").exists()
