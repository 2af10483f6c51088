"""The learned date chooser: per date field, a logistic regression over `DateCandidate` features, stored as
plain JSON (extraction/models/date-chooser-v1.json).

It scores how likely each date the document writes is its effective, start or end date. extraction/date_fit.py
fits it with scikit-learn on generated documents and the CUAD training contracts
(`python -m evals.extraction.train_dates`); scoring here is a dot product in plain Python, as for the total
chooser. (Gradient-boosted trees over the same features read the CUAD training contracts better in
cross-validation, but generated layout families they had not seen worse.) The rules of
extraction/fields/dates.py keep what a model cannot learn from one date: a label left blank settles a field
as not stated, and an end date computed from a term.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal, Self

from pydantic import Field, ValidationError, model_validator

from extraction.candidates.dates import DATE_FIELDS, FEATURE_NAMES, DateCandidate
from models.base import FrozenModel
from models.errors import HandoffError

FORMAT: Final = "handoff-date-chooser"
FORMAT_VERSION: Final = 1
DEFAULT_MODEL_PATH: Final = (
    Path(__file__).resolve().parent / "models" / f"date-chooser-v{FORMAT_VERSION}.json"
)
REBUILD_HINT: Final = "rebuild it with `python -m evals.extraction.train_dates`"
# A date is a field's value when the chooser gives it at least this probability; below, the field is left to
# the rules that compute it (an end date from a term) or stays null.
ACCEPT: Final = 0.5


class DateModelError(HandoffError):
    code = "date_chooser_model_invalid"
    http_status = 500
    title = "The date chooser's model file is missing or invalid"


class FieldWeights(FrozenModel):
    """One field's logistic regression; each feature is standardised with its training mean and scale."""

    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    documents: int = Field(ge=1)
    candidates: int = Field(ge=1)
    positives: int = Field(ge=1)

    @model_validator(mode="after")
    def _same_lengths(self) -> Self:
        if not len(self.means) == len(self.scales) == len(self.weights):
            raise ValueError("means, scales and weights must have one length")
        if any(scale <= 0 for scale in self.scales):
            raise ValueError("scales must be positive")
        return self

    def log_odds(self, row: tuple[float, ...]) -> float:
        total = self.intercept
        for value, mean, scale, weight in zip(row, self.means, self.scales, self.weights, strict=True):
            total += weight * (value - mean) / scale
        return total

    def probability(self, row: tuple[float, ...]) -> float:
        odds = self.log_odds(row)
        return 1.0 / (1.0 + math.exp(-odds)) if odds > -700 else 0.0


@dataclass(frozen=True)
class Choice:
    """The chosen date, its probability, and the highest probability of a date of another value."""

    candidate: DateCandidate
    probability: float
    rival: float

    @property
    def confidence(self) -> float:
        """That this date is the field's and no other date is: a strong rival makes the choice doubtful
        (on real contracts the chooser's own probability alone is overconfident)."""
        return self.probability * (1.0 - self.rival)


class DateChooserModel(FrozenModel):
    format: Literal["handoff-date-chooser"] = FORMAT
    format_version: int = FORMAT_VERSION
    features: tuple[str, ...]
    fields: dict[str, FieldWeights]
    source: str = Field(description="the documents it was trained on")
    regularisation: float = Field(gt=0)
    sklearn_version: str

    @model_validator(mode="after")
    def _fields(self) -> Self:
        if set(self.fields) != set(DATE_FIELDS):
            raise ValueError(f"fields must be {', '.join(DATE_FIELDS)}")
        if any(len(weights.weights) != len(self.features) for weights in self.fields.values()):
            raise ValueError("every field needs one weight per feature")
        return self

    def choose(self, field_name: str, candidates: tuple[DateCandidate, ...]) -> Choice | None:
        """The candidate most likely to be the field's date, when its probability reaches ACCEPT."""
        weights = self.fields[field_name]
        scored = [(weights.probability(c.features), -c.start, c) for c in candidates]
        if not scored:
            return None
        probability, _, winner = max(scored, key=lambda item: (item[0], item[1]))
        if probability < ACCEPT:
            return None
        rival = max((p for p, _, c in scored if c.value != winner.value), default=0.0)
        return Choice(winner, probability, rival)


def load_date_model(path: Path | None = None) -> DateChooserModel:
    """The model of `path` (the shipped one when None), checked against this code's features."""
    source = path or DEFAULT_MODEL_PATH
    try:
        model = DateChooserModel.model_validate(json.loads(source.read_text(encoding="utf-8")))
    except FileNotFoundError as error:
        raise DateModelError(f"{source}: no such file; {REBUILD_HINT}") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as error:
        raise DateModelError(f"{source}: {error}") from error
    if model.features != FEATURE_NAMES:
        raise DateModelError(f"{source}: its features are not this version's; {REBUILD_HINT}")
    return model


@lru_cache(maxsize=1)
def shipped_date_model() -> DateChooserModel:
    return load_date_model()
