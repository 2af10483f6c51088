"""python -m evals.suite [extraction|triage|check|e2e|generalisation|all] [--subset ci|full]: the same as
`handoff eval`."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from evals.generalisation.run import run_generalisation
from evals.reporting import CORPUS, RESULTS_DIRECTORY
from evals.suite.datasets import SUBSETS, Subset
from evals.suite.report import write_report
from evals.suite.runs import run_check, run_e2e, run_extraction, run_triage

EVALS: Final = ("extraction", "triage", "check", "e2e", "generalisation")


def _runner(name: str, corpus: Path, workers: int) -> Callable[[Subset], dict[str, Any]]:
    if name == "extraction":
        return lambda subset: run_extraction(subset, corpus, workers)
    if name == "generalisation":
        return lambda subset: run_generalisation(subset, corpus, workers, ("offline", "llm"))
    return {"triage": run_triage, "check": run_check, "e2e": run_e2e}[name]


def run_evals(
    names: Sequence[str], subset: Subset, *, corpus: Path, workers: int, results: Path
) -> list[Path]:
    """Run each named eval on `subset` and write its report; the written paths, in order."""
    written: list[Path] = []
    for name in names:
        summary = _runner(name, corpus, workers)(subset)
        written.extend(write_report(name, subset, summary, results))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.suite", description=__doc__)
    parser.add_argument("name", nargs="?", default="all", choices=[*EVALS, "all"])
    parser.add_argument("--subset", choices=SUBSETS, default="ci")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=RESULTS_DIRECTORY)
    arguments = parser.parse_args(argv)
    names = EVALS if arguments.name == "all" else (arguments.name,)
    for path in run_evals(
        names, arguments.subset, corpus=arguments.corpus, workers=max(1, arguments.workers),
        results=arguments.results,
    ):  # fmt: skip
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
