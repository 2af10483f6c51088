"""Calibration: how often an emitted value is right, per confidence bucket (pure)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from evals.extraction.scoring import FieldResult, Outcome

# Half-open [low, high), except the last bucket, which includes 1.0.
BUCKETS: Final = ((0.0, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.0))


@dataclass(frozen=True)
class Bucket:
    low: float
    high: float
    count: int
    correct: int
    mean_confidence: float | None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.count if self.count else None

    def summary(self) -> dict[str, Any]:
        last = self.high == BUCKETS[-1][1]
        return {
            "bucket": f"[{self.low:.1f}, {self.high:.1f}{']' if last else ')'}",
            "count": self.count,
            "correct": self.correct,
            "accuracy": None if self.accuracy is None else round(self.accuracy, 4),
            "mean_confidence": None if self.mean_confidence is None else round(self.mean_confidence, 4),
        }


def bucket_index(confidence: float) -> int:
    for index, (_, high) in enumerate(BUCKETS[:-1]):
        if confidence < high:
            return index
    return len(BUCKETS) - 1


def calibration(results: Iterable[FieldResult]) -> list[Bucket]:
    """Buckets over the results that carry a confidence (emitted scalar values)."""
    members: list[list[FieldResult]] = [[] for _ in BUCKETS]
    for result in results:
        if result.confidence is not None:
            members[bucket_index(result.confidence)].append(result)
    return [
        Bucket(
            low=low,
            high=high,
            count=len(found),
            correct=sum(result.outcome is Outcome.correct for result in found),
            mean_confidence=sum(r.confidence or 0.0 for r in found) / len(found) if found else None,
        )
        for (low, high), found in zip(BUCKETS, members, strict=True)
    ]


def expected_calibration_error(buckets: Iterable[Bucket]) -> float | None:
    """Count-weighted mean of |accuracy - mean confidence| over the buckets."""
    filled = [bucket for bucket in buckets if bucket.count]
    total = sum(bucket.count for bucket in filled)
    if not total:
        return None
    gap = sum(
        bucket.count * abs((bucket.accuracy or 0.0) - (bucket.mean_confidence or 0.0)) for bucket in filled
    )
    return gap / total
