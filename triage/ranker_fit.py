"""Fitting the ranker with scikit-learn and exporting it to the JSON model file (triage/ranker_model.py).

Two gradient-boosted tree ensembles learn from a labelled exception history (evals/triage makes one):
- risk: `GradientBoostingClassifier` on whether each exception became a billing error;
- revenue: `GradientBoostingRegressor` on log(revenue impact / contract value + floor). Learning the share
  of the contract value rather than the amount keeps one model valid for deals of every size and currency.
Fitting is deterministic: the row order is the history's and both estimators take `seed` as random_state.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import sklearn
from pydantic import TypeAdapter
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)

from models.crm import CrmOpportunity
from models.exceptions import HandoffException
from models.record import HandoffRecord
from models.training_data import read_training_data, write_training_data
from triage.errors import RankerExportMismatch, RankerHistoryTooSmall
from triage.ranker_features import FEATURE_NAMES, contract_value, feature_row
from triage.ranker_model import Ensemble, RankerModel, TrainingInfo, Tree

REVENUE_SHARE_FLOOR: Final = 1e-5
RISK_PARAMETERS: Final[dict[str, Any]] = {
    "n_estimators": 100,
    "learning_rate": 0.1,
    "max_depth": 2,
    "min_samples_leaf": 20,
    "subsample": 0.8,
}
REVENUE_PARAMETERS: Final[dict[str, Any]] = {
    "n_estimators": 250,
    "learning_rate": 0.08,
    "max_depth": 4,
    "min_samples_leaf": 20,
    "subsample": 0.8,
}
# How far the exported trees may drift from scikit-learn's own raw predictions (float summation order), and
# on how many rows of the history that is checked (walking trees in Python is slow; a sample suffices).
EXPORT_TOLERANCE: Final = 1e-9
EXPORT_CHECK_ROWS: Final = 1000


@dataclass(frozen=True)
class TrainingExample:
    """One exception of the history with what became of it."""

    exception: HandoffException
    record: HandoffRecord
    opportunity: CrmOpportunity | None
    revenue_impact: float
    billing_error: bool


# The training data file's kind (models/training_data.py) and its items' JSON form.
DATA_KIND: Final = "ranker-exceptions"
EXAMPLE_FORMAT: Final = TypeAdapter(TrainingExample)


def write_examples(path: Path, source: str, examples: Iterable[TrainingExample]) -> int:
    return write_training_data(path, DATA_KIND, source, examples, EXAMPLE_FORMAT)


def train_from_file(data: Path, out_path: Path, seed: int = 0) -> RankerModel:
    """Fit the ranker on a training data file (`handoff training-data ranker` makes one from the labelled
    history) and write the model file; `seed` is the estimators' random_state."""
    read = read_training_data(data, DATA_KIND, EXAMPLE_FORMAT)
    model = fit_ranker(read.items, seed, read.source)
    save_ranker(model, out_path)
    return model


def fit_ranker(examples: Sequence[TrainingExample], seed: int, history: str) -> RankerModel:
    """Fit both ensembles on `examples` (those of deals with a known contract value) and export them."""
    usable = [example for example in examples if contract_value(example.record, example.opportunity)]
    if len({example.billing_error for example in usable}) < 2:
        raise RankerHistoryTooSmall(
            f"{len(usable)} exceptions with a contract value; training needs some that became billing "
            "errors and some that did not"
        )
    rows = np.array([feature_row(e.exception, e.record, e.opportunity) for e in usable], dtype=np.float64)
    errors = np.array([example.billing_error for example in usable], dtype=np.int64)
    shares = np.array([_revenue_target(example) for example in usable], dtype=np.float64)
    risk = GradientBoostingClassifier(random_state=seed, **RISK_PARAMETERS).fit(rows, errors)
    revenue = GradientBoostingRegressor(random_state=seed, **REVENUE_PARAMETERS).fit(rows, shares)
    model = RankerModel(
        features=FEATURE_NAMES,
        risk=export_ensemble(risk, init=_log_odds(float(errors.mean()))),
        revenue=export_ensemble(revenue, init=float(shares.mean())),
        revenue_share_floor=REVENUE_SHARE_FLOOR,
        training=TrainingInfo(
            seed=seed,
            history=history,
            examples=len(usable),
            billing_error_rate=round(float(errors.mean()), 6),
            sklearn_version=sklearn.__version__,
        ),
    )
    check_export(model.risk, risk.decision_function(rows), rows)
    check_export(model.revenue, revenue.predict(rows), rows)
    return model


def save_ranker(model: RankerModel, path: Path) -> None:
    """Write the model file; one model always gives the same bytes (keys in model order, exact floats)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(model.model_dump_json() + "\n", encoding="utf-8")


def _revenue_target(example: TrainingExample) -> float:
    value = contract_value(example.record, example.opportunity)
    share = example.revenue_impact / float(value) if value else 0.0
    return math.log(max(share, 0.0) + REVENUE_SHARE_FLOOR)


def _log_odds(rate: float) -> float:
    return math.log(rate / (1.0 - rate))


def export_ensemble(estimator: Any, init: float) -> Ensemble:
    """The fitted stages as Trees. `init` is the estimator's prior (the mean target, or the log-odds of the
    base rate): scikit-learn's default `init` estimator predicts exactly that, and check_export proves it."""
    trees = []
    for stage in estimator.estimators_[:, 0]:
        tree = stage.tree_
        trees.append(
            Tree(
                feature=tuple(
                    int(f) if left != -1 else -1
                    for f, left in zip(tree.feature, tree.children_left, strict=True)
                ),
                threshold=tuple(float(t) for t in tree.threshold),
                left=tuple(int(node) for node in tree.children_left),
                right=tuple(int(node) for node in tree.children_right),
                value=tuple(float(v) for v in tree.value[:, 0, 0]),
            )
        )
    return Ensemble(init=init, learning_rate=float(estimator.learning_rate), trees=tuple(trees))


def check_export(ensemble: Ensemble, expected: Any, rows: Any) -> None:
    """Raise RankerExportMismatch unless `ensemble` reproduces scikit-learn's raw predictions `expected`."""
    step = max(1, len(rows) // EXPORT_CHECK_ROWS)
    exported = np.array([ensemble.raw(tuple(row)) for row in rows[::step].tolist()])
    drift = float(np.max(np.abs(exported - np.asarray(expected, dtype=np.float64)[::step])))
    if not drift <= EXPORT_TOLERANCE:
        raise RankerExportMismatch(
            f"exported trees drift {drift:.3g} from scikit-learn {sklearn.__version__}'s predictions"
        )
