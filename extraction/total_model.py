"""The learned total chooser: a logistic regression over `AmountCandidate` features, stored as plain JSON.

It scores how likely an amount is the total fees of its document (the log-odds), in place of the hand-set
weights of `RuleRanker`. extraction/total_fit.py fits it with scikit-learn on generated documents
(`handoff train-extractor`); scoring here is a dot product in plain Python, so extraction needs neither
scikit-learn nor a pickle (loading a pickle runs code, and only loads under the version that wrote it).
"""

import json
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal, Self

from pydantic import Field, ValidationError, model_validator

from extraction.fields.amounts import (
    CUES,
    FEE_SECTIONS,
    OTHER_SECTIONS,
    AmountCandidate,
    RuleRanker,
    TotalRanker,
)
from models.base import FrozenModel
from models.errors import HandoffError

FORMAT: Final = "handoff-total-ranker"
FORMAT_VERSION: Final = 1
DEFAULT_MODEL_PATH: Final = (
    Path(__file__).resolve().parent / "models" / f"total-ranker-v{FORMAT_VERSION}.json"
)
REBUILD_HINT: Final = "rebuild it with `handoff train-extractor`"
_CUE_NAMES: Final = (*CUES, "instruction")
FEATURE_NAMES: Final[tuple[str, ...]] = (
    "source_label",
    "source_table",
    "source_prose",
    "total_row",
    "table_not_total_row",
    *(f"cue_{name}" for name in _CUE_NAMES),
    *(f"sentence_{name}" for name in _CUE_NAMES),
    "currency_other",
    "currency_unknown",
    "section_fees",
    "section_other",
)
# Neither the size nor the roundness of an amount: the generator's totals are large round figures, a real
# document's need not be (1.576 BTC, ¥ millions), and a chooser that learned sizes fails there.


class TotalRankerModelError(HandoffError):
    code = "total_ranker_model_invalid"
    http_status = 500
    title = "The total ranker's model file is missing or invalid"


class TrainingSeedsReserved(HandoffError):
    code = "training_seeds_reserved"
    http_status = 422
    title = "The training seeds overlap the held-out evaluation seeds"


def feature_row(candidate: AmountCandidate, currency: str | None) -> tuple[float, ...]:
    """The candidate as numbers, in FEATURE_NAMES order."""
    in_table = candidate.source == "table"
    flags = (
        candidate.source == "label",
        in_table,
        candidate.source == "prose",
        candidate.total_row,
        in_table and not candidate.total_row,
        *(candidate.cue(name) for name in _CUE_NAMES),
        *(name in candidate.in_sentence for name in _CUE_NAMES),
        bool(currency and candidate.currency and candidate.currency != currency),
        candidate.currency is None,
        bool(candidate.section & FEE_SECTIONS),
        bool(candidate.section & OTHER_SECTIONS),
    )
    return tuple(1.0 if flag else 0.0 for flag in flags)


class TrainingInfo(FrozenModel):
    """Where the model came from, so that `handoff train-extractor` can rebuild it."""

    seeds: str = Field(description="the generated documents it was trained on")
    documents: int = Field(ge=1)
    candidates: int = Field(ge=1)
    positives: int = Field(ge=1)
    regularisation: float = Field(gt=0)
    sklearn_version: str


class TotalRankerModel(FrozenModel):
    format: Literal["handoff-total-ranker"] = FORMAT
    format_version: int = FORMAT_VERSION
    features: tuple[str, ...]
    # Each feature is standardised with its training mean and scale before the weights apply.
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    training: TrainingInfo

    @model_validator(mode="after")
    def _same_lengths(self) -> Self:
        if not len(self.features) == len(self.means) == len(self.scales) == len(self.weights):
            raise ValueError("features, means, scales and weights must have one length")
        if any(scale <= 0 for scale in self.scales):
            raise ValueError("scales must be positive")
        return self

    def log_odds(self, row: tuple[float, ...]) -> float:
        total = self.intercept
        for value, mean, scale, weight in zip(row, self.means, self.scales, self.weights, strict=True):
            total += weight * (value - mean) / scale
        return total


class LearnedRanker:
    """`TotalRanker` by the learned model: the log-odds that the candidate is the total."""

    def __init__(self, model: TotalRankerModel) -> None:
        self.model = model

    def score(self, candidate: AmountCandidate, currency: str | None) -> float:
        return self.model.log_odds(feature_row(candidate, currency))


def load_total_model(path: Path | None = None) -> TotalRankerModel:
    """The model of `path` (the shipped one when None), checked against this code's features."""
    source = path or DEFAULT_MODEL_PATH
    try:
        content = json.loads(source.read_text(encoding="utf-8"))
        model = TotalRankerModel.model_validate(content)
    except FileNotFoundError as error:
        raise TotalRankerModelError(f"{source}: no such file; {REBUILD_HINT}") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as error:
        raise TotalRankerModelError(f"{source}: {error}") from error
    if model.features != FEATURE_NAMES:
        raise TotalRankerModelError(f"{source}: its features are not this version's; {REBUILD_HINT}")
    return model


@lru_cache(maxsize=1)
def _shipped() -> LearnedRanker:
    return LearnedRanker(load_total_model())


def ranker_named(name: Literal["learned", "rule"]) -> TotalRanker:
    """The total ranker extraction uses by default (ExtractionSettings.total_ranker)."""
    return _shipped() if name == "learned" else RuleRanker()
