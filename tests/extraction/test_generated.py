"""The offline engine on generated SOW-family PDFs (evals.sow) of seeds the rules were not developed on.

A modest accuracy bar only: the eval with its thresholds is evals' job. Every emitted value must be grounded.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest

from evals.sow import generate_spec, render_document, truth
from extraction.engine import extract
from intake.parse import parse
from models.document import ParsedDocument
from models.record import HandoffRecord, values_of
from tests.extraction.documents import assert_grounded

BORN_DIGITAL_SEEDS = range(9100, 9112)
SCANNED_SEEDS = (9200,)
LISTS = ("deliverables", "assumptions", "out_of_scope")


@dataclass(frozen=True)
class Case:
    doc: ParsedDocument
    record: HandoffRecord
    expected: dict[str, Any]


def make_case(seed: int, scanned: bool = False) -> Case:
    spec = generate_spec(seed)
    pages = render_document(spec).page_count if scanned else 0
    pdf = render_document(spec, scanned_pages=range(1, pages + 1)).data
    doc = parse(pdf, f"{spec.doc_id}.pdf")
    return Case(doc, extract(doc), truth(spec))


@pytest.fixture(scope="module")
def born_digital() -> list[Case]:
    return [make_case(seed) for seed in BORN_DIGITAL_SEEDS]


def normal(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip().lower()
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {key: normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normal(item) for item in value]
    return value


def field_hits(case: Case) -> dict[str, bool]:
    got = values_of(case.record) | {name: [v.value for v in getattr(case.record, name)] for name in LISTS}
    return {
        name: normal(got[name]) == normal(want)
        for name, want in case.expected.items()
        if not name.startswith("_")
    }


def accuracy(cases: list[Case]) -> dict[str, float]:
    hits = [field_hits(case) for case in cases]
    return {name: sum(h[name] for h in hits) / len(hits) for name in hits[0]}


def test_every_value_of_every_document_is_grounded(born_digital: list[Case]) -> None:
    for case in born_digital:
        assert_grounded(case.record, case.doc)


def test_field_accuracy_on_unseen_seeds(born_digital: list[Case]) -> None:
    per_field = accuracy(born_digital)
    weak = {name: score for name, score in per_field.items() if score < 0.8}
    assert not weak, f"fields below 0.8: {weak}"
    assert sum(per_field.values()) / len(per_field) >= 0.95


def test_a_wrong_extraction_fails_the_comparison(born_digital: list[Case]) -> None:
    case = born_digital[0]
    changed = dict(case.expected, total_contract_value=(case.expected["total_contract_value"] or 0) + 1)
    assert not field_hits(Case(case.doc, case.record, changed))["total_contract_value"]


@pytest.mark.slow
def test_scanned_documents_read_through_ocr() -> None:
    cases = [make_case(seed, scanned=True) for seed in SCANNED_SEEDS]
    for case in cases:
        assert case.doc.ocr_pages
        assert_grounded(case.record, case.doc)
    per_field = accuracy(cases)
    assert sum(per_field.values()) / len(per_field) >= 0.85
