"""train_ranker: rebuild the ranker's model file from the synthetic labelled history (`handoff train-ranker`).

Deterministic: the same seed and deal count give the same file, byte for byte, under one scikit-learn version.
"""

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from evals.triage.history import describe, generate_history, training_examples
from triage.ranker_fit import fit_ranker, save_ranker

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
