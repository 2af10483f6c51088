"""Calibrated confidence: the engine's raw confidence of a field (how it was found: label, table, prose, …)
mapped to the probability that the value is right.

The map is an isotonic regression of correctness on raw confidence, fitted with scikit-learn on documents no
report is measured on — the generator's development seeds and dev layouts, the real corpus's tune half and
the CUAD training corpus (`python -m evals.extraction.train_calibration`) — and stored as plain JSON: its
breakpoints, interpolated linearly here, so extraction needs no scikit-learn. It is monotone: a value found a
stronger way never gets a lower confidence than one found a weaker way.
"""

import bisect
import json
from functools import lru_cache
from pathlib import Path
from typing import Final, Self

from pydantic import ValidationError, model_validator

from models.base import FrozenModel
from models.errors import HandoffError
from models.record import HandoffRecord, RecordFields

FORMAT: Final = "handoff-confidence-calibration"
FORMAT_VERSION: Final = 1
DEFAULT_CALIBRATION_PATH: Final = (
    Path(__file__).resolve().parent / "models" / f"confidence-calibration-v{FORMAT_VERSION}.json"
)


class CalibrationModelError(HandoffError):
    code = "confidence_calibration_invalid"
    http_status = 500
    title = "The confidence calibration file is missing or invalid"


class CalibrationModel(FrozenModel):
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    x: tuple[float, ...]  # raw confidences, increasing
    y: tuple[float, ...]  # calibrated probabilities, non-decreasing
    training: dict[str, str | int | float]

    @model_validator(mode="after")
    def _monotone(self) -> Self:
        if not self.x or len(self.x) != len(self.y):
            raise ValueError("x and y must be non-empty and of one length")
        if any(b < a for a, b in zip(self.x, self.x[1:], strict=False)) or any(
            b < a for a, b in zip(self.y, self.y[1:], strict=False)
        ):
            raise ValueError("x and y must not decrease")
        return self

    def calibrated(self, confidence: float) -> float:
        """Linear interpolation between the breakpoints, clipped at both ends."""
        if confidence <= self.x[0]:
            return self.y[0]
        if confidence >= self.x[-1]:
            return self.y[-1]
        right = bisect.bisect_right(self.x, confidence)
        x0, x1, y0, y1 = self.x[right - 1], self.x[right], self.y[right - 1], self.y[right]
        share = (confidence - x0) / (x1 - x0) if x1 > x0 else 0.0
        return round(y0 + share * (y1 - y0), 4)


def calibrate(record: HandoffRecord, model: CalibrationModel) -> HandoffRecord:
    """The record with each stated scalar field's confidence calibrated (nulls and lists as they are)."""
    updates = {
        name: value.model_copy(update={"confidence": model.calibrated(value.confidence)})
        for name in RecordFields.model_fields
        if (value := getattr(record.fields, name)).value is not None
    }
    return record.model_copy(update={"fields": record.fields.model_copy(update=updates)})


def load_calibration(path: Path | None = None) -> CalibrationModel:
    source = path or DEFAULT_CALIBRATION_PATH
    try:
        model = CalibrationModel.model_validate(json.loads(source.read_text(encoding="utf-8")))
    except FileNotFoundError as error:
        raise CalibrationModelError(
            f"{source}: no such file; rebuild it with `python -m evals.extraction.train_calibration`"
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as error:
        raise CalibrationModelError(f"{source}: {error}") from error
    if model.format != FORMAT or model.format_version != FORMAT_VERSION:
        raise CalibrationModelError(f"{source}: not a {FORMAT} v{FORMAT_VERSION} file")
    return model


@lru_cache(maxsize=1)
def shipped_calibration() -> CalibrationModel:
    return load_calibration()
