"""Ranking a record's exceptions by revenue risk with the shipped scikit-learn model.

`rank_exceptions` is pure; `load_ranker` reads the model file (triage/models/ranker-v1.json by default,
rebuilt by `handoff train-ranker`). Each exception gets
- `risk_score` ∈ [0, 1]: the probability that it turns into a billing error, rounded to 4 decimals;
- `revenue_at_risk`: the revenue it puts at risk in the document's currency, rounded to cents; null when
  neither the document nor the CRM (in the same currency) states the contract value;
- `rank`: 1 = most revenue risk. The sort key, each part breaking the ties of the one before:
  revenue_at_risk (highest first, unknown after every known amount), risk_score (highest first), severity
  (blocker first), code (ExceptionCode order), field (record order), field name, message.
"""

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from models.crm import CrmOpportunity
from models.exceptions import HandoffException
from models.record import HandoffRecord
from triage.errors import RankerModelCorrupt, RankerModelIncompatible, RankerModelMissing
from triage.findings import CODE_ORDER, FIELD_ORDER, SEVERITY_ORDER
from triage.ranker_features import FEATURE_NAMES, contract_value, feature_row
from triage.ranker_model import FORMAT, FORMAT_VERSION, RankerModel

DEFAULT_MODEL_PATH: Final = Path(__file__).resolve().parent / "models" / f"ranker-v{FORMAT_VERSION}.json"
REBUILD_HINT: Final = "rebuild it with `handoff train-ranker`"

RankKey = tuple[bool, float, float, int, int, str, int, str, str]


def load_ranker(path: Path | None = None) -> RankerModel:
    """The model of `path` (the shipped model when None), checked against this code's format and features."""
    source = path or DEFAULT_MODEL_PATH
    try:
        content = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise RankerModelMissing(f"{source}: no such file; {REBUILD_HINT}") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RankerModelCorrupt(f"{source}: {error}") from error
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise RankerModelCorrupt(f"{source}: not a {FORMAT} model file")
    if content.get("format_version") != FORMAT_VERSION:
        raise RankerModelIncompatible(
            f"{source}: format version {content.get('format_version')!r}, this code reads {FORMAT_VERSION}; "
            f"{REBUILD_HINT}"
        )
    try:
        model = RankerModel.model_validate(content)
    except ValidationError as error:
        raise RankerModelCorrupt(f"{source}: {error.error_count()} invalid values: {error}") from error
    if model.features != FEATURE_NAMES:
        raise RankerModelIncompatible(f"{source}: built for another feature set; {REBUILD_HINT}")
    return model


def rank_exceptions(
    exceptions: Iterable[HandoffException],
    record: HandoffRecord,
    opportunity: CrmOpportunity | None,
    model: RankerModel,
) -> list[HandoffException]:
    """The exceptions with risk_score, revenue_at_risk and rank set, in rank order."""
    value = contract_value(record, opportunity)
    scored = []
    for exception in exceptions:
        row = feature_row(exception, record, opportunity)
        at_risk = None if value is None else round(float(value) * model.revenue_share(row), 2)
        scored.append(
            exception.model_copy(
                update={"risk_score": round(model.risk_score(row), 4), "revenue_at_risk": at_risk}
            )
        )
    ranked = sorted(scored, key=rank_key)
    return [exception.model_copy(update={"rank": rank}) for rank, exception in enumerate(ranked, start=1)]


def rank_key(exception: HandoffException) -> RankKey:
    """The sort key of the module docstring; scored exceptions only."""
    field = exception.field or ""
    return (
        exception.revenue_at_risk is None,
        -(exception.revenue_at_risk or 0.0),
        -(exception.risk_score or 0.0),
        SEVERITY_ORDER[exception.severity],
        CODE_ORDER.get(exception.code, len(CODE_ORDER)),
        exception.code,
        FIELD_ORDER.get(field, len(FIELD_ORDER)),
        field,
        exception.message,
    )
