"""The date chooser's training data: train splits only, labelled from the generator's truth or CUAD."""

import json
from datetime import date
from pathlib import Path

import pytest

from evals.extraction.train_dates import (
    cuad_date_document,
    describe,
    generated_date_document,
    generated_jobs,
)
from evals.splits import LAYOUT_FAMILIES, purpose_of_seed, seed_range


def test_only_train_seeds_are_read() -> None:
    for seed in (seed_range("development").seeds.start, seed_range("lofo_report").seeds.start):
        with pytest.raises(ValueError, match="not in a train split"):
            generated_date_document("standard", seed)
    jobs = generated_jobs(2)
    assert jobs and all(purpose_of_seed(seed) == "train" for _, _, seed in jobs)
    assert {family for family, _, _ in jobs} == set(LAYOUT_FAMILIES)


def test_a_fold_leaves_its_family_out() -> None:
    jobs = generated_jobs(1, leave_out="letter")
    assert "letter" not in {family for family, _, _ in jobs}
    assert "letter" not in describe(jobs, 3) and "3 CUAD training contracts" in describe(jobs, 3)


def test_a_generated_document_is_labelled_by_its_truth() -> None:
    layout, seed = "standard", seed_range("lofo_training").seeds.start
    document = generated_date_document(layout, seed)
    assert document.candidates
    for right in document.truth.values():
        assert right is not None
        assert all(isinstance(value, date) for value in right)
    stated = [v for name in ("effective_date", "start_date") for v in document.truth[name] or ()]
    assert any(c.value in stated for c in document.candidates)


def test_a_cuad_folder_without_a_readable_pdf_gives_nothing(tmp_path: Path) -> None:
    (tmp_path / "cuad_labels.json").write_text(json.dumps({}), encoding="utf-8")
    assert cuad_date_document(tmp_path) is None
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7 not really")
    assert cuad_date_document(tmp_path) is None
