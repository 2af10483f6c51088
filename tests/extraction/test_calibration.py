"""Calibrated confidence: the shipped map is monotone and bounded, applied to stated scalar fields only."""

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from extraction.calibration import (
    CalibrationModel,
    CalibrationModelError,
    calibrate,
    load_calibration,
    shipped_calibration,
)
from extraction.engine import extract
from extraction.settings import ExtractionSettings
from tests.extraction.documents import document

SOW = """
STATEMENT OF WORK
Client: Quarry Hill Logistics Corp.
Provider: Kestrel Technologies, Inc.
Total Contract Value: $120,000.00
"""


def test_interpolation_between_breakpoints_and_clipping() -> None:
    model = CalibrationModel(x=(0.5, 0.9), y=(0.6, 0.8), training={})
    assert model.calibrated(0.2) == 0.6
    assert model.calibrated(0.7) == pytest.approx(0.7)
    assert model.calibrated(0.99) == 0.8


def test_a_decreasing_map_is_refused() -> None:
    with pytest.raises(ValidationError):
        CalibrationModel(x=(0.5, 0.9), y=(0.8, 0.6), training={})


def test_the_shipped_map_is_monotone_bounded_and_was_fitted_without_report_data() -> None:
    model = shipped_calibration()
    assert min(model.y) > 0.0 and max(model.y) < 1.0
    assert "tune" in str(model.training["sources"]) and "report" not in str(model.training["sources"])


def test_extraction_reports_calibrated_confidence_unless_asked_for_raw() -> None:
    doc = document(SOW)
    raw = extract(doc, ExtractionSettings(confidence="raw"))
    calibrated = extract(doc)
    model = shipped_calibration()
    for name in ("client_name", "total_contract_value"):
        raw_value, value = getattr(raw.fields, name), getattr(calibrated.fields, name)
        assert value.value == raw_value.value
        assert value.confidence == model.calibrated(raw_value.confidence)
    assert calibrated.fields.end_date.value is None and calibrated.fields.end_date.confidence == 0.0
    assert calibrate(raw, model) == calibrated


def test_a_missing_or_broken_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(CalibrationModelError, match="no such file"):
        load_calibration(tmp_path / "absent.json")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"format": "other", "x": [0.5], "y": [0.5], "training": {}}))
    with pytest.raises(CalibrationModelError, match="not a handoff-confidence-calibration"):
        load_calibration(broken)
