"""python -m evals.extraction: the offline engine on a held-out generated slice and the real corpus; writes
evals/results/extraction.json and extraction.md."""

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from evals.extraction.documents import (
    FIRST_SEED,
    VARIANTS,
    Job,
    Variant,
    corpus_jobs,
    generated_jobs,
)
from evals.extraction.evaluate import score_jobs
from evals.extraction.report import write_results
from evals.extraction.summary import RunInfo, summarise
from evals.reporting import CORPUS, REPOSITORY, RESULTS_DIRECTORY
from extraction.engine import MODEL

COMMAND: Final = "python -m evals.extraction"
# ~1.5 s of OCR per scanned page: the scanned variants stay small so that a run takes minutes.
DEFAULT_COUNTS: Final[dict[Variant, int]] = {
    "born_digital": 300,
    "scanned_signature": 40,
    "fully_scanned": 8,
}


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    for variant in VARIANTS:
        parser.add_argument(
            f"--{variant.replace('_', '-')}",
            type=int,
            default=DEFAULT_COUNTS[variant],
            metavar="N",
            help=f"generated documents, seeds {FIRST_SEED[variant]}…",
        )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the real-document corpus folder")
    parser.add_argument(
        "--corpus-folders",
        nargs="*",
        default=["*"],
        metavar="GLOB",
        help="corpus folders to read (none: skip)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel processes")
    parser.add_argument("--results", type=Path, default=RESULTS_DIRECTORY, help="directory for the results")
    arguments = parser.parse_args(argv)
    if min(getattr(arguments, variant) for variant in VARIANTS) < 0 or arguments.workers < 1:
        parser.error("document counts must be ≥ 0 and --workers ≥ 1")
    return arguments


def _shown(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPOSITORY)) if resolved.is_relative_to(REPOSITORY) else str(path)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    counts: dict[Variant, int] = {variant: getattr(arguments, variant) for variant in VARIANTS}
    patterns = arguments.corpus_folders
    jobs: list[Job] = [
        *generated_jobs(counts),
        *(corpus_jobs(arguments.corpus, patterns) if patterns else []),
    ]
    started = time.perf_counter()
    scores = list(score_jobs(jobs, arguments.workers))
    run = RunInfo(
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        command=COMMAND,
        extraction_model=MODEL,
        seeds={v: [FIRST_SEED[v], FIRST_SEED[v] + n - 1] for v, n in counts.items() if n},
        corpus=os.path.relpath(arguments.corpus, REPOSITORY),
        workers=arguments.workers,
        seconds=round(time.perf_counter() - started, 1),
        load_average=round(os.getloadavg()[0], 2),
    )
    summary = summarise(scores, run)
    for path in write_results(summary, arguments.results):
        print(f"wrote {_shown(path)}")
    generated, grounding = summary["generated"], summary["grounding"]
    print(
        f"generated scalar accuracy {generated['scalar_fields']['accuracy']} over "
        f"{generated['documents']} documents; grounded {grounding['grounded']} of {grounding['emitted']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
