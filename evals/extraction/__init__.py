"""Extraction eval: the offline engine's field accuracy, grounding and calibration on held-out generated
SOWs and on the real corpus.

python -m evals.extraction       # writes evals/results/extraction.json and .md

The scorer is pure and reusable (issue 8's CI gate): `score_document(extraction)` scores one document,
`summarise(scores, run)` sums scores up; `scoring`, `grounding`, `calibration` and `cuad` hold the rules.
"""

from evals.extraction.documents import Extraction, corpus_jobs, generated_jobs, run_job
from evals.extraction.evaluate import DocumentScore, score_document, score_jobs
from evals.extraction.scoring import Expected, FieldResult, Outcome, score_field
from evals.extraction.summary import RunInfo, summarise

__all__ = [
    "DocumentScore",
    "Expected",
    "Extraction",
    "FieldResult",
    "Outcome",
    "RunInfo",
    "corpus_jobs",
    "generated_jobs",
    "run_job",
    "score_document",
    "score_field",
    "score_jobs",
    "summarise",
]
