"""Scoring extracted values against expected ones: pure functions, no documents, no I/O.

Values are plain (truth.json format, `models.record.values_of`). Two values are the same when their canonical
forms are equal: numbers rounded to 2 decimals, strings whitespace-normalised (case kept), dates as ISO
strings, booleans and codes as they are. Party names are the exception: they compare case-folded, because
the spec asks for the name "as written" and a document may write it only in capitals, which the labels
spell in title case (their evidence quotes the capitals); the CUAD scorer and triage's party check are
case-blind as well. A field's outcome is one of:

- correct: the extracted value is one of the accepted values (null included, when null is accepted);
- missed: the document states a value, the extraction is null;
- false_value: the truth is null, the extraction is not (a value the document does not state);
- wrong: both are values, and they differ.

List fields (milestones, rate card, …) are scored per sub-field after an order-preserving alignment of the
extracted items with the truth's (see `align`).
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from models.record import LIST_ITEM_TYPES, RecordFields

SCALAR_FIELDS: Final = tuple(RecordFields.model_fields)
ITEM_LISTS: Final = tuple(LIST_ITEM_TYPES)
TEXT_LISTS: Final = ("deliverables", "assumptions", "out_of_scope")
LIST_FIELDS: Final = (*ITEM_LISTS, *TEXT_LISTS)

_SPACE = re.compile(r"\s+")
# An item of a text list (deliverables…) is scored as a one-key item; its results are named by the list.
TEXT_KEY: Final = ""


class Outcome(StrEnum):
    correct = "correct"
    wrong = "wrong"
    missed = "missed"
    false_value = "false_value"


Same = Callable[[Any, Any], bool]


def canonical(value: Any) -> Any:
    """The form two values are compared in: numbers to 2 decimals, strings whitespace-normalised."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 2)
    if isinstance(value, str):
        return _SPACE.sub(" ", value).strip()
    return value


def same_value(extracted: Any, expected: Any) -> bool:
    return bool(canonical(extracted) == canonical(expected))


def same_name(extracted: Any, expected: Any) -> bool:
    """Two party names that differ only in case ("ACME LABS, INC." and "Acme Labs, Inc.")."""
    if isinstance(extracted, str) and isinstance(expected, str):
        return bool(canonical(extracted).casefold() == canonical(expected).casefold())
    return same_value(extracted, expected)


# Fields that hold a party's legal name (see the module's docstring).
NAME_FIELDS: Final = ("client_name", "provider_name")


@dataclass(frozen=True)
class Expected:
    """What a field may be: `values[0]` is the truth, the others accepted alternates (`None` = null is
    accepted); `same` says whether an extracted value equals an accepted one."""

    values: tuple[Any, ...]
    same: Same = same_value

    @property
    def truth(self) -> Any:
        return self.values[0]


@dataclass(frozen=True)
class FieldResult:
    field: str  # "client_name", or "milestones.amount" for a list item's sub-field
    outcome: Outcome
    extracted: Any
    expected: Any  # the truth (Expected.values[0])
    confidence: float | None = None  # of an emitted scalar value; None for nulls and list items


def outcome_of(extracted: Any, expected: Expected) -> Outcome:
    if extracted is None:
        return Outcome.correct if None in expected.values else Outcome.missed
    if any(value is not None and expected.same(extracted, value) for value in expected.values):
        return Outcome.correct
    return Outcome.false_value if expected.truth is None else Outcome.wrong


def score_field(
    field: str, extracted: Any, expected: Expected, confidence: float | None = None
) -> FieldResult:
    return FieldResult(
        field=field,
        outcome=outcome_of(extracted, expected),
        extracted=extracted,
        expected=expected.truth,
        confidence=confidence if extracted is not None else None,
    )


def expected_from_truth(truth: Mapping[str, Any], field: str) -> Expected:
    """The truth.json value of `field` with its `_alternates`, if any."""
    alternates = truth.get("_alternates", {}).get(field, [])
    values = (truth.get(field), *(value for value in alternates if value != truth.get(field)))
    return Expected(values, same_name if field in NAME_FIELDS else same_value)


def score_scalars(
    extracted: Mapping[str, Any], truth: Mapping[str, Any], confidence: Mapping[str, float]
) -> list[FieldResult]:
    """Every scalar field the truth has a key for (a null truth is scored: the field must stay null)."""
    return [
        score_field(field, extracted.get(field), expected_from_truth(truth, field), confidence.get(field))
        for field in SCALAR_FIELDS
        if field in truth
    ]


def as_items(values: Sequence[Any]) -> list[dict[str, Any]]:
    """List values as dicts: items stay as they are, a text list's strings become one-key items."""
    return [dict(value) if isinstance(value, Mapping) else {TEXT_KEY: value} for value in values]


def agreement(truth_item: Mapping[str, Any], extracted_item: Mapping[str, Any]) -> int:
    """How many of the truth item's stated sub-fields the extracted item has the same."""
    return sum(
        value is not None and same_value(extracted_item.get(key), value) for key, value in truth_item.items()
    )


Pairing = tuple[dict[str, Any] | None, dict[str, Any] | None]


def align(truth_items: Sequence[dict[str, Any]], extracted_items: Sequence[dict[str, Any]]) -> list[Pairing]:
    """Order-preserving alignment of the extracted items with the truth items that maximises the number of
    agreeing sub-fields and, among equals, the number of paired items (so equal-length lists pair by
    position unless a dropped or extra row shifts them). Unpaired items pair with None."""
    rows, columns = len(truth_items), len(extracted_items)
    best = [[(0, 0)] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(columns - 1, -1, -1):
            agreed, paired = best[i + 1][j + 1]
            take = (agreed + agreement(truth_items[i], extracted_items[j]), paired + 1)
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    pairs: list[Pairing] = []
    i = j = 0
    while i < rows and j < columns:
        agreed, paired = best[i + 1][j + 1]
        if best[i][j] == (agreed + agreement(truth_items[i], extracted_items[j]), paired + 1):
            pairs.append((truth_items[i], extracted_items[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((truth_items[i], None))
            i += 1
        else:
            pairs.append((None, extracted_items[j]))
            j += 1
    pairs.extend((item, None) for item in truth_items[i:])
    pairs.extend((None, item) for item in extracted_items[j:])
    return pairs


def score_list(name: str, truth: Sequence[Any], extracted: Sequence[Any]) -> list[FieldResult]:
    """Each sub-field of each aligned pair; an unpaired truth item's values are missed, an unpaired
    extracted item's values are false values."""
    results = []
    for truth_item, extracted_item in align(as_items(truth), as_items(extracted)):
        keys = list(truth_item or extracted_item or {})
        for key in keys:
            field = name if key == TEXT_KEY else f"{name}.{key}"
            expected = Expected(((truth_item or {}).get(key),))
            results.append(score_field(field, (extracted_item or {}).get(key), expected))
    return results


def score_lists(extracted: Mapping[str, Any], truth: Mapping[str, Any]) -> list[FieldResult]:
    """Every list field the truth has a key for."""
    return [
        result
        for name in LIST_FIELDS
        if name in truth
        for result in score_list(name, truth[name], extracted.get(name, []))
    ]


def list_exactly_right(name: str, truth: Sequence[Any], extracted: Sequence[Any]) -> bool:
    """Same length, and every aligned sub-field correct."""
    return len(truth) == len(extracted) and all(
        result.outcome is Outcome.correct for result in score_list(name, truth, extracted)
    )


def is_list_result(result: FieldResult) -> bool:
    return result.field.split(".")[0] in LIST_FIELDS
