"""The learned date chooser: its model file, its features, fitting it, and how the engine uses it."""

import json
from datetime import date
from pathlib import Path

import pytest

from extraction.candidates.dates import DATE_FIELDS, FEATURE_NAMES, DateCandidate
from extraction.date_fit import DateTrainingDocument, fit_date_model
from extraction.date_model import (
    ACCEPT,
    DateChooserModel,
    DateModelError,
    FieldWeights,
    load_date_model,
    shipped_date_model,
)
from extraction.engine import dates_of, extract
from extraction.settings import ExtractionSettings
from tests.extraction.documents import document

WIDTH = len(FEATURE_NAMES)
LEARNED = ExtractionSettings(date_chooser="learned")
LEARNED_RAW = ExtractionSettings(date_chooser="learned", confidence="raw")


def test_the_shipped_model_matches_this_code_and_learned_every_field() -> None:
    model = shipped_date_model()
    assert model.features == FEATURE_NAMES
    for name in DATE_FIELDS:
        weights = model.fields[name]
        assert weights.positives >= 10 and weights.candidates > weights.positives


def test_every_candidate_has_one_value_per_feature() -> None:
    doc = document(
        'This Agreement is made as of March 1, 2024 (the "Effective Date") and continues until '
        "December 31, 2025.\nSigned: /s/ Ada Marsh, Date: March 1, 2024"
    )
    candidates = dates_of(doc)
    assert [c.value for c in candidates] == [date(2024, 3, 1), date(2025, 12, 31), date(2024, 3, 1)]
    assert all(len(c.features) == WIDTH and set(c.features) <= {0.0, 1.0} for c in candidates)
    named = dict(zip(FEATURE_NAMES, candidates[0].features, strict=True))
    assert named["defines_effective_date"] == 1.0 and named["first_defines_effective_date"] == 1.0


def test_the_chooser_tells_the_documents_own_date_from_another_agreements() -> None:
    record = extract(
        document(
            "SUPPORT AGREEMENT\nThis Support Agreement is entered into as of May 4, 2024 between Harbor "
            'Mills, Inc. ("Client") and Fenwick Systems LLC ("Provider"). It supplements that certain '
            "Master Services Agreement dated January 5, 2019 between the parties. The Services commence "
            "on June 1, 2024 and end on May 31, 2025."
        ),
        LEARNED,
    )
    assert record.fields.effective_date.value == date(2024, 5, 4)
    assert record.fields.start_date.value == date(2024, 6, 1)
    assert record.fields.end_date.value == date(2025, 5, 31)


def _candidate(value: date, start: int, *on: str) -> DateCandidate:
    return DateCandidate(value, start, start + 10, tuple(1.0 if n in on else 0.0 for n in FEATURE_NAMES))


def _training(count: int) -> list[DateTrainingDocument]:
    documents = []
    for i in range(count):
        right, wrong = date(2024, 1, 1 + i % 28), date(2020, 1, 1 + i % 28)
        documents.append(
            DateTrainingDocument(
                (
                    _candidate(wrong, 0, "word_notice"),
                    _candidate(right, 50, "label_effective_date", "label_start_date", "label_end_date"),
                ),
                dict.fromkeys(DATE_FIELDS, (right,)),
            )
        )
    return documents


def test_a_fitted_model_picks_what_it_learned_and_abstains_below_accept(tmp_path: Path) -> None:
    model = fit_date_model(_training(40), "synthetic")
    labelled = _candidate(date(2030, 5, 5), 10, "label_effective_date", "label_start_date", "label_end_date")
    other = _candidate(date(2031, 6, 6), 20, "word_notice")
    chosen = model.choose("effective_date", (other, labelled))
    assert chosen is not None and chosen.candidate is labelled and chosen.probability >= ACCEPT
    assert chosen.confidence == pytest.approx(chosen.probability * (1 - chosen.rival))
    assert chosen.rival < 0.5
    assert model.choose("effective_date", (other,)) is None
    assert model.choose("end_date", ()) is None
    path = tmp_path / "model.json"
    path.write_text(model.model_dump_json(), encoding="utf-8")
    assert load_date_model(path) == model


def test_fitting_needs_right_and_wrong_dates_for_every_field() -> None:
    documents = [
        DateTrainingDocument((_candidate(date(2024, 1, 1), 0),), {"effective_date": (date(2024, 1, 1),)})
    ]
    with pytest.raises(DateModelError, match="right and wrong"):
        fit_date_model(documents, "too little")


def test_a_missing_corrupt_or_stale_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DateModelError, match="no such file"):
        load_date_model(tmp_path / "absent.json")
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text("{not json", encoding="utf-8")
    with pytest.raises(DateModelError):
        load_date_model(corrupt)
    stale = json.loads(shipped_date_model().model_dump_json())
    stale["features"] = [*stale["features"][:-1], "a_feature_this_version_lacks"]
    older = tmp_path / "stale.json"
    older.write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(DateModelError, match="not this version's"):
        load_date_model(older)


def _never_sure() -> DateChooserModel:
    weights = FieldWeights(
        means=(0.0,) * WIDTH,
        scales=(1.0,) * WIDTH,
        weights=(0.0,) * WIDTH,
        intercept=-20.0,
        documents=1,
        candidates=2,
        positives=1,
    )
    return DateChooserModel(
        features=FEATURE_NAMES,
        fields=dict.fromkeys(DATE_FIELDS, weights),
        source="test",
        regularisation=1.0,
        sklearn_version="test",
    )


def test_when_the_chooser_abstains_a_stated_date_is_only_a_suggestion() -> None:
    doc = document("The Services shall continue until December 31, 2026, unless extended in writing.")
    record = extract(doc, LEARNED_RAW, date_chooser=_never_sure())
    assert record.fields.end_date.value == date(2026, 12, 31)
    assert record.fields.end_date.confidence < 0.6  # below the LOW_CONFIDENCE threshold: a person confirms
    sure = extract(doc, LEARNED_RAW)
    assert sure.fields.end_date.value == date(2026, 12, 31)


def test_a_blank_label_still_settles_the_field_whatever_the_chooser_says() -> None:
    doc = document("Effective Date: March __, 2024\nThis Agreement is dated March 3, 2024.")
    for settings in (LEARNED, ExtractionSettings()):
        assert extract(doc, settings).fields.effective_date.value is None


def test_the_rules_are_the_default_and_a_passed_chooser_is_used_only_when_learned_is_set() -> None:
    doc = document("The Services shall continue until December 31, 2026, unless extended in writing.")
    by_rules = extract(doc, ExtractionSettings(confidence="raw"), date_chooser=_never_sure())
    assert by_rules.fields.end_date.value == date(2026, 12, 31)
    assert by_rules.fields.end_date.confidence > 0.6  # the rules' stated-in-prose confidence
