"""evals/splits.py is the one place that says what trains, what tunes and what reports; every seed the evals
and the training commands use lies in a range of the right purpose, and ranges of purposes never overlap."""

from itertools import combinations, pairwise
from pathlib import Path

import pytest

from evals.extraction.documents import FIRST_SEED, GeneratedJob, LayoutJob, generated_jobs
from evals.extraction.train import TRAINING_DOCUMENTS, TRAINING_SEED
from evals.gate import GENERATED_SUBSET, INJECTION_SEEDS, LAYOUT_SUBSET
from evals.generalisation.run import SIZES, fit_documents, lofo_documents, real_documents
from evals.reporting import CORPUS
from evals.sow.layouts import LAYOUTS
from evals.splits import (
    LAYOUT_FAMILIES,
    SEED_RANGES,
    Purpose,
    family_of,
    purpose_of_seed,
    real_purpose,
    seed_range,
)
from evals.suite.datasets import E2E, FULL_GENERATED, layout_jobs
from evals.suite.llm_cost import FIRST_SEED as LLM_FIRST_SEED


def test_seed_ranges_never_overlap() -> None:
    for first, second in combinations(SEED_RANGES, 2):
        assert not set(first.seeds) & set(second.seeds), (first.name, second.name)


def _assert_all(seeds: list[int], purpose: Purpose, what: str) -> None:
    wrong = sorted({seed for seed in seeds if purpose_of_seed(seed) != purpose})
    assert not wrong, f"{what}: seeds {wrong[:5]}… are not in a {purpose} split"


def test_training_uses_train_seeds_only() -> None:
    _assert_all(list(range(TRAINING_SEED, TRAINING_SEED + TRAINING_DOCUMENTS)), "train", "total chooser")
    for sizes in SIZES.values():
        training, _ = lofo_documents(sizes)
        _assert_all([doc.seed for doc in training], "train", "leave-one-family-out folds")


def test_reported_generated_documents_use_report_seeds_only() -> None:
    jobs = [*GENERATED_SUBSET, *generated_jobs(FULL_GENERATED)]
    _assert_all([job.seed for job in jobs if isinstance(job, GeneratedJob)], "report", "generated eval")
    _assert_all([job.seed for job in layout_jobs("held_out", "full")], "report", "layouts held out")
    _assert_all([LLM_FIRST_SEED + i for i in range(8)], "report", "LLM cost")
    for sizes in SIZES.values():
        _, report = lofo_documents(sizes)
        _assert_all([doc.seed for doc in [*report, *fit_documents(sizes)]], "report", "generalisation")


def test_tune_sets_are_labelled_tune() -> None:
    dev = [*LAYOUT_SUBSET, *layout_jobs("dev", "full")]
    _assert_all([job.seed for job in dev if isinstance(job, LayoutJob)], "tune", "layouts dev")
    _assert_all([*INJECTION_SEEDS, *E2E["full"].injection_seeds], "tune", "generator injection set")
    assert seed_range("development").purpose == "tune"


def test_train_and_report_seeds_of_the_folds_are_disjoint() -> None:
    training, report = lofo_documents(SIZES["full"])
    assert not {(d.layout, d.seed) for d in training} & {(d.layout, d.seed) for d in report}
    assert FIRST_SEED["born_digital"] in seed_range("generated_held_out").seeds


def test_every_layout_has_one_family() -> None:
    layouts = [layout for layout in LAYOUTS if layout != "injected"]
    assert sorted(layout for family in LAYOUT_FAMILIES.values() for layout in family) == sorted(
        [*layouts, "standard"]
    )
    assert family_of("retainer_letter") == "letter"


def test_the_real_split_is_a_fixed_function_of_the_name() -> None:
    assert real_purpose(Path("/x/corpus/001-a")) == real_purpose(Path("/elsewhere/001-a"))
    assert real_purpose(Path("/x/corpus-train/cuad/abc")) == "train"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not next to the repository")
def test_the_real_corpus_splits_into_two_non_empty_halves_of_both_kinds() -> None:
    documents = real_documents(CORPUS)
    assert len(documents) >= 40
    for purpose in ("tune", "report"):
        half = [doc for doc in documents if doc.purpose == purpose]
        assert any((doc.folder / "truth.json").is_file() for doc in half)
        assert any((doc.folder / "cuad_labels.json").is_file() for doc in half)


def test_ranges_are_in_increasing_order_for_readers() -> None:
    starts = [entry.seeds.start for entry in SEED_RANGES]
    assert all(a < b for a, b in pairwise(starts))
