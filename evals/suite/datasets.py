"""What each eval runs on, per subset: `ci` (the gate's small held-out documents, seconds to a minute) or
`full` (the evals' own full runs, minutes).

New layouts (evals.sow.layouts) have two splits. The dev split (seeds 50000+) may be looked at while the
engine is developed; the held-out split (seeds 70000+) and the held-out-only layout `retainer_letter` may
not: report them, never tune on them.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from evals.extraction.documents import (
    GeneratedJob,
    Job,
    LayoutJob,
    Variant,
    corpus_jobs,
    generated_jobs,
)
from evals.gate import GENERATED_SUBSET
from evals.splits import real_purpose

Subset = Literal["ci", "full"]
SUBSETS: Final[tuple[Subset, ...]] = ("ci", "full")
DEV_LAYOUTS: Final = ("engagement_letter", "task_order", "vat_gst", "long_fee_table")
HELD_OUT_ONLY_LAYOUTS: Final = ("retainer_letter",)
DEV_SEED: Final = 50000
HELD_OUT_SEED: Final = 70000
LAYOUT_COUNT: Final[dict[Subset, int]] = {"ci": 3, "full": 20}
FULL_GENERATED: Final[dict[Variant, int]] = {"born_digital": 300, "scanned_signature": 40, "fully_scanned": 8}


@dataclass(frozen=True)
class CheckSet:
    seed: int
    pairs_per_kind: int
    scanned_share: float


@dataclass(frozen=True)
class E2eSet:
    pairs_per_kind: int  # agreeing pairs of each agreeing kind
    scanned_share: float
    injection_seeds: range
    llm_documents: int


CHECK: Final[dict[Subset, CheckSet]] = {"ci": CheckSet(1, 3, 0.0), "full": CheckSet(0, 20, 0.25)}
E2E: Final[dict[Subset, E2eSet]] = {
    "ci": E2eSet(8, 0.0, range(60000, 60012), 0),
    "full": E2eSet(40, 0.25, range(60000, 60060), 4),
}
# The shipped ranker on held-out histories (training used seed 0).
RANKING_SEEDS: Final[dict[Subset, tuple[int, ...]]] = {"ci": (204,), "full": (201, 202, 203)}


def layout_jobs(split: str, subset: Subset) -> list[LayoutJob]:
    count = LAYOUT_COUNT[subset]
    if split == "dev":
        return [LayoutJob(layout, DEV_SEED + i) for layout in DEV_LAYOUTS for i in range(count)]
    layouts = (*DEV_LAYOUTS, *HELD_OUT_ONLY_LAYOUTS)
    return [LayoutJob(layout, HELD_OUT_SEED + i) for layout in layouts for i in range(count)]


def extraction_jobs(subset: Subset, corpus: Path) -> list[Job]:
    """The standard generated documents and the corpus's tune half (this eval prints per-document misses; the
    report half is measured in aggregate by evals.generalisation only), then both layout splits."""
    tune = (
        [job for job in corpus_jobs(corpus) if real_purpose(job.folder) == "tune"] if corpus.is_dir() else []
    )
    if subset == "ci":
        standard: list[Job] = [*GENERATED_SUBSET, *(job for job in tune if job.source == "corpus_truth")]
    else:
        standard = [*generated_jobs(FULL_GENERATED), *tune]
    return [*standard, *layout_jobs("dev", subset), *layout_jobs("held_out", subset)]


def generated_seed_ranges(jobs: list[Job]) -> dict[str, list[int]]:
    seeds: dict[str, list[int]] = {}
    for job in jobs:
        if isinstance(job, GeneratedJob):
            low, high = seeds.get(job.variant, [job.seed, job.seed])
            seeds[job.variant] = [min(low, job.seed), max(high, job.seed)]
    return seeds
