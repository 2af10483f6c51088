"""Training the date chooser (extraction/models/date-chooser-v1.json):
`python -m evals.extraction.train_dates` writes it.

Its data are train splits only:
- generated documents of every layout family (evals.splits.LAYOUT_FAMILIES) at the `lofo_training` seeds,
  born digital, labelled by the generator's truth;
- the CUAD training contracts (../shared/corpus-train/cuad), read without OCR (a scanned filing gives no
  dates and is skipped), labelled by CUAD's `Effective Date` / `Agreement Date` (effective_date) and
  `Expiration Date` (end_date) as evals/extraction/cuad.py reads them; CUAD says nothing of a start date,
  so those contracts teach the start-date model nothing.
The leave-one-family-out eval fits one chooser per fold on the same data without the held-out family.
"""

import argparse
import json
import os
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Final

from evals.extraction.cuad import answer_of, date_expectation
from evals.extraction.documents import CUAD_FILE, cuad_pdf
from evals.extraction.scoring import Expected
from evals.extraction.train_calibration import CORPUS_TRAIN
from evals.parallel import parallel_map
from evals.sow import generate_spec, render_document, truth
from evals.sow.layouts import layout_spec
from evals.splits import LAYOUT_FAMILIES, purpose_of_seed, seed_range
from extraction.candidates.dates import DATE_FIELDS
from extraction.date_fit import DateTrainingDocument, fit_date_model
from extraction.date_model import DEFAULT_MODEL_PATH, DateChooserModel
from extraction.engine import dates_of
from intake.errors import IntakeError
from intake.parse import parse
from intake.settings import IntakeSettings

PER_LAYOUT: Final = 40
STANDARD: Final = "standard"


def generated_date_document(layout: str, seed: int) -> DateTrainingDocument:
    """The date candidates of a born-digital generated document, labelled by the generator's truth."""
    if purpose_of_seed(seed) != "train":
        raise ValueError(f"seed {seed} is not in a train split of evals/splits.py")
    spec = generate_spec(seed) if layout == STANDARD else layout_spec(seed, layout)
    document = parse(render_document(spec).data, f"{spec.doc_id}.pdf", IntakeSettings(ocr_workers=1))
    stated = truth(spec)
    right = {
        name: (date.fromisoformat(str(stated[name])),) if stated.get(name) else () for name in DATE_FIELDS
    }
    return DateTrainingDocument(dates_of(document), dict(right))


# The CUAD training contracts are read from their PDF's text layer, without OCR (a few are scans).
CUAD_INTAKE: Final = IntakeSettings(ocr_workers=1, ocr_enabled=False)


def cuad_date_document(folder: Path) -> DateTrainingDocument | None:
    """The date candidates of a CUAD training contract, labelled by CUAD; None when it cannot be read."""
    pdf = cuad_pdf(folder)
    if pdf is None:
        return None
    try:
        document = parse(pdf.read_bytes(), pdf.name, CUAD_INTAKE)
    except IntakeError:
        return None
    labels = json.loads((folder / CUAD_FILE).read_text(encoding="utf-8"))
    effective = date_expectation(answer_of(labels, "Effective Date"), answer_of(labels, "Agreement Date"))
    end = date_expectation(answer_of(labels, "Expiration Date"))
    return DateTrainingDocument(
        dates_of(document),
        {"effective_date": _dates(effective), "start_date": None, "end_date": _dates(end)},
    )


def _dates(expected: Expected | None) -> tuple[date, ...] | None:
    if expected is None:
        return None
    return tuple(date.fromisoformat(v) for v in expected.values if isinstance(v, str))


def generated_jobs(per_layout: int = PER_LAYOUT, leave_out: str | None = None) -> list[tuple[str, str, int]]:
    """(family, layout, seed) of the generated training documents, without the family `leave_out`."""
    first = seed_range("lofo_training").seeds.start
    return [
        (family, layout, first + i)
        for family, layouts in LAYOUT_FAMILIES.items()
        if family != leave_out
        for layout in layouts
        for i in range(per_layout)
    ]


def cuad_folders(corpus_train: Path = CORPUS_TRAIN) -> list[Path]:
    if not corpus_train.is_dir():
        return []
    return sorted(p for p in corpus_train.iterdir() if p.is_dir() and (p / CUAD_FILE).is_file())


def _generated(job: tuple[str, str, int]) -> DateTrainingDocument:
    return generated_date_document(job[1], job[2])


def cuad_documents(folders: Sequence[Path], workers: int) -> list[DateTrainingDocument]:
    return [doc for doc in parallel_map(cuad_date_document, folders, workers, chunksize=2) if doc is not None]


def generated_documents(jobs: Sequence[tuple[str, str, int]], workers: int) -> list[DateTrainingDocument]:
    return list(parallel_map(_generated, jobs, workers, chunksize=2))


def describe(jobs: Iterable[tuple[str, str, int]], cuad: int) -> str:
    families = sorted({family for family, _, _ in jobs})
    first = seed_range("lofo_training").seeds.start
    return (
        f"generated born-digital {', '.join(families)} (lofo_training seeds from {first}); "
        f"{cuad} CUAD training contracts"
    )


def train_dates(
    out: Path = DEFAULT_MODEL_PATH, corpus_train: Path = CORPUS_TRAIN, workers: int = 2
) -> DateChooserModel:
    started = time.perf_counter()
    jobs = generated_jobs()
    documents = generated_documents(jobs, workers) + (
        cuad := cuad_documents(cuad_folders(corpus_train), workers)
    )
    model = fit_date_model(documents, describe(jobs, len(cuad)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(model.model_dump_json() + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(documents)} documents in {round(time.perf_counter() - started, 1)} s")
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.extraction.train_dates", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--corpus-train", type=Path, default=CORPUS_TRAIN)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args(argv)
    train_dates(arguments.out, arguments.corpus_train, arguments.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
