"""The generalisation eval's measures, pure: field accuracy, list F1, exception precision/recall, calibration
(reliability bins, expected calibration error), the selective accuracy curve and the touchless share.

- Field accuracy: correct / scored per field, as evals.extraction.scoring scores it.
- List F1 per list: an extracted item is a true positive when it is aligned (scoring.align) with a truth
  item and agrees on the list's key sub-fields (KEYS) — on every stated sub-field when the truth item states
  none of its keys; precision over the extracted items, recall over the truth's. Lists the truth does not
  state are not scored; a stated list read as nothing scores F1 0.
- Exceptions: (code, field) pairs raised by the pipeline against those the same triage raises on the truth
  values (a perfect reading), over the same CRM opportunity. An *impossible* exception is a raised one that
  the perfect reading does not raise and that is not LOW_CONFIDENCE: no correct reading could produce it.
  Of the false ones, those that are LOW_CONFIDENCE flags on a field the reading got wrong or missed are
  counted apart (the engine flagging its own miss); they still count against precision.
- Calibration over emitted scalar values: ten equal-width confidence bins; ECE is the count-weighted mean
  |accuracy - mean confidence|.
- Selective accuracy: for each threshold t, the accuracy of the emitted values with confidence ≥ t and
  their share of all emitted values. The touchless share at 99 % is the largest share whose accuracy is
  ≥ 0.99 (with the threshold that gives it); 0 when no threshold reaches it.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from evals.extraction.scoring import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    TEXT_KEY,
    FieldResult,
    Outcome,
    align,
    as_items,
    same_value,
)

KEYS: Final[dict[str, tuple[str, ...]]] = {
    "milestones": ("amount",),
    "rate_card": ("role", "rate"),
    "subcontractors": ("name",),
    "contacts": ("name",),
    "deliverables": (TEXT_KEY,),
    "assumptions": (TEXT_KEY,),
    "out_of_scope": (TEXT_KEY,),
}
F1_LISTS: Final = ("milestones", "rate_card", "subcontractors", "contacts", "deliverables")
BINS: Final = 10
TOUCHLESS_PRECISION: Final = 0.99
Gap = tuple[str, str]


@dataclass(frozen=True)
class ListCounts:
    true_positives: int
    extracted: int
    expected: int


def list_counts(name: str, truth: Sequence[Any], extracted: Sequence[Any]) -> ListCounts:
    keys = KEYS[name]
    hits = 0
    for truth_item, extracted_item in align(as_items(truth), as_items(extracted)):
        if truth_item is None or extracted_item is None:
            continue
        # the list's key sub-fields the truth states; an item stating none of them (a milestone without an
        # amount) is matched on every sub-field it states
        stated = [key for key in keys if truth_item.get(key) is not None] or [
            key for key, value in truth_item.items() if value is not None
        ]
        if stated and all(same_value(extracted_item.get(key), truth_item[key]) for key in stated):
            hits += 1
    return ListCounts(hits, len(extracted), len(truth))


def f1(counts: Iterable[ListCounts]) -> dict[str, Any]:
    members = list(counts)
    hits = sum(c.true_positives for c in members)
    extracted = sum(c.extracted for c in members)
    expected = sum(c.expected for c in members)
    precision = hits / extracted if extracted else None
    recall = hits / expected if expected else None
    score = None
    if precision is not None and recall is not None:
        score = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    elif extracted or expected:
        score = 0.0  # nothing extracted of a stated list, or items where the truth has none
    return {
        "documents": len(members),
        "items_expected": expected,
        "items_extracted": extracted,
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(score),
    }


@dataclass(frozen=True)
class ExceptionCounts:
    raised: frozenset[Gap]
    expected: frozenset[Gap]
    misread: frozenset[str] = frozenset()  # the scalar fields the reading got wrong or missed

    @property
    def impossible(self) -> frozenset[Gap]:
        return frozenset(gap for gap in self.raised - self.expected if gap[0] != "LOW_CONFIDENCE")

    @property
    def flagged_misreads(self) -> frozenset[Gap]:
        """False exceptions that are review flags on a value read wrong or missed: the engine saying it is
        unsure of a value it did get wrong (still false: a perfect reading raises none)."""
        return frozenset(
            gap
            for gap in self.raised - self.expected
            if gap[0] == "LOW_CONFIDENCE" and gap[1] in self.misread
        )


def exception_scores(counts: Iterable[ExceptionCounts]) -> dict[str, Any]:
    members = list(counts)
    raised = sum(len(c.raised) for c in members)
    expected = sum(len(c.expected) for c in members)
    right = sum(len(c.raised & c.expected) for c in members)
    return {
        "documents": len(members),
        "raised": raised,
        "expected": expected,
        "precision": _round(right / raised if raised else None),
        "recall": _round(right / expected if expected else None),
        "impossible": sum(len(c.impossible) for c in members),
        "false": raised - right,
        "false_flags_on_misreads": sum(len(c.flagged_misreads) for c in members),
    }


def field_accuracy(results: Iterable[FieldResult]) -> dict[str, dict[str, Any]]:
    """Per scalar field (and CUAD field): scored, correct, accuracy; list sub-fields are left to list F1."""
    table: dict[str, list[int]] = {}
    for result in results:
        if "." in result.field or result.field in LIST_FIELDS:
            continue
        counts = table.setdefault(result.field, [0, 0])
        counts[0] += 1
        counts[1] += result.outcome is Outcome.correct
    order = {name: index for index, name in enumerate(SCALAR_FIELDS)}
    return {
        name: {"scored": scored, "correct": correct, "accuracy": round(correct / scored, 4)}
        for name, (scored, correct) in sorted(table.items(), key=lambda item: order.get(item[0], 99))
    }


def overall_accuracy(results: Iterable[FieldResult]) -> float | None:
    scalar = [r for r in results if "." not in r.field and r.field not in LIST_FIELDS]
    return _round(sum(r.outcome is Outcome.correct for r in scalar) / len(scalar) if scalar else None)


def _emitted(results: Iterable[FieldResult]) -> list[tuple[float, bool]]:
    return [(r.confidence, r.outcome is Outcome.correct) for r in results if r.confidence is not None]


def reliability(results: Iterable[FieldResult]) -> list[dict[str, Any]]:
    """Ten equal-width bins of confidence: count, accuracy and mean confidence of each."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(BINS)]
    for confidence, correct in _emitted(results):
        bins[min(int(confidence * BINS), BINS - 1)].append((confidence, correct))
    return [
        {
            "bin": f"[{index / BINS:.1f}, {(index + 1) / BINS:.1f}{']' if index == BINS - 1 else ')'}",
            "count": len(members),
            "accuracy": _round(sum(c for _, c in members) / len(members) if members else None),
            "mean_confidence": _round(sum(p for p, _ in members) / len(members) if members else None),
        }
        for index, members in enumerate(bins)
    ]


