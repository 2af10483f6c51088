"""Fitting the total chooser with scikit-learn and exporting it to the JSON model (extraction/total_model.py).

Each training document gives every amount candidate the engine sees, labelled 1 when its value is the
document's true total fees and 0 otherwise. A standardised, L2-regularised logistic regression learns from
them; classes are weighted to balance (a document has one total among tens of amounts). Deterministic: rows
keep the documents' order and the lbfgs solver has no randomness.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

import numpy as np
import sklearn
from pydantic import TypeAdapter
from sklearn.linear_model import LogisticRegression

from extraction.fields.amounts import AmountCandidate
from extraction.total_model import (
    FEATURE_NAMES,
    TotalRankerModel,
    TotalRankerModelError,
    TrainingInfo,
    feature_row,
)
from models.training_data import read_training_data, write_training_data

REGULARISATION: Final = 1.0
MAX_ITERATIONS: Final = 2000
# How far the exported dot product may drift from scikit-learn's decision function.
EXPORT_TOLERANCE: Final = 1e-6


@dataclass(frozen=True)
class TrainingDocument:
    """The candidates of one document, its currency and its true total (None: it states none)."""

    candidates: tuple[AmountCandidate, ...]
    currency: str | None
    total: Decimal | None


# The training data file's kind (models/training_data.py) and its items' JSON form.
DATA_KIND: Final = "total-chooser-documents"
DOCUMENT_FORMAT: Final = TypeAdapter(TrainingDocument)


def write_training_documents(path: Path, source: str, documents: Sequence[TrainingDocument]) -> int:
    return write_training_data(path, DATA_KIND, source, documents, DOCUMENT_FORMAT)


def train_from_file(data: Path, out_path: Path) -> TotalRankerModel:
    """Fit the chooser on a training data file (`handoff training-data total-chooser` makes one) and write
    the model file; TrainingDataInvalid when the file is not one."""
    read = read_training_data(data, DATA_KIND, DOCUMENT_FORMAT)
    model = fit_total_ranker(read.items, read.source)
    save_total_model(model, out_path)
    return model


def fit_total_ranker(documents: Sequence[TrainingDocument], seeds: str) -> TotalRankerModel:
    """Fit the chooser on `documents` and export it; raises when they hold no total or nothing else."""
    rows, labels = [], []
    for document in documents:
        for candidate in document.candidates:
            rows.append(feature_row(candidate, document.currency))
            labels.append(int(document.total is not None and candidate.value == document.total))
    if len(set(labels)) < 2:
        raise TotalRankerModelError(f"{len(rows)} candidates; training needs totals and other amounts")
    matrix = np.array(rows, dtype=np.float64)
    target = np.array(labels, dtype=np.int64)
    means = matrix.mean(axis=0)
    scales = matrix.std(axis=0)
    scales[scales == 0] = 1.0
    standard = (matrix - means) / scales
    fitted = LogisticRegression(
        C=REGULARISATION, class_weight="balanced", max_iter=MAX_ITERATIONS, solver="lbfgs"
    ).fit(standard, target)
    model = TotalRankerModel(
        features=FEATURE_NAMES,
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
        weights=tuple(float(v) for v in fitted.coef_[0]),
        intercept=float(fitted.intercept_[0]),
        training=TrainingInfo(
            seeds=seeds,
            documents=len(documents),
            candidates=len(rows),
            positives=int(target.sum()),
            regularisation=REGULARISATION,
            sklearn_version=sklearn.__version__,
        ),
    )
    _check_export(model, fitted.decision_function(standard), rows)
    return model


def _check_export(model: TotalRankerModel, expected: np.ndarray, rows: list[tuple[float, ...]]) -> None:
    exported = np.array([model.log_odds(row) for row in rows])
    drift = float(np.max(np.abs(exported - expected)))
    if not drift <= EXPORT_TOLERANCE:
        raise TotalRankerModelError(f"exported weights drift {drift:.3g} from scikit-learn's predictions")


def save_total_model(model: TotalRankerModel, path: Path) -> None:
    """Write the model file; one model always gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.model_dump_json(indent=1) + "\n", encoding="utf-8")
