"""The extraction eval: its scorer on hand-made records, the CUAD rules, the grounding check, and a small run
of the real pipeline on a few generated documents and the Markdown corpus documents."""

import json
from pathlib import Path
from typing import Any

import pytest

from evals.extraction import cuad
from evals.extraction.__main__ import main
from evals.extraction.calibration import BUCKETS, calibration
from evals.extraction.documents import document_file
from evals.extraction.evaluate import plain_values, score_against_cuad, score_against_truth
from evals.extraction.grounding import check_grounding
from evals.extraction.scoring import (
    Expected,
    FieldResult,
    Outcome,
    align,
    canonical,
    outcome_of,
    score_list,
    score_scalars,
)
from evals.reporting import CORPUS
from evals.sow import generate_spec, truth
from extraction.engine import extract
from intake.parse import parse
from models.base import FrozenModel
from models.document import ParsedDocument
from models.record import (
    Contact,
    DocumentInfo,
    Evidence,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    RateCardItem,
    Subcontractor,
    fields_from_values,
)

SEED = 30000
MARKDOWN_DOCUMENTS = ("053-*", "054-*", "056-*", "057-*", "059-*")
ITEM_TYPES: dict[str, type[FrozenModel]] = {
    "milestones": Milestone,
    "rate_card": RateCardItem,
    "subcontractors": Subcontractor,
    "contacts": Contact,
}


def record_of(values: dict[str, Any]) -> HandoffRecord:
    """A hand-made record holding `values` (truth.json format), confidence 1, no evidence."""
    items = {
        name: tuple(
            kind.model_validate({key: {"value": value} for key, value in item.items()})
            for item in values.get(name, [])
        )
        for name, kind in ITEM_TYPES.items()
    }
    texts = {
        name: tuple(FieldValue[str](value=text) for text in values.get(name, []))
        for name in ("deliverables", "assumptions", "out_of_scope")
    }
    return HandoffRecord(
        document=DocumentInfo(sha256="0" * 64, filename="hand-made.pdf", pages=1, parser="hand"),
        extractor=ExtractorInfo(backend="offline", model="hand"),
        fields=fields_from_values(values),
        **items,
        **texts,
    )


def outcomes(results: list[FieldResult]) -> dict[str, Outcome]:
    return {result.field: result.outcome for result in results if result.outcome is not Outcome.correct}


def test_values_compare_in_canonical_form() -> None:
    assert canonical(1250) == canonical(1250.004) == 1250.0
    assert canonical("  Acme\n Corp  ") == "Acme Corp"
    assert canonical("Acme Corp") != canonical("ACME Corp")
    assert canonical(True) is True and canonical(None) is None


def test_outcomes_separate_wrong_missed_and_false_values() -> None:
    assert outcome_of("2026-03-01", Expected(("2026-03-01",))) is Outcome.correct
    assert outcome_of("2026-03-02", Expected(("2026-03-01",))) is Outcome.wrong
    assert outcome_of(None, Expected(("2026-03-01",))) is Outcome.missed
    assert outcome_of("2026-03-01", Expected((None,))) is Outcome.false_value
    assert outcome_of(None, Expected((None,))) is Outcome.correct


def test_a_hand_made_record_scores_each_mistake_by_its_kind() -> None:
    expected = truth(generate_spec(SEED, billing_model="milestone"))
    assert not outcomes(score_against_truth(record_of(expected), expected)[0])
    changed = dict(expected)
    changed["total_contract_value"] = expected["total_contract_value"] + 100
    changed["start_date"] = None
    changed["auto_renewal"] = not expected["auto_renewal"] if expected["auto_renewal"] is not None else True
    changed["milestones"] = expected["milestones"][1:]
    results, exact = score_against_truth(record_of(changed), expected)
    found = outcomes(results)
    assert found["total_contract_value"] is Outcome.wrong
    assert found["start_date"] is Outcome.missed
    renewal = Outcome.false_value if expected["auto_renewal"] is None else Outcome.wrong
    assert found["auto_renewal"] is renewal
    assert found["milestones.amount"] is Outcome.missed
    assert exact["milestones"] is False and exact["rate_card"] is True