def expected_calibration_error(bins: Sequence[Mapping[str, Any]]) -> float | None:
    filled = [b for b in bins if b["count"]]
    total = sum(b["count"] for b in filled)
    if not total:
        return None
    return _round(sum(b["count"] * abs(b["accuracy"] - b["mean_confidence"]) for b in filled) / total)


def selective_curve(results: Iterable[FieldResult]) -> list[dict[str, Any]]:
    """At each distinct confidence t (high to low): accuracy and share of the values with confidence ≥ t."""
    emitted = sorted(_emitted(results), key=lambda item: -item[0])
    curve: list[dict[str, Any]] = []
    correct = 0
    for index, (confidence, right) in enumerate(emitted):
        correct += right
        last_of_threshold = index + 1 == len(emitted) or emitted[index + 1][0] != confidence
        if last_of_threshold:
            curve.append(
                {
                    "threshold": round(confidence, 4),
                    "share": round((index + 1) / len(emitted), 4),
                    "accuracy": round(correct / (index + 1), 4),
                }
            )
    return curve


def touchless_share(
    curve: Sequence[Mapping[str, Any]], precision: float = TOUCHLESS_PRECISION
) -> dict[str, Any]:
    """The largest share of emitted values whose accuracy is ≥ `precision`, and its threshold."""
    reaching = [point for point in curve if point["accuracy"] >= precision]
    if not reaching:
        return {"precision": precision, "share": 0.0, "threshold": None}
    best = max(reaching, key=lambda point: point["share"])
    return {"precision": precision, "share": best["share"], "threshold": best["threshold"]}


def calibration_summary(results: Sequence[FieldResult]) -> dict[str, Any]:
    bins = reliability(results)
    curve = selective_curve(results)
    return {
        "emitted_values": sum(b["count"] for b in bins),
        "ece": expected_calibration_error(bins),
        "reliability": bins,
        "touchless_at_99": touchless_share(curve),
        "selective_curve": curve,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
