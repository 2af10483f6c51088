"""Every input of the evals, labelled train, tune or report — in this one place.

- **train**: fits a learned part (the total chooser, the exception ranker, the leave-one-family-out folds).
- **tune**: a developer may look at it while writing rules, label lists or thresholds. A rule written while
  looking at a document is tuning, so everything the engine was developed against is here.
- **report**: a number for the product is measured only on these. Per-document errors of the real report
  half are never printed (evals/extraction/real.py prints its aggregates only), so nobody fits rules to it.

Generated documents are named by the generator function and the seed. Seed ranges of different purposes are
disjoint (tests/evals/test_splits.py asserts it). Two more facts keep the generated numbers honest:

- The rules were written against the generator's standard layout and vocabulary, so any generated document
  of a layout family the rules saw is *fit*, never generalisation: reports call it "training fit".
  Generalisation across layouts is leave-one-family-out (evals/extraction/lofo.py): each family is scored by
  an engine whose learned parts were fitted without it.
- Real documents are split once, by a fixed hash of the folder name, into a tune half and a report half.
  `../shared/corpus-train` (CUAD contracts) is train only.
"""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

Purpose = Literal["train", "tune", "report"]
PURPOSES: Final[tuple[Purpose, ...]] = ("train", "tune", "report")


@dataclass(frozen=True)
class SeedRange:
    """Seeds of one generator for one purpose; `generator` names the function the seeds are fed to."""

    name: str
    generator: str
    purpose: Purpose
    seeds: range
    what: str


# Seeds of evals.sow (generate_spec, layout_spec, and injection twins). One number space for every
# generator function: a seed number is used for one purpose only, whatever function reads it.
SEED_RANGES: Final[tuple[SeedRange, ...]] = (
    SeedRange(
        "development",
        "generate_spec",
        "tune",
        range(0, 10000),
        "the engine's rules, golden files, samples and unit tests were written against these",
    ),
    SeedRange(
        "generated_held_out",
        "generate_spec",
        "report",
        range(30000, 33000),
        "standard layout, born-digital / signature scanned / fully scanned (reported as training fit)",
    ),
    SeedRange(
        "gate_generated",
        "generate_spec",
        "report",
        range(40000, 42000),
        "the gate's small standard-layout subset (reported as training fit)",
    ),
    SeedRange(
        "layouts_dev",
        "layout_spec",
        "tune",
        range(50000, 51000),
        "other layouts' dev split: looked at while the layouts' rules were written",
    ),
    SeedRange(
        "injection_generated",
        "layout_spec:injected",
        "tune",
        range(60000, 61000),
        "the generator's own injection templates: the defence was written against them",
    ),
    SeedRange(
        "layouts_held_out",
        "layout_spec",
        "report",
        range(70000, 71000),
        "other layouts' held-out split (the rules saw these layouts in the dev split: training fit)",
    ),
    SeedRange(
        "lofo_report",
        "layout_spec / generate_spec",
        "report",
        range(80000, 81000),
        "leave-one-family-out: documents of the held-out family",
    ),
    SeedRange(
        "total_ranker_training",
        "generate_spec",
        "train",
        range(100000, 100400),
        "the shipped total chooser (extraction/models/total-ranker-v1.json)",
    ),
    SeedRange(
        "lofo_training",
        "layout_spec / generate_spec",
        "train",
        range(110000, 112000),
        "leave-one-family-out: the folds' total and date choosers, fitted on the other families; with the "
        "CUAD training contracts, the shipped date chooser (extraction/models/date-chooser-v1.json)",
    ),
)

# Histories of evals.triage (seeded labelled deals) and check pairs of evals.check (string-keyed RNG streams
# of their own, so their numbers do not share the space above).
TRIAGE_HISTORY_SEEDS: Final[dict[Purpose, tuple[int, ...]]] = {
    "train": (0,),
    "tune": (),
    "report": (201, 202, 203, 204),
}
CHECK_PAIR_SEEDS: Final[dict[Purpose, tuple[int, ...]]] = {"train": (), "tune": (), "report": (0, 1)}


def seed_range(name: str) -> SeedRange:
    for entry in SEED_RANGES:
        if entry.name == name:
            return entry
    raise KeyError(name)


def purpose_of_seed(seed: int) -> Purpose | None:
    """The purpose of a generator seed, None for a seed no split claims."""
    for entry in SEED_RANGES:
        if seed in entry.seeds:
            return entry.purpose
    return None


# Layout families of the generator (evals.sow): documents that look alike. Leave-one-family-out holds one
# family out at a time. "standard" is generate_spec's own layout (SOW, proposal, change order).
LAYOUT_FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "standard": ("standard",),
    "letter": ("engagement_letter", "retainer_letter"),
    "government": ("task_order",),
    # a government order on a form filled in and saved flat (labels, then values, in the content stream)
    "form": ("flat_form",),
    "tax_summary": ("vat_gst",),
    "long_schedule": ("long_fee_table",),
}


def family_of(layout: str) -> str:
    for family, layouts in LAYOUT_FAMILIES.items():
        if layout in layouts:
            return family
    raise KeyError(layout)


# Real documents. The corpus with truth (../shared/corpus) is split in halves by a fixed hash of the
# folder name; the training corpus (../shared/corpus-train) only trains.
REAL_SPLIT_SALT: Final = "handoff-real-split-v1"
CORPUS_TRAIN: Final = "corpus-train"


def real_purpose(folder: Path | str) -> Purpose:
    """tune or report for a folder of ../shared/corpus, train for ../shared/corpus-train."""
    path = Path(folder)
    if CORPUS_TRAIN in path.parts:
        return "train"
    digest = hashlib.sha256(f"{REAL_SPLIT_SALT}:{path.name}".encode()).digest()
    return "report" if digest[0] % 2 else "tune"
