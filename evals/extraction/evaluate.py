"""One extraction scored: field outcomes against its truth (or CUAD labels) and the grounding check.

`score_document` is pure; `score_jobs` runs the documents (in parallel processes) and scores each where it
ran, so that only plain results cross process boundaries.
"""

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

from evals.extraction import cuad
from evals.extraction.documents import Extraction, Job, Source, run_job
from evals.extraction.grounding import GroundingCheck, check_grounding
from evals.extraction.scoring import (
    LIST_FIELDS,
    SCALAR_FIELDS,
    TEXT_LISTS,
    FieldResult,
    list_exactly_right,
    score_field,
    score_lists,
    score_scalars,
)
from intake.settings import IntakeSettings
from models.record import HandoffRecord, values_of


@dataclass(frozen=True)
class DocumentScore:
    doc_id: str
    source: Source
    groups: dict[str, str]
    results: tuple[FieldResult, ...]
    grounding: GroundingCheck
    lists_exact: dict[str, bool]  # list field → every item and sub-field right (lists the truth has)
    pages: int
    ocr_pages: int
    seconds: float


def plain_values(record: HandoffRecord) -> dict[str, Any]:
    """The record's values in truth.json format, text lists (deliverables…) included."""
    values = values_of(record)
    for name in TEXT_LISTS:
        values[name] = [item.value for item in getattr(record, name)]
    return values


def confidences(record: HandoffRecord) -> dict[str, float]:
    return {name: getattr(record.fields, name).confidence for name in SCALAR_FIELDS}


def score_against_truth(
    record: HandoffRecord, truth: dict[str, Any]
) -> tuple[list[FieldResult], dict[str, bool]]:
    extracted = plain_values(record)
    results = score_scalars(extracted, truth, confidences(record)) + score_lists(extracted, truth)
    exact = {
        name: list_exactly_right(name, truth[name], extracted.get(name, []))
        for name in LIST_FIELDS
        if name in truth
    }
    return results, exact


def score_against_cuad(record: HandoffRecord, labels: dict[str, Any]) -> list[FieldResult]:
    extracted, confidence = plain_values(record), confidences(record)
    return [
        score_field(name, extracted[name], expected, confidence[name])
        for name, expected in cuad.expectations(labels).items()
    ]


def score_document(extraction: Extraction) -> DocumentScore:
    record = extraction.record
    exact: dict[str, bool] = {}
    if extraction.source == "cuad":
        results = score_against_cuad(record, extraction.truth)
    else:
        results, exact = score_against_truth(record, extraction.truth)
    return DocumentScore(
        doc_id=extraction.doc_id,
        source=extraction.source,
        groups=extraction.groups,
        results=tuple(results),
        grounding=check_grounding(record, extraction.document),
        lists_exact=exact,
        pages=len(extraction.document.pages),
        ocr_pages=len(extraction.document.ocr_pages),
        seconds=extraction.seconds,
    )


def score_job(job: Job, settings: IntakeSettings) -> DocumentScore:
    return score_document(run_job(job, settings))


def score_jobs(jobs: Sequence[Job], workers: int) -> Iterator[DocumentScore]:
    """Each job's score, in the order of `jobs`. With `workers` > 1 documents run in parallel processes,
    each with one tesseract at a time so that the machine is not oversubscribed."""
    if workers <= 1:
        settings = IntakeSettings()
        yield from (score_job(job, settings) for job in jobs)
        return
    work = partial(score_job, settings=IntakeSettings(ocr_workers=1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(work, jobs, chunksize=1)
