"""The quality gate: the threshold comparison (fast) and the gate itself on its CI subset (slow)."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evals.gate import GENERALISATION_REPORT, THRESHOLDS, committed_llm_metrics, measure
from evals.gate_thresholds import (
    Threshold,
    ThresholdFileError,
    failures,
    judge,
    load_thresholds,
    parse_thresholds,
    text_table,
)
from evals.reporting import CORPUS, RESULTS_DIRECTORY

FLOOR = Threshold("extraction.generated.scalar_accuracy", "min", 0.99)
CEILING = Threshold("check.false_alarms_on_agreeing_pairs", "max", 0.0)


def test_a_value_below_its_minimum_fails_with_the_metric_named() -> None:
    [verdict] = failures(judge({FLOOR.metric: 0.95}, [FLOOR]))
    assert verdict.reason == "extraction.generated.scalar_accuracy: 0.95 is below the minimum 0.99"


def test_a_value_above_its_maximum_fails_with_the_metric_named() -> None:
    [verdict] = failures(judge({CEILING.metric: 2.0}, [CEILING]))
    assert verdict.reason == "check.false_alarms_on_agreeing_pairs: 2 is above the maximum 0"


def test_a_missing_metric_fails() -> None:
    [verdict] = failures(judge({CEILING.metric: 0.0}, [FLOOR, CEILING]))
    assert verdict.reason == "extraction.generated.scalar_accuracy: not measured"


def test_values_on_their_bounds_pass() -> None:
    assert failures(judge({FLOOR.metric: 0.99, CEILING.metric: 0.0}, [FLOOR, CEILING])) == []


def test_the_table_marks_each_metric() -> None:
    lines = text_table(judge({FLOOR.metric: 0.95, CEILING.metric: 0.0}, [FLOOR, CEILING])).splitlines()
    assert lines[0].split() == ["metric", "value", "threshold", "pass"]
    assert lines[1].split() == [FLOOR.metric, "0.95", "≥", "0.99", "FAIL"]
    assert lines[2].split() == [CEILING.metric, "0", "≤", "0", "pass"]


def test_thresholds_parse_min_and_max() -> None:
    text = '[metrics]\n"a" = { min = 0.5 }\n"b" = { max = 3 }\n'
    assert parse_thresholds(text) == [Threshold("a", "min", 0.5), Threshold("b", "max", 3.0)]


@pytest.mark.parametrize(
    "text",
    [
        '[metrics]\n"a" = { min = 0.5, max = 1 }\n',
        '[metrics]\n"a" = { at_least = 1 }\n',
        '[metrics]\n"a" = { min = "x" }\n',
        "",
    ],
)
def test_a_malformed_thresholds_file_is_refused(text: str) -> None:
    with pytest.raises(ThresholdFileError):
        parse_thresholds(text)


def test_the_shipped_thresholds_file_loads() -> None:
    metrics = {threshold.metric for threshold in load_thresholds(THRESHOLDS)}
    assert {"extraction.grounding_rate", "ranking.ndcg_at_10_over_amount_baseline"} <= metrics


@pytest.mark.slow
def test_the_gate_passes_on_its_subset() -> None:
    verdicts = judge(measure(CORPUS, workers=2), load_thresholds(THRESHOLDS))
    failed = failures(verdicts)
    if failed:
        pytest.fail("quality gate failed:\n" + "\n".join(verdict.reason for verdict in failed))


def _committed_report_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    report = json.loads((RESULTS_DIRECTORY / f"{GENERALISATION_REPORT}.json").read_text(encoding="utf-8"))
    for engine in report["engines"]:
        if engine["engine"] == "llm":
            change(engine)
    (tmp_path / f"{GENERALISATION_REPORT}.json").write_text(json.dumps(report), encoding="utf-8")
    return tmp_path


def _llm_verdicts(results: Path) -> list[Any]:
    llm = [t for t in load_thresholds(THRESHOLDS) if t.metric.startswith("generalisation.llm.")]
    assert llm, "the thresholds hold the LLM engine's figures"
    return judge(committed_llm_metrics(results), llm)


def test_the_committed_llm_figures_pass_and_a_regression_in_them_fails(tmp_path: Path) -> None:
    assert not failures(_llm_verdicts(RESULTS_DIRECTORY))

    def worse(engine: dict[str, Any]) -> None:
        engine["lofo"]["mean_scalar_accuracy"] = 0.0

    failed = failures(_llm_verdicts(_committed_report_with(tmp_path, worse)))
    assert [verdict.threshold.metric for verdict in failed] == [
        "generalisation.llm.lofo.mean.scalar_accuracy"
    ]


def test_a_report_without_the_llm_engine_fails_its_thresholds_as_not_measured(tmp_path: Path) -> None:
    def dropped(engine: dict[str, Any]) -> None:
        engine.clear()
        engine.update({"engine": "llm", "not_configured": "not configured: HANDOFF_LLM_BASE_URL is not set"})

    failed = failures(_llm_verdicts(_committed_report_with(tmp_path, dropped)))
    assert failed and all(verdict.reason.endswith("not measured") for verdict in failed)