def test_alternates_are_accepted_and_a_null_alternate_accepts_null() -> None:
    expected = {
        "client_name": None,
        "signed": False,
        "project_name": "Pontem",
        "_alternates": {"client_name": ["Web3 Foundation"], "signed": [None]},
    }
    extracted = {"client_name": "Web3 Foundation", "signed": None, "project_name": "Pontem  Network"}
    found = outcomes(score_scalars(extracted, expected, {}))
    assert found == {"project_name": Outcome.wrong}
    other = outcomes(score_scalars({"client_name": "Someone Else"}, expected, {}))
    assert other == {"client_name": Outcome.false_value, "project_name": Outcome.missed}


def test_a_party_name_written_in_capitals_is_the_same_party_but_other_text_keeps_its_case() -> None:
    expected = {
        "client_name": "Harbour Light Trading Ltd",
        "provider_name": "Quillon Analytics, Inc.",
        "project_name": "Tidal Gauge Refresh",
    }
    extracted = {
        "client_name": "HARBOUR LIGHT TRADING LTD",
        "provider_name": "quillon analytics, inc.",
        "project_name": "TIDAL GAUGE REFRESH",
    }
    assert outcomes(score_scalars(extracted, expected, {})) == {"project_name": Outcome.wrong}
    other = {**extracted, "client_name": "HARBOUR LIGHT HOLDINGS LTD"}
    assert outcomes(score_scalars(other, expected, {}))["client_name"] is Outcome.wrong


def test_list_items_align_in_order_so_a_dropped_row_does_not_shift_the_rest() -> None:
    rows = [{"name": name, "amount": amount} for name, amount in (("A", 1.0), ("B", 2.0), ("C", 3.0))]
    pairs = align(rows, [rows[0], rows[2]])
    assert pairs == [(rows[0], rows[0]), (rows[1], None), (rows[2], rows[2])]
    shifted = [{"name": "A", "amount": 9.0}, rows[1], rows[2]]
    assert [extracted for _, extracted in align(rows, shifted)] == shifted
    extra = score_list("milestones", rows[:1], [rows[0], {"name": "X", "amount": 5.0}])
    assert [result.outcome for result in extra] == [Outcome.correct] * 2 + [Outcome.false_value] * 2


def test_cuad_parties_dates_law_and_renewal() -> None:
    answer = 'Global Technologies, Ltd ("Company"); Priya Lindholm ("Consultant"); Company and Consultant'
    assert cuad.parties(answer) == ("Global Technologies, Ltd", "Priya Lindholm")
    assert cuad.same_party("Quillhaven Corporation", "Quilhaven Corporation")
    assert not cuad.same_party("Limited", "Fernbrook Capital Management (International) Limited")
    # "&" is "and", as triage reads a name
    assert cuad.same_party("The Pellow & Strand Company", "The Pellow and Strand Company")
    assert cuad.cuad_date("6/1/20") is not None and str(cuad.cuad_date("6/1/20")) == "2020-06-01"
    assert str(cuad.cuad_date("31/01/2025")) == "2025-01-31" and str(cuad.cuad_date("1/1/98")) == "1998-01-01"
    assert cuad.date_expectation("[]/[]/2020") == Expected((None,))
    assert cuad.date_expectation("perpetual") is None
    assert cuad.same_law("England and Wales", "England; Wales")
    assert cuad.same_law("British Columbia", "British Columbia, Canada")
    assert not cuad.same_law("New York", "New Jersey")
    labels = {
        "Parties": {"answer": answer},
        "Agreement Date": {"answer": "1/2/20"},
        "Effective Date": {"answer": ""},
        "Expiration Date": {"answer": "perpetual"},
        "Renewal Term": {"answer": ""},
        "Governing Law": {"answer": "Florida"},
    }
    record = record_of(
        {"client_name": "Priya Lindholm", "effective_date": "2020-01-02", "governing_law": "Delaware"}
    )
    found = {result.field: result.outcome for result in score_against_cuad(record, labels)}
    assert found == {
        "client_name": Outcome.correct,
        "provider_name": Outcome.missed,
        "effective_date": Outcome.correct,
        "governing_law": Outcome.wrong,
        "auto_renewal": Outcome.correct,
    }


def test_calibration_buckets_by_confidence() -> None:
    def result(confidence: float, outcome: Outcome) -> FieldResult:
        return FieldResult("currency", outcome, "USD", "USD", confidence)

    buckets = calibration(
        [result(0.6, Outcome.correct), result(0.95, Outcome.correct), result(1.0, Outcome.wrong)]
    )
    assert [bucket.count for bucket in buckets] == [0, 1, 0, 2]
    assert buckets[3].accuracy == 0.5 and len(buckets) == len(BUCKETS)


