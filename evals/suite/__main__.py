"""python -m evals.suite [extraction|triage|check|e2e|generalisation|all] [--subset ci|full]: the same as
`handoff eval`."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Final, Literal

from evals.generalisation.documents import Engine
from evals.generalisation.run import run_generalisation
from evals.llm_local import local_endpoint
from evals.reporting import CORPUS, RESULTS_DIRECTORY
from evals.suite.datasets import SUBSETS, Subset
from evals.suite.report import write_report
from evals.suite.runs import run_check, run_e2e, run_extraction, run_triage

EVALS: Final = ("extraction", "triage", "check", "e2e", "generalisation")
LLM_LOG: Final = Path(__file__).resolve().parents[2] / "var" / "llm-log"
# Which LLM the generalisation eval reads with beside the offline engine: the packaged local model
# (llama-server, built once), the endpoint HANDOFF_LLM_BASE_URL names, or none (the report says so).
LlmChoice = Literal["local", "endpoint", "off"]
LLM_CHOICES: Final = ("local", "endpoint", "off")


def _runner(name: str, corpus: Path, workers: int, llm: LlmChoice) -> Callable[[Subset], dict[str, Any]]:
    if name == "extraction":
        return lambda subset: run_extraction(subset, corpus, workers)
    if name == "generalisation":
        engines: tuple[Engine, ...] = ("offline",) if llm == "off" else ("offline", "llm", "hybrid")
        return lambda subset: run_generalisation(subset, corpus, workers, engines)
    return {"triage": run_triage, "check": run_check, "e2e": run_e2e}[name]


def run_evals(
    names: Sequence[str],
    subset: Subset,
    *,
    corpus: Path,
    workers: int,
    results: Path,
    llm: LlmChoice = "local",
) -> list[Path]:
    """Run each named eval on `subset` and write its report; the written paths, in order."""
    written: list[Path] = []
    with ExitStack() as stack:
        if llm == "local" and "generalisation" in names:
            stack.enter_context(local_endpoint(LLM_LOG))
        for name in names:
            summary = _runner(name, corpus, workers, llm)(subset)
            written.extend(write_report(name, subset, summary, results))
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.suite", description=__doc__)
    parser.add_argument("name", nargs="?", default="all", choices=[*EVALS, "all"])
    parser.add_argument("--subset", choices=SUBSETS, default="ci")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=RESULTS_DIRECTORY)
    parser.add_argument("--llm", choices=LLM_CHOICES, default="local")
    arguments = parser.parse_args(argv)
    names = EVALS if arguments.name == "all" else (arguments.name,)
    for path in run_evals(
        names, arguments.subset, corpus=arguments.corpus, workers=max(1, arguments.workers),
        results=arguments.results, llm=arguments.llm,
    ):  # fmt: skip
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
