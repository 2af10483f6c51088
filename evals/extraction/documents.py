"""The documents of the eval and running the product's path on them: bytes → intake.parse → extract.

Generated documents come from evals.sow with seeds the engine was not tuned on (30000 and up), in three
variants: born-digital, the signature page scanned, every page scanned (read by tesseract). Real documents
are read in place from the corpus folder (../shared/corpus): those with a hand-labelled truth.json and the
CUAD contracts with cuad_labels.json.
"""

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Final, Literal

from evals.sow import generate_spec, render_document, truth
from evals.sow.layouts import layout_spec
from extraction.engine import extract
from intake.parse import parse
from intake.settings import IntakeSettings
from models.document import ParsedDocument
from models.record import HandoffRecord

Variant = Literal["born_digital", "scanned_signature", "fully_scanned"]
Source = Literal["generated", "corpus_truth", "cuad", "layout"]
VARIANTS: Final[tuple[Variant, ...]] = ("born_digital", "scanned_signature", "fully_scanned")
# First seed of each variant's slice; the engine was tuned on seeds below 10000.
FIRST_SEED: Final[dict[Variant, int]] = {
    "born_digital": 30000,
    "scanned_signature": 31000,
    "fully_scanned": 32000,
}
TRUTH_FILE: Final = "truth.json"
CUAD_FILE: Final = "cuad_labels.json"


@dataclass(frozen=True)
class GeneratedJob:
    variant: Variant
    seed: int


@dataclass(frozen=True)
class CorpusJob:
    folder: Path
    source: Source


@dataclass(frozen=True)
class LayoutJob:
    """A born-digital document of one of evals.sow.layouts' layouts (letter of engagement, task order…)."""

    layout: str
    seed: int


Job = GeneratedJob | CorpusJob | LayoutJob


@dataclass(frozen=True)
class Extraction:
    """One document as the product read it, with what it should have read."""

    doc_id: str
    source: Source
    record: HandoffRecord
    document: ParsedDocument
    truth: dict[str, Any]  # truth values (truth.json format), or a CUAD label row
    groups: dict[str, str] = field(default_factory=dict)  # variant, document type, billing model…
    seconds: float = 0.0  # parse + extract


def generated_jobs(counts: dict[Variant, int]) -> list[GeneratedJob]:
    """The OCR variants first, so that a process pool starts on the slowest documents."""
    order: tuple[Variant, ...] = ("fully_scanned", "scanned_signature", "born_digital")
    return [
        GeneratedJob(variant, FIRST_SEED[variant] + index)
        for variant in order
        for index in range(counts.get(variant, 0))
    ]


def corpus_jobs(corpus: Path, patterns: Sequence[str] = ("*",)) -> list[CorpusJob]:
    """Every corpus folder whose name matches one of `patterns` and that carries labels."""
    jobs: list[CorpusJob] = []
    for folder in sorted(path for path in corpus.iterdir() if path.is_dir()):
        if not any(fnmatch(folder.name, pattern) for pattern in patterns):
            continue
        if (folder / TRUTH_FILE).is_file():
            jobs.append(CorpusJob(folder, "corpus_truth"))
        elif (folder / CUAD_FILE).is_file():
            jobs.append(CorpusJob(folder, "cuad"))
    return jobs


def run_job(job: Job, settings: IntakeSettings) -> Extraction:
    if isinstance(job, GeneratedJob):
        return _run_generated(job, settings)
    if isinstance(job, LayoutJob):
        return _run_layout(job, settings)
    return _run_corpus(job, settings)


def _run_layout(job: LayoutJob, settings: IntakeSettings) -> Extraction:
    spec = layout_spec(job.seed, job.layout)
    data = render_document(spec).data
    started = time.perf_counter()
    document = parse(data, f"{spec.doc_id}.pdf", settings)
    record = extract(document)
    seconds = time.perf_counter() - started
    groups = {"variant": "born_digital", "layout": job.layout, "billing_model": spec.fees.billing_model.value}
    return Extraction(spec.doc_id, "layout", record, document, truth(spec), groups, seconds)


def scanned_pages(variant: Variant, page_count: int) -> tuple[int, ...]:
    if variant == "fully_scanned":
        return tuple(range(1, page_count + 1))
    return (-1,) if variant == "scanned_signature" else ()


def _run_generated(job: GeneratedJob, settings: IntakeSettings) -> Extraction:
    spec = generate_spec(job.seed)
    rendered = render_document(spec)
    if job.variant != "born_digital":
        rendered = render_document(spec, scanned_pages=scanned_pages(job.variant, rendered.page_count))
    started = time.perf_counter()
    document = parse(rendered.data, f"{spec.doc_id}.pdf", settings)
    record = extract(document)
    seconds = time.perf_counter() - started
    groups = {
        "variant": job.variant,
        "document_type": spec.document_type.value,
        "billing_model": spec.fees.billing_model.value,
        "date_style": spec.style.dates.value,
        "money_style": spec.style.money.value,
    }
    doc_id = f"{spec.doc_id}-{job.variant}"
    return Extraction(doc_id, "generated", record, document, truth(spec), groups, seconds)


def cuad_pdf(folder: Path) -> Path | None:
    """A CUAD training contract's filed PDF (the folder also holds CUAD's plain text, which is not it)."""
    pdfs = sorted(folder.glob("*.pdf")) + sorted(folder.glob("*.PDF"))
    return pdfs[0] if pdfs else None


def document_file(folder: Path) -> Path:
    """The corpus document itself: source.json's `path`, read from the folder (CUAD's TXT is not it)."""
    source = json.loads((folder / "source.json").read_text(encoding="utf-8"))
    return folder / Path(source["path"]).name


def _run_corpus(job: CorpusJob, settings: IntakeSettings) -> Extraction:
    path = document_file(job.folder)
    labels = job.folder / (TRUTH_FILE if job.source == "corpus_truth" else CUAD_FILE)
    started = time.perf_counter()
    document = parse(path.read_bytes(), path.name, settings)
    record = extract(document)
    seconds = time.perf_counter() - started
    expected = json.loads(labels.read_text(encoding="utf-8"))
    return Extraction(job.folder.name, job.source, record, document, expected, {}, seconds)
