"""The ranker's model file: two scikit-learn gradient-boosted tree ensembles, stored as plain JSON.

Why JSON and not a pickle: loading a pickle runs code, and a pickle only loads under the scikit-learn version
that wrote it. The trees of a fitted `GradientBoostingClassifier`/`Regressor` are a few arrays each
(`estimators_[i, 0].tree_`); ranking walks them here in plain Python, exactly as scikit-learn does, so
`handoff check` needs neither scikit-learn nor numpy. triage/ranker_fit.py checks at export time that this
walk reproduces scikit-learn's own predictions.

- `risk`: log-odds that the exception turns into a billing error; `risk_score` = its logistic.
- `revenue`: log(share of the contract value lost + `revenue_share_floor`); `revenue_at_risk` = the contract
  value × that share.
"""

import math
import struct
from typing import Final, Literal, Self

from pydantic import Field, model_validator

from models.base import FrozenModel

FORMAT: Final = "handoff-ranker"
FORMAT_VERSION: Final = 1
LEAF: Final = -1


def as_float32(value: float) -> float:
    """scikit-learn's trees compare the row cast to float32 with float64 thresholds; `Ensemble.raw` too."""
    converted: float = struct.unpack("f", struct.pack("f", value))[0]
    return converted


class Tree(FrozenModel):
    """A regression tree in scikit-learn's layout: node i sends a row to `left[i]` when
    row[feature[i]] <= threshold[i], else to `right[i]`; a leaf has left = right = -1 and a `value`."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    @model_validator(mode="after")
    def _well_formed(self) -> Self:
        size = len(self.value)
        if not size or any(
            len(column) != size for column in (self.feature, self.threshold, self.left, self.right)
        ):
            raise ValueError("a tree's node arrays must be non-empty and of one length")
        for node, (left, right) in enumerate(zip(self.left, self.right, strict=True)):
            is_leaf = left == LEAF and right == LEAF
            # Children come after their parent, so every walk ends at a leaf.
            if not is_leaf and not (node < left < size and node < right < size):
                raise ValueError(f"node {node} has children outside the tree")
            if not is_leaf and self.feature[node] < 0:
                raise ValueError(f"node {node} splits on no feature")
        return self

    def leaf(self, row: tuple[float, ...]) -> float:
        """The value of the leaf `row` reaches; `row` holds float32 values (see `as_float32`)."""
        node = 0
        while self.left[node] != LEAF:
            node = self.left[node] if row[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


class Ensemble(FrozenModel):
    """Gradient boosting's raw prediction: `init` + Σ learning_rate × tree(row), summed in tree order."""

    init: float
    learning_rate: float = Field(gt=0)
    trees: tuple[Tree, ...] = Field(min_length=1)

    def raw(self, row: tuple[float, ...]) -> float:
        as_compared = tuple(as_float32(value) for value in row)
        total = self.init
        for tree in self.trees:
            total += self.learning_rate * tree.leaf(as_compared)
        return total

    def max_feature(self) -> int:
        return max(max(tree.feature) for tree in self.trees)


class TrainingInfo(FrozenModel):
    """Where the model came from, so that `handoff train-ranker` can rebuild it."""

    seed: int
    history: str = Field(description="the labelled exception history it was trained on")
    examples: int = Field(ge=1)
    billing_error_rate: float = Field(ge=0, le=1)
    sklearn_version: str


class RankerModel(FrozenModel):
    format: Literal["handoff-ranker"] = FORMAT
    format_version: int = FORMAT_VERSION
    features: tuple[str, ...]
    risk: Ensemble
    revenue: Ensemble
    revenue_share_floor: float = Field(gt=0)
    training: TrainingInfo

    @model_validator(mode="after")
    def _features_exist(self) -> Self:
        if max(self.risk.max_feature(), self.revenue.max_feature()) >= len(self.features):
            raise ValueError("a tree splits on a feature the model does not list")
        return self

    def risk_score(self, row: tuple[float, ...]) -> float:
        """Probability that the exception becomes a billing error."""
        raw = self.risk.raw(row)
        # The two branches keep exp() from overflowing on large log-odds.
        if raw >= 0:
            return 1.0 / (1.0 + math.exp(-raw))
        odds = math.exp(raw)
        return odds / (1.0 + odds)

    def revenue_share(self, row: tuple[float, ...]) -> float:
        """Share of the contract value the exception puts at risk (0 or more)."""
        return max(0.0, math.exp(self.revenue.raw(row)) - self.revenue_share_floor)
