"""Training data for the total chooser from generated documents (`handoff training-data total-chooser PATH`
or `python -m evals.extraction.train PATH`); `handoff train-extractor PATH` fits the model on it.

The documents are the SOW generator's own mix (evals/sow, `generate_spec(seed)` with no overrides), born
digital, at the seeds evals/splits.py gives `total_ranker_training`; a seed that no train split claims is
refused. Each document gives the amount candidates `extract` sees, labelled by the generator's truth of the
total.
"""

import argparse
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Final

from evals.sow.generator import generate_spec
from evals.sow.render import render_document
from evals.sow.spec import SowSpec
from evals.sow.truth import truth
from evals.splits import purpose_of_seed, seed_range
from extraction.engine import amounts_of
from extraction.total_fit import TrainingDocument, write_training_documents
from extraction.total_model import TrainingSeedsReserved
from intake.parse import parse
from intake.settings import IntakeSettings

TRAINING_SEED: Final = seed_range("total_ranker_training").seeds.start
TRAINING_DOCUMENTS: Final = len(seed_range("total_ranker_training").seeds)


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


def source_of(first_seed: int, count: int) -> str:
    """What the data is, as the model file's training info records it."""
    return f"generated born-digital {first_seed}–{first_seed + count - 1}"


def write_total_training_data(
    path: Path, first_seed: int = TRAINING_SEED, count: int = TRAINING_DOCUMENTS, workers: int = 1
) -> int:
    """Write the training data file of the total chooser (`handoff train-extractor PATH` fits it); how many
    documents it holds."""
    documents = training_documents(first_seed, count, workers)
    return write_training_documents(path, source_of(first_seed, count), documents)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.extraction.train", description=__doc__)
    parser.add_argument("out", type=Path, help="the training data file to write (.jsonl or .jsonl.gz)")
    parser.add_argument("--seed", type=int, default=TRAINING_SEED, help="first seed")
    parser.add_argument("--documents", type=int, default=TRAINING_DOCUMENTS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args(argv)
    count = write_total_training_data(arguments.out, arguments.seed, arguments.documents, arguments.workers)
    print(f"wrote {arguments.out}: {count} documents; fit it with `handoff train-extractor {arguments.out}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
