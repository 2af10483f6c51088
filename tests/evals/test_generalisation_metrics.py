"""The generalisation eval's measures on hand-made results, and the outside-written injection set's shape."""

import json
from pathlib import Path

import pytest

from evals.extraction.documents import CUAD_FILE
from evals.extraction.scoring import FieldResult, Outcome
from evals.generalisation.documents import Job, RealDoc, run
from evals.generalisation.metrics import (
    ExceptionCounts,
    exception_scores,
    expected_calibration_error,
    f1,
    list_counts,
    reliability,
    selective_curve,
    touchless_share,
)
from evals.injection.documents import TECHNIQUES, cases, injected_markdown
from evals.sow import generate_spec, render_document
from evals.sow.injection import INJECTIONS
from evals.splits import seed_range


def _result(confidence: float, right: bool) -> FieldResult:
    outcome = Outcome.correct if right else Outcome.wrong
    return FieldResult("client_name", outcome, "x", "x" if right else "y", confidence)


def test_list_f1_counts_items_right_on_their_key_fields() -> None:
    truth = [{"name": "A", "amount": 10.0}, {"name": "B", "amount": 20.0}]
    extracted = [{"name": "A!", "amount": 10.0}, {"name": "B", "amount": 25.0}, {"name": "C", "amount": 5.0}]
    counts = list_counts("milestones", truth, extracted)
    assert (counts.true_positives, counts.extracted, counts.expected) == (1, 3, 2)
    scores = f1([counts])
    assert scores["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert scores["recall"] == 0.5
    assert scores["f1"] == pytest.approx(0.4)


def test_impossible_exceptions_are_false_ones_other_than_low_confidence() -> None:
    counts = ExceptionCounts(
        raised=frozenset({("VALUE_MISMATCH", "total_contract_value"), ("LOW_CONFIDENCE", "end_date"),
                          ("UNSIGNED", "signed")}),
        expected=frozenset({("VALUE_MISMATCH", "total_contract_value"), ("MISSING_IN_CRM", "end_date")}),
    )  # fmt: skip
    scores = exception_scores([counts])
    assert scores["precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert scores["recall"] == 0.5
    assert scores["impossible"] == 1


def test_review_flags_on_misread_values_are_counted_apart_among_the_false_exceptions() -> None:
    counts = ExceptionCounts(
        raised=frozenset({("LOW_CONFIDENCE", "end_date"), ("LOW_CONFIDENCE", "currency"),
                          ("UNSIGNED", "signed")}),
        expected=frozenset(),
        misread=frozenset({"end_date", "project_name"}),
    )  # fmt: skip
    scores = exception_scores([counts])
    assert scores["precision"] == 0.0
    assert (scores["false"], scores["false_flags_on_misreads"], scores["impossible"]) == (3, 1, 1)


def test_calibration_error_and_the_touchless_share() -> None:
    results = [_result(0.95, True)] * 9 + [_result(0.95, False)] + [_result(0.55, True)] * 5
    bins = reliability(results)
    assert [b["count"] for b in bins if b["count"]] == [5, 10]
    # bin [0.5, 0.6): accuracy 1.0 at 0.55; bin [0.9, 1.0]: 0.9 at 0.95 → (5 × 0.45 + 10 × 0.05) / 15
    assert expected_calibration_error(bins) == pytest.approx((5 * 0.45 + 10 * 0.05) / 15, abs=1e-4)
    curve = selective_curve(results)
    assert curve == [
        {"threshold": 0.95, "share": round(10 / 15, 4), "accuracy": 0.9},
        {"threshold": 0.55, "share": 1.0, "accuracy": round(14 / 15, 4)},
    ]
    assert touchless_share(curve) == {"precision": 0.99, "share": 0.0, "threshold": None}
    assert touchless_share(curve, 0.9) == {"precision": 0.9, "share": 1.0, "threshold": 0.55}


def test_the_outside_injection_set_has_forty_documents_and_shares_no_template_with_the_generator() -> None:
    built = cases()
    assert len(built) >= 40
    assert len({case.technique.name for case in built}) >= 10
    generator_texts = {injection.text.split(".")[0] for injection in INJECTIONS}
    assert not any(text in technique.text for technique in TECHNIQUES for text in generator_texts)
    for case in built:
        assert case.clean != case.injected
        assert case.technique.targets


def test_an_injection_goes_where_its_technique_says() -> None:
    base = "# T\n\n## One\n\na\n\n## Two\n\nb\n"
    technique = next(t for t in TECHNIQUES if t.place == "after_first_section")
    assert injected_markdown(base, technique).index(technique.text) < injected_markdown(
        base, technique
    ).index("## Two")


def test_an_item_without_its_key_sub_field_is_matched_on_what_it_states() -> None:
    truth = [{"name": "Discovery", "amount": None, "due_date": "2025-07-12"}]
    assert list_counts(
        "milestones", truth, [{"name": "Discovery", "amount": None, "due_date": "2025-07-12"}]
    ) == (list_counts("milestones", truth, truth))
    assert list_counts("milestones", truth, truth).true_positives == 1
    assert (
        list_counts("milestones", truth, [{"name": "Discovery", "due_date": "2025-08-01"}]).true_positives
        == 0
    )
    assert f1([list_counts("milestones", truth, [])])["f1"] == 0.0


def test_a_cuad_training_contract_is_scored_as_a_fit_and_an_unreadable_one_as_missed(tmp_path: Path) -> None:
    spec = generate_spec(seed_range("lofo_training").seeds.start)
    labels = {
        "Parties": {"answer": f"{spec.client.legal_name}; {spec.provider.legal_name}"},
        "Governing Law": {"answer": f"{spec.governing_law}"},
    }
    readable, unreadable = tmp_path / "001-services", tmp_path / "002-services"
    for folder in (readable, unreadable):
        folder.mkdir()
        (folder / CUAD_FILE).write_text(json.dumps(labels))
    (readable / "contract.pdf").write_bytes(render_document(spec).data)
    (unreadable / "contract.pdf").write_bytes(b"%PDF-1.4 torn")
    read = run(Job(RealDoc(readable, "train"), "offline"))
    assert (read.group, read.kind, read.error) == ("train", "cuad", None)
    outcomes = {result.field: result.outcome for result in read.results}
    assert outcomes["client_name"] is Outcome.correct and outcomes["governing_law"] is Outcome.correct
    failed = run(Job(RealDoc(unreadable, "train"), "offline"))
    assert failed.error is not None
    missed = {result.field: result.outcome for result in failed.results}
    assert missed["client_name"] is Outcome.missed and missed["governing_law"] is Outcome.missed
