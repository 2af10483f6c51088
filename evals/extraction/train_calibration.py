"""Fitting the confidence calibration (extraction/calibration.py):
`python -m evals.extraction.train_calibration`.

The engine reads each document with raw confidences; every emitted scalar value is paired with whether it is
right (evals.extraction.scoring against truth.json, the generator's truth or CUAD's labels). An isotonic
regression of rightness on raw confidence is the calibration; the real documents' values weigh as much in all
as the generated ones' (a customer's documents are real). The documents come only from the train and tune
splits of evals/splits.py, never a report split:

- the generator's standard layout at development seeds and its other layouts at dev seeds (tune);
- the real corpus's tune half (truth.json and CUAD);
- the CUAD training corpus, ../shared/corpus-train (train), read without OCR.
"""

import argparse
import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import sklearn
from sklearn.isotonic import IsotonicRegression

from evals.extraction.documents import CUAD_FILE, TRUTH_FILE, cuad_pdf, document_file
from evals.extraction.evaluate import score_against_cuad, score_against_truth
from evals.extraction.scoring import Outcome
from evals.reporting import CORPUS, REPOSITORY
from evals.sow import generate_spec, render_document, truth
from evals.sow.layouts import layout_spec
from evals.splits import purpose_of_seed, real_purpose, seed_range
from extraction.calibration import DEFAULT_CALIBRATION_PATH, CalibrationModel
from extraction.engine import extract
from extraction.settings import ExtractionSettings
from intake.errors import IntakeError
from intake.parse import parse
from intake.settings import IntakeSettings

CORPUS_TRAIN: Final = REPOSITORY.parent / "shared" / "corpus-train" / "cuad"
STANDARD_DOCUMENTS: Final = 40
LAYOUT_DOCUMENTS: Final = 6
LAYOUTS: Final = ("engagement_letter", "retainer_letter", "task_order", "vat_gst", "long_fee_table")
# Never certain: the calibrated probability stays below 1 (and above 0) whatever the fit saw.
BOUNDS: Final = (0.02, 0.995)
RAW = ExtractionSettings(confidence="raw")
ROLE_FIELDS: Final = frozenset({"client_name", "provider_name"})


@dataclass(frozen=True)
class Source:
    kind: str  # "standard", a layout name, "truth", "cuad"
    seed: int = 0
    folder: Path | None = None


Pairs = list[tuple[float, bool]]
Weighted = list[tuple[float, bool, bool]]  # confidence, right, from a real document


def sources(corpus: Path, corpus_train: Path) -> list[Source]:
    development = seed_range("development").seeds.start
    dev_layouts = seed_range("layouts_dev").seeds.start
    found = [Source("standard", development + i) for i in range(STANDARD_DOCUMENTS)]
    found += [Source(layout, dev_layouts + i) for layout in LAYOUTS for i in range(LAYOUT_DOCUMENTS)]
    for root in (corpus, corpus_train):
        for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
            if real_purpose(folder) == "report":
                continue
            if (folder / TRUTH_FILE).is_file():
                found.append(Source("truth", folder=folder))
            elif (folder / CUAD_FILE).is_file():
                found.append(Source("cuad", folder=folder))
    for source in found:
        if source.folder is None and purpose_of_seed(source.seed) not in ("train", "tune"):
            raise ValueError(f"seed {source.seed} is not in a train or tune split")
    return found


def pairs_of(source: Source) -> Pairs:
    # the training corpus is read without OCR (a scanned filing is skipped), as fast as a fit needs
    in_training_corpus = source.folder is not None and not (source.folder / "source.json").is_file()
    settings = IntakeSettings(ocr_workers=1, ocr_enabled=not in_training_corpus)
    if source.folder is None:
        spec = (
            generate_spec(source.seed) if source.kind == "standard" else layout_spec(source.seed, source.kind)
        )
        record = extract(parse(render_document(spec).data, f"{spec.doc_id}.pdf", settings), RAW)
        results, _ = score_against_truth(record, truth(spec))
    else:
        path = (
            document_file(source.folder)
            if (source.folder / "source.json").is_file()
            else cuad_pdf(source.folder)
        )
        if path is None:
            raise FileNotFoundError(f"{source.folder} holds no PDF")
        try:
            record = extract(parse(path.read_bytes(), path.name, settings), RAW)
        except IntakeError:
            return []
        if source.kind == "truth":
            results, _ = score_against_truth(record, json.loads((source.folder / TRUTH_FILE).read_text()))
        else:
            labels = json.loads((source.folder / CUAD_FILE).read_text(encoding="utf-8"))
            # CUAD does not say which party is the client: its party checks cannot tell a right reading
            # from one with the roles swapped, so they are no evidence of how often a role is right
            results = [r for r in score_against_cuad(record, labels) if r.field not in ROLE_FIELDS]
    return [(r.confidence, r.outcome is Outcome.correct) for r in results if r.confidence is not None]


def fit_calibration(pairs: Weighted, described: dict[str, str | int | float]) -> CalibrationModel:
    raw = np.array([confidence for confidence, _, _ in pairs], dtype=np.float64)
    right = np.array([float(correct) for _, correct, _ in pairs], dtype=np.float64)
    real = sum(is_real for _, _, is_real in pairs)
    generated = len(pairs) - real
    weights = np.array(
        [(len(pairs) / 2 / real if is_real else len(pairs) / 2 / generated) if real and generated else 1.0
         for _, _, is_real in pairs]
    )  # fmt: skip
    fitted = IsotonicRegression(y_min=BOUNDS[0], y_max=BOUNDS[1], out_of_bounds="clip").fit(
        raw, right, sample_weight=weights
    )
    x = tuple(round(float(v), 4) for v in fitted.X_thresholds_)
    y = tuple(round(float(v), 4) for v in fitted.y_thresholds_)
    return CalibrationModel(x=x, y=y, training={**described, "sklearn_version": sklearn.__version__})


def train_calibration(
    out: Path = DEFAULT_CALIBRATION_PATH,
    corpus: Path = CORPUS,
    corpus_train: Path = CORPUS_TRAIN,
    workers: int = 2,
) -> CalibrationModel:
    started = time.perf_counter()
    chosen = sources(corpus, corpus_train)
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        per_source = list(pool.map(pairs_of, chosen, chunksize=2))
    pairs = [
        (confidence, correct, source.folder is not None)
        for source, found in zip(chosen, per_source, strict=True)
        for confidence, correct in found
    ]
    counts: dict[str, str | int | float] = {
        "documents": len(chosen),
        "values": len(pairs),
        "right": sum(correct for _, correct, _ in pairs),
        "real_values": sum(is_real for _, _, is_real in pairs),
        "sources": "generator development seeds and dev layouts (tune), ../shared/corpus tune half, "
        "../shared/corpus-train (train)",
    }
    model = fit_calibration(pairs, counts)
    out.write_text(json.dumps(model.model_dump(), indent=1) + "\n", encoding="utf-8")
    print(f"{round(time.perf_counter() - started, 1)} s")
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.extraction.train_calibration", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_CALIBRATION_PATH)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    arguments = parser.parse_args(argv)
    model = train_calibration(arguments.out, workers=arguments.workers)
    print(f"wrote {arguments.out}: {json.dumps(model.training)}")
    print("raw → calibrated:", ", ".join(f"{x:.2f}→{y:.3f}" for x, y in zip(model.x, model.y, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