@pytest.fixture(scope="module")
def markdown_document() -> ParsedDocument:
    path = document_file(next(CORPUS.glob(MARKDOWN_DOCUMENTS[0])))
    return parse(path.read_bytes(), path.name)


def test_the_grounding_check_accepts_real_evidence_and_rejects_the_rest(
    markdown_document: ParsedDocument,
) -> None:
    record = extract(markdown_document)
    check = check_grounding(record, markdown_document)
    assert check.emitted > 0 and check.grounded == check.emitted
    quote = next(line.strip() for line in markdown_document.text.splitlines() if len(line.strip()) > 12)[:20]
    start = markdown_document.text.index(quote)
    good = Evidence(page=1, quote=quote, char_start=start, char_end=start + len(quote))
    moved = good.model_copy(update={"char_start": start + 1, "char_end": start + 1 + len(quote)})
    absent = good.model_copy(update={"quote": "Acme Holdings"})
    fields = {
        name: FieldValue[str](value=quote, evidence=evidence)
        for name, evidence in (
            ("provider_name", (good,)),
            ("client_name", (moved,)),
            ("project_name", (absent,)),
            ("contract_number", ()),
        )
    }
    hand_made = record.model_copy(update={"fields": record.fields.model_copy(update=fields)})
    failures = {
        failure.field: failure.reason for failure in check_grounding(hand_made, markdown_document).failures
    }
    assert set(failures) == {"fields.client_name", "fields.project_name", "fields.contract_number"}
    assert (
        "do not index" in failures["fields.client_name"]
        and failures["fields.contract_number"] == "no evidence"
    )


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three born-digital documents, one with its signature page scanned, the Markdown corpus documents and
    one CUAD contract, through parse → offline extraction, in two processes."""
    results = tmp_path_factory.mktemp("results")
    arguments = ["--born-digital", "3", "--scanned-signature", "1", "--fully-scanned", "0", "--workers", "2"]
    folders = ["--corpus-folders", *MARKDOWN_DOCUMENTS, "020-*"]
    assert main([*arguments, *folders, "--results", str(results)]) == 0
    markdown = (results / "extraction.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Offline extraction") and "python -m evals.extraction" in markdown
    summary: dict[str, Any] = json.loads((results / "extraction.json").read_text(encoding="utf-8"))
    return summary


def test_the_runner_writes_a_well_formed_report(small_run: dict[str, Any]) -> None:
    generated = small_run["generated"]
    assert generated["documents"] == 4
    assert set(generated["by_variant"]) == {"born_digital", "scanned_signature"}
    assert generated["by_variant"]["scanned_signature"]["documents"] == 1 and generated["ocr_pages"] >= 1
    assert generated["scalar_fields"]["scored"] == 4 * 21
    scalar = generated["scalar_fields"]
    assert scalar["correct"] + scalar["wrong"] + scalar["missed"] + scalar["false_value"] == scalar["scored"]
    assert len(small_run["corpus_truth"]["documents"]) == len(MARKDOWN_DOCUMENTS)
    assert small_run["cuad"]["documents"] == 1
    assert set(small_run["cuad"]["per_field"]) <= set(cuad.CUAD_FIELDS)
    assert [bucket["bucket"] for bucket in generated["calibration"]["buckets"]][-1] == "[0.9, 1.0]"
    assert small_run["run"]["seeds"] == {"born_digital": [30000, 30002], "scanned_signature": [31000, 31000]}


def test_every_emitted_value_is_grounded(small_run: dict[str, Any]) -> None:
    grounding = small_run["grounding"]
    assert grounding["emitted"] > 0 and grounding["failures"] == []
    assert grounding["grounded"] == grounding["emitted"] and grounding["share"] == 1.0


def test_plain_values_include_the_text_lists() -> None:
    expected = truth(generate_spec(SEED))
    values = plain_values(record_of(expected))
    assert (
        values["deliverables"] == expected["deliverables"] and values["milestones"] == expected["milestones"]
    )


def test_corpus_documents_are_read_in_place() -> None:
    folder = next(Path(CORPUS).glob(MARKDOWN_DOCUMENTS[0]))
    assert document_file(folder).parent == folder and document_file(folder).suffix == ".md"
