"""Document scores summed up into the eval's results (a JSON-ready dict). Pure."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

from evals.extraction.calibration import calibration, expected_calibration_error
from evals.extraction.documents import VARIANTS
from evals.extraction.evaluate import DocumentScore
from evals.extraction.scoring import LIST_FIELDS, FieldResult, Outcome, is_list_result

GROUPS: Final = ("variant", "document_type", "billing_model", "date_style", "money_style")


@dataclass(frozen=True)
class RunInfo:
    date: str
    command: str
    extraction_model: str
    seeds: dict[str, list[int]]  # variant → [first, last]
    corpus: str
    workers: int
    seconds: float
    load_average: float  # 1-minute, at the end: the machine may have been shared


def tally(results: Iterable[FieldResult]) -> dict[str, Any]:
    """Outcome counts and accuracy (correct / scored)."""
    counts = Counter(result.outcome for result in results)
    scored = sum(counts.values())
    return {
        "scored": scored,
        **{outcome.value: counts.get(outcome, 0) for outcome in Outcome},
        "accuracy": round(counts[Outcome.correct] / scored, 4) if scored else None,
    }


def per_field(results: Iterable[FieldResult]) -> dict[str, dict[str, Any]]:
    fields: dict[str, list[FieldResult]] = defaultdict(list)
    for result in results:
        fields[result.field].append(result)
    return {name: tally(found) for name, found in fields.items()}


def scalars(score: DocumentScore) -> list[FieldResult]:
    return [result for result in score.results if not is_list_result(result)]


def by_group(scores: Sequence[DocumentScore], group: str) -> dict[str, dict[str, Any]]:
    """Scalar-field tally and document count of each value of a group (variant, billing model…)."""
    members: dict[str, list[DocumentScore]] = defaultdict(list)
    for score in scores:
        members[score.groups.get(group, "")].append(score)
    order = list(VARIANTS) if group == "variant" else sorted(members)
    return {
        value: {"documents": len(members[value]), **tally(r for s in members[value] for r in scalars(s))}
        for value in order
        if value in members
    }


def mistakes(scores: Iterable[DocumentScore], *, lists: bool = False) -> list[dict[str, Any]]:
    """Every result that is not correct (scalar fields, or list sub-fields when `lists`)."""
    return [
        {"document": score.doc_id, **asdict(result)}
        for score in scores
        for result in score.results
        if result.outcome is not Outcome.correct and is_list_result(result) == lists
    ]


def lists_exactly_right(scores: Iterable[DocumentScore]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for name in LIST_FIELDS:
        verdicts = [score.lists_exact[name] for score in scores if name in score.lists_exact]
        if verdicts:
            table[name] = {"documents": len(verdicts), "exactly_right": sum(verdicts)}
    return table


def calibration_summary(results: Sequence[FieldResult]) -> dict[str, Any]:
    buckets = calibration(results)
    error = expected_calibration_error(buckets)
    return {
        "emitted_values": sum(bucket.count for bucket in buckets),
        "buckets": [bucket.summary() for bucket in buckets],
        "expected_calibration_error": None if error is None else round(error, 4),
    }


def generated_summary(scores: Sequence[DocumentScore]) -> dict[str, Any]:
    scalar = [result for score in scores for result in scalars(score)]
    listed = [result for score in scores for result in score.results if is_list_result(result)]
    return {
        "documents": len(scores),
        "pages": sum(score.pages for score in scores),
        "ocr_pages": sum(score.ocr_pages for score in scores),
        "scalar_fields": tally(scalar),
        "all_fields": tally([*scalar, *listed]),
        "per_field": per_field(scalar),
        "list_sub_fields": per_field(listed),
        "lists_exactly_right": lists_exactly_right(scores),
        **{f"by_{group}": by_group(scores, group) for group in GROUPS},
        "calibration": calibration_summary(scalar),
        "mistakes": mistakes(scores),
        "list_mistakes": len(mistakes(scores, lists=True)),
    }


def corpus_truth_summary(scores: Sequence[DocumentScore]) -> dict[str, Any]:
    scalar = [result for score in scores for result in scalars(score)]
    listed = [result for score in scores for result in score.results if is_list_result(result)]
    return {
        "documents": [score.doc_id for score in scores],
        "scalar_fields": tally(scalar),
        "per_field": per_field(scalar),
        "list_sub_fields": per_field(listed),
        "lists_exactly_right": lists_exactly_right(scores),
        "per_document": {score.doc_id: tally(scalars(score)) for score in scores},
        "mistakes": mistakes(scores),
        "list_mistakes": mistakes(scores, lists=True),
    }


def cuad_summary(scores: Sequence[DocumentScore]) -> dict[str, Any]:
    results = [result for score in scores for result in score.results]
    return {
        "documents": len(scores),
        "all_scored_fields": tally(results),
        "per_field": per_field(results),
        "per_document": {
            score.doc_id: {
                result.field: {
                    "outcome": result.outcome.value,
                    "extracted": result.extracted,
                    "expected": result.expected,
                }
                for result in score.results
            }
            for score in scores
        },
    }


def grounding_summary(scores: Sequence[DocumentScore]) -> dict[str, Any]:
    """The invariant over every document: emitted values whose evidence holds."""
    by_source: dict[str, dict[str, int]] = defaultdict(lambda: {"emitted": 0, "grounded": 0})
    for score in scores:
        by_source[score.source]["emitted"] += score.grounding.emitted
        by_source[score.source]["grounded"] += score.grounding.grounded
    emitted = sum(score.grounding.emitted for score in scores)
    grounded = sum(score.grounding.grounded for score in scores)
    return {
        "documents": len(scores),
        "emitted": emitted,
        "grounded": grounded,
        "share": round(grounded / emitted, 6) if emitted else None,
        "by_source": dict(sorted(by_source.items())),
        "failures": [
            {"document": score.doc_id, **asdict(failure)}
            for score in scores
            for failure in score.grounding.failures
        ],
        "nulled_by_extraction": sum(score.grounding.nulled_by_extraction for score in scores),
    }


def summarise(scores: Sequence[DocumentScore], run: RunInfo) -> dict[str, Any]:
    generated = [score for score in scores if score.source == "generated"]
    corpus = [score for score in scores if score.source == "corpus_truth"]
    contracts = [score for score in scores if score.source == "cuad"]
    real = [result for score in (*corpus, *contracts) for result in scalars(score)]
    return {
        "command": run.command,
        "date": run.date,
        "run": asdict(run),
        "generated": generated_summary(generated),
        "grounding": grounding_summary(scores),
        "corpus_truth": corpus_truth_summary(corpus),
        "cuad": cuad_summary(contracts),
        "calibration_real_documents": calibration_summary(real),
    }
