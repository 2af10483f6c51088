"""Fitting the date chooser with scikit-learn and exporting it to the JSON model (extraction/date_model.py).

Each training document gives every date candidate the engine sees and, per field, the dates that are right
(empty: the document states none; None: its labels do not say, and the field learns nothing from it). A
candidate is labelled 1 for a field when its date is one of the right ones. One standardised, L2-regularised
logistic regression per field, unweighted (so that its probability stays a probability: a document has one
right date among tens); deterministic (lbfgs, rows in document order). The exported weights are checked
against scikit-learn's own predictions on every training row.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

from extraction.candidates.dates import DATE_FIELDS, FEATURE_NAMES, DateCandidate
from extraction.date_model import DateChooserModel, DateModelError, FieldWeights

REGULARISATION: Final = 0.5
MAX_ITERATIONS: Final = 2000
EXPORT_TOLERANCE: Final = 1e-6


@dataclass(frozen=True)
class DateTrainingDocument:
    """The date candidates of one document and, per field, its right dates (None: not labelled)."""

    candidates: tuple[DateCandidate, ...]
    truth: dict[str, tuple[date, ...] | None]


def fit_date_model(documents: Sequence[DateTrainingDocument], source: str) -> DateChooserModel:
    """Fit one regression per date field on `documents`; raises when a field has no right or no wrong date."""
    fields = {name: _fit_field(documents, name) for name in DATE_FIELDS}
    return DateChooserModel(
        features=FEATURE_NAMES,
        fields=fields,
        source=source,
        regularisation=REGULARISATION,
        sklearn_version=sklearn.__version__,
    )


def _fit_field(documents: Sequence[DateTrainingDocument], name: str) -> FieldWeights:
    rows: list[tuple[float, ...]] = []
    labels: list[int] = []
    used = 0
    for document in documents:
        right = document.truth.get(name)
        if right is None or not document.candidates:
            continue
        used += 1
        for candidate in document.candidates:
            rows.append(candidate.features)
            labels.append(int(candidate.value in right))
    if len(set(labels)) < 2:
        raise DateModelError(f"{name}: {len(rows)} candidates; training needs right and wrong dates")
    matrix = np.array(rows, dtype=np.float64)
    target = np.array(labels, dtype=np.int64)
    means = matrix.mean(axis=0)
    scales = matrix.std(axis=0)
    scales[scales == 0] = 1.0
    standard = (matrix - means) / scales
    fitted = LogisticRegression(C=REGULARISATION, max_iter=MAX_ITERATIONS, solver="lbfgs").fit(
        standard, target
    )
    weights = FieldWeights(
        means=tuple(float(v) for v in means),
        scales=tuple(float(v) for v in scales),
        weights=tuple(float(v) for v in fitted.coef_[0]),
        intercept=float(fitted.intercept_[0]),
        documents=used,
        candidates=len(rows),
        positives=int(target.sum()),
    )
    exported = np.array([weights.log_odds(row) for row in rows])
    drift = float(np.max(np.abs(exported - fitted.decision_function(standard))))
    if not drift <= EXPORT_TOLERANCE:
        raise DateModelError(f"{name}: exported weights drift {drift:.3g} from scikit-learn's predictions")
    return weights
