"""Field paths: how a reviewer names one value of a HandoffRecord, and reading/replacing it.

A path is `fields.<name>` (a RecordFields field), `amends_contract_number`, `<list>[<i>].<name>` for an item
of milestones, rate_card, subcontractors or contacts, or `<list>[<i>]` for deliverables, assumptions or
out_of_scope. Indexes are 0-based, as in the record's JSON. A new value is validated and normalised by the
FieldValue type of its place (e.g. `FieldValue[Money]` turns "1250.5" into 1250.5, `FieldValue[date]` needs
an ISO date) and the whole record is validated again before it is stored. Values a person sets are also
bounded (`out_of_bounds`): amounts up to 10^12 with 2 decimals, dates 1900–2100.
"""

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from models.bounds import FIRST_YEAR, LAST_YEAR, MAX_AMOUNT, year_in_range
from models.record import LIST_ITEM_TYPES, FieldValue, HandoffRecord, RecordFields
from review.errors import InvalidValue, NotFound

TEXT_LISTS: Final = ("deliverables", "assumptions", "out_of_scope")
_PATH = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>\d{1,4})\](?:\.(?P<name>[a-z_]+))?$")


@dataclass(frozen=True)
class FieldPath:
    """A parsed path: the JSON keys/indexes leading to a FieldValue, and that FieldValue's pydantic type."""

    text: str
    steps: tuple[str | int, ...]
    value_type: type[BaseModel]


def parse_path(text: str) -> FieldPath:
    """The FieldPath named by `text`; InvalidValue for a path that names no FieldValue of a record."""
    if text.startswith("fields."):
        name = text.removeprefix("fields.")
        if name in RecordFields.model_fields:
            return FieldPath(text, ("fields", name), _annotation(RecordFields, name))
    elif text == "amends_contract_number":
        return FieldPath(text, (text,), FieldValue[str])
    elif match := _PATH.match(text):
        return _list_path(text, match["list"], int(match["index"]), match["name"])
    raise InvalidValue(
        f"{text!r} is not a field path (e.g. fields.total_contract_value, milestones[0].amount)"
    )


def _list_path(text: str, list_name: str, index: int, name: str | None) -> FieldPath:
    if list_name in TEXT_LISTS and name is None:
        return FieldPath(text, (list_name, index), FieldValue[str])
    item_type = LIST_ITEM_TYPES.get(list_name)
    if item_type is not None and name is not None and name in item_type.model_fields:
        return FieldPath(text, (list_name, index, name), _annotation(item_type, name))
    raise InvalidValue(f"{text!r} is not a field path of a record list")


def _annotation(model: type[BaseModel], name: str) -> type[BaseModel]:
    annotation = model.model_fields[name].annotation
    assert isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return annotation


def get_value(record: dict[str, Any], path: FieldPath) -> dict[str, Any]:
    """The FieldValue at `path` in a record's JSON (value, confidence, evidence); NotFound past a list."""
    node: Any = record
    for step in path.steps:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                raise NotFound(f"the record has no {path.text}")
            node = node[step]
        else:
            node = node.get(step, FieldValue[Any]().model_dump(mode="json"))
    assert isinstance(node, dict)
    return node


def checked_value(path: FieldPath, value: Any, evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """A FieldValue for `path` as JSON, set by a person (confidence 1); InvalidValue if `value` misfits."""
    try:
        checked = path.value_type.model_validate({"value": value, "confidence": 1.0, "evidence": evidence})
    except ValidationError as error:
        reasons = "; ".join(detail["msg"] for detail in error.errors())
        raise InvalidValue(f"{value!r} is not a valid value for {path.text}: {reasons}") from error
    problem = out_of_bounds(getattr(checked, "value", None))
    if problem:
        raise InvalidValue(f"{value!r} is not a valid value for {path.text}: {problem}")
    dumped: dict[str, Any] = checked.model_dump(mode="json")
    return dumped


def out_of_bounds(value: Any) -> str | None:
    """Why a value a person typed is outside what a contract can hold (None: it is inside).

    Amounts: finite, at most MAX_AMOUNT (10^12) in size and 2 decimals; counts (days): at most
    MAX_AMOUNT; dates: years FIRST_YEAR to LAST_YEAR.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            return "an amount must be a finite number"
        if abs(value) > MAX_AMOUNT:
            return f"an amount is at most {MAX_AMOUNT:,}"
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            return "an amount has at most 2 decimals"
    elif isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_AMOUNT:
            return f"a number here is at most {MAX_AMOUNT:,}"
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
            return f"a number here is finite and at most {MAX_AMOUNT:,}"
    elif isinstance(value, date) and not year_in_range(value):
        return f"a date is between {FIRST_YEAR} and {LAST_YEAR}"
    return None


def replaced(record: dict[str, Any], path: FieldPath, new: dict[str, Any]) -> dict[str, Any]:
    """A copy of the record's JSON with the FieldValue at `path` replaced, validated as a HandoffRecord."""
    get_value(record, path)
    copy = HandoffRecord.model_validate(record).model_dump(mode="json")
    node: Any = copy
    for step in path.steps[:-1]:
        node = node[step]
    node[path.steps[-1]] = new
    try:
        return HandoffRecord.model_validate(copy).model_dump(mode="json")
    except ValidationError as error:
        raise InvalidValue(f"the record is not valid with this {path.text}: {error}") from error
