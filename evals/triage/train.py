"""The ranker's training data from the synthetic labelled history (`handoff training-data ranker PATH`, fitted
by `handoff train-ranker PATH`), and train_ranker, which does both in one step for the evals.

Deterministic: the same seed and deal count give the same file, byte for byte, under one scikit-learn version.
"""

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from evals.triage.history import describe, generate_history, training_examples
from triage.ranker_fit import fit_ranker, save_ranker, write_examples

TRAINING_SEED: Final = 0
TRAINING_DEALS: Final = 4000


@dataclass(frozen=True)
class TrainReport:
    path: Path
    seed: int
    deals: int
    examples: int
    billing_error_rate: float
    sklearn_version: str
    sha256: str
    seconds: float


def train_ranker(out_path: Path, seed: int = TRAINING_SEED, deals: int = TRAINING_DEALS) -> TrainReport:
    """Generate `deals` labelled deals from `seed`, fit the ranker on their exceptions, write `out_path`."""
    started = time.perf_counter()
    model = fit_ranker(training_examples(generate_history(seed, deals)), seed, describe(seed, deals))
    save_ranker(model, out_path)
    return TrainReport(
        path=out_path,
        seed=seed,
        deals=deals,
        examples=model.training.examples,
        billing_error_rate=model.training.billing_error_rate,
        sklearn_version=model.training.sklearn_version,
        sha256=hashlib.sha256(out_path.read_bytes()).hexdigest(),
        seconds=round(time.perf_counter() - started, 2),
    )


def write_ranker_training_data(path: Path, seed: int = TRAINING_SEED, deals: int = TRAINING_DEALS) -> int:
    """Write the labelled history's exceptions as the ranker's training data file (`handoff train-ranker PATH
    --seed SEED` fits it: the same seed gives the shipped model); how many exceptions it holds."""
    return write_examples(path, describe(seed, deals), training_examples(generate_history(seed, deals)))
