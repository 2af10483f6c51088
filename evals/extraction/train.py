"""Training the total chooser on generated documents (`handoff train-extractor`, or
`python -m evals.extraction.train`).

The documents are the SOW generator's own mix (evals/sow, `generate_spec(seed)` with no overrides), born
digital, at the seeds evals/splits.py gives `total_ranker_training`; a seed that no train split claims is
refused. Each document gives the amount candidates `extract` sees, labelled by the generator's truth of the
total.
"""

import argparse
import hashlib
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from evals.sow.generator import generate_spec
from evals.sow.render import render_document
from evals.sow.spec import SowSpec
from evals.sow.truth import truth
from evals.splits import purpose_of_seed, seed_range
from extraction.engine import amounts_of
from extraction.total_fit import TrainingDocument, fit_total_ranker, save_total_model
from extraction.total_model import DEFAULT_MODEL_PATH, TrainingSeedsReserved
from intake.parse import parse
from intake.settings import IntakeSettings

TRAINING_SEED: Final = seed_range("total_ranker_training").seeds.start
TRAINING_DOCUMENTS: Final = len(seed_range("total_ranker_training").seeds)


@dataclass(frozen=True)
class TrainingReport:
    path: Path
    seeds: str
    documents: int
    candidates: int
    positives: int
    sklearn_version: str
    sha256: str
    seconds: float


def training_document(seed: int) -> TrainingDocument:
    """One generated document's candidates and its true total."""
    return spec_training_document(generate_spec(seed))


def spec_training_document(spec: SowSpec) -> TrainingDocument:
    """The amount candidates the engine sees in the born-digital document of `spec`, labelled by its total."""
    document = parse(render_document(spec).data, f"{spec.doc_id}.pdf", IntakeSettings(ocr_workers=1))
    candidates, currency = amounts_of(document)
    total = truth(spec).get("total_contract_value")
    return TrainingDocument(candidates, currency, None if total is None else Decimal(str(total)))


def training_documents(first_seed: int, count: int, workers: int) -> list[TrainingDocument]:
    seeds = range(first_seed, first_seed + count)
    refused = [seed for seed in seeds if purpose_of_seed(seed) != "train"]
    if refused:
        raise TrainingSeedsReserved(
            f"seeds {first_seed}–{first_seed + count - 1}: {len(refused)} of them (from {refused[0]}) "
            "are not in a train split of evals/splits.py"
        )
    if workers <= 1:
        return [training_document(seed) for seed in seeds]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(training_document, seeds, chunksize=4))


def train_total_ranker(
    out_path: Path = DEFAULT_MODEL_PATH,
    first_seed: int = TRAINING_SEED,
    count: int = TRAINING_DOCUMENTS,
    workers: int = 1,
) -> TrainingReport:
    started = time.perf_counter()
    seeds = f"generated born-digital {first_seed}–{first_seed + count - 1}"
    model = fit_total_ranker(training_documents(first_seed, count, workers), seeds)
    save_total_model(model, out_path)
    return TrainingReport(
        path=out_path,
        seeds=seeds,
        documents=model.training.documents,
        candidates=model.training.candidates,
        positives=model.training.positives,
        sklearn_version=model.training.sklearn_version,
        sha256=hashlib.sha256(out_path.read_bytes()).hexdigest(),
        seconds=round(time.perf_counter() - started, 1),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.extraction.train", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--seed", type=int, default=TRAINING_SEED, help="first seed")
    parser.add_argument("--documents", type=int, default=TRAINING_DOCUMENTS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args(argv)
    report = train_total_ranker(arguments.out, arguments.seed, arguments.documents, arguments.workers)
    print(
        f"wrote {report.path}: {report.candidates} amounts ({report.positives} totals) of "
        f"{report.documents} documents ({report.seeds}), scikit-learn {report.sklearn_version}, "
        f"{report.seconds} s\nsha256 {report.sha256}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
