"""The gate's thresholds and the verdict on measured metrics: pure functions, no measuring.

evals/thresholds.toml holds one entry per metric under `[metrics]`, with a `min` (the value must be at least
this) or a `max` (at most this). A metric named by a threshold but not measured fails: a renamed or silently
dropped metric must not pass the gate.
"""

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Bound = Literal["min", "max"]


class ThresholdFileError(ValueError):
    """evals/thresholds.toml does not say, for each metric, exactly one numeric `min` or `max`."""

    code = "GATE_THRESHOLDS_INVALID"


@dataclass(frozen=True)
class Threshold:
    metric: str
    bound: Bound
    limit: float


@dataclass(frozen=True)
class Verdict:
    threshold: Threshold
    value: float | None  # None: the metric was not measured

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        if self.threshold.bound == "min":
            return self.value >= self.threshold.limit
        return self.value <= self.threshold.limit

    @property
    def reason(self) -> str:
        metric, limit = self.threshold.metric, self.threshold.limit
        if self.value is None:
            return f"{metric}: not measured"
        relation = "below the minimum" if self.threshold.bound == "min" else "above the maximum"
        return f"{metric}: {self.value:g} is {relation} {limit:g}"


def _threshold(metric: str, entry: Any) -> Threshold:
    if not isinstance(entry, dict) or len(entry) != 1 or not {"min", "max"} >= entry.keys():
        raise ThresholdFileError(f"{metric}: give exactly one of min or max")
    bound, limit = next(iter(entry.items()))
    if isinstance(limit, bool) or not isinstance(limit, int | float):
        raise ThresholdFileError(f"{metric}: {bound} must be a number, not {limit!r}")
    return Threshold(metric, bound, float(limit))


def parse_thresholds(text: str) -> list[Threshold]:
    metrics = tomllib.loads(text).get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        raise ThresholdFileError("no [metrics] table")
    return [_threshold(metric, entry) for metric, entry in metrics.items()]


def load_thresholds(path: Path) -> list[Threshold]:
    return parse_thresholds(path.read_text(encoding="utf-8"))


def judge(metrics: Mapping[str, float], thresholds: Sequence[Threshold]) -> list[Verdict]:
    return [Verdict(threshold, metrics.get(threshold.metric)) for threshold in thresholds]


def failures(verdicts: Sequence[Verdict]) -> list[Verdict]:
    return [verdict for verdict in verdicts if not verdict.passed]


def _value(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def table_rows(verdicts: Sequence[Verdict]) -> list[tuple[str, str, str, str]]:
    """metric / value / threshold / pass, one row per threshold, in the thresholds file's order."""
    return [
        (
            verdict.threshold.metric,
            _value(verdict.value),
            f"{'≥' if verdict.threshold.bound == 'min' else '≤'} {verdict.threshold.limit:g}",
            "pass" if verdict.passed else "FAIL",
        )
        for verdict in verdicts
    ]


def text_table(verdicts: Sequence[Verdict]) -> str:
    rows = [("metric", "value", "threshold", "pass"), *table_rows(verdicts)]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def markdown_table(verdicts: Sequence[Verdict]) -> str:
    lines = ["| metric | value | threshold | pass |", "|---|---:|---:|---|"]
    lines += [
        f"| `{metric}` | {value} | {limit} | {ok} |" for metric, value, limit, ok in table_rows(verdicts)
    ]
    return "\n".join(lines) + "\n"
