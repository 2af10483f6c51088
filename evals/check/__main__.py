"""python -m evals.check: run `handoff check`'s pipeline on seeded SOW + CRM pairs and write
evals/results/check-gaps.json and .md."""

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from evals.check.pairs import KINDS, Pair, build_pair
from evals.check.report import RunInfo, results, write_results
from evals.check.run import run_pair
from evals.reporting import REPOSITORY, RESULTS_DIRECTORY
from evals.sow import render_pdf
from extraction.engine import MODEL
from intake.settings import IntakeSettings
from triage.policy import load_policy
from triage.ranker import DEFAULT_MODEL_PATH, load_ranker

PAIRS_PER_KIND: Final = 20
SCANNED_SHARE: Final = 0.25


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evals.check", description=__doc__)
    parser.add_argument("--seed", type=int, default=0, help="seed of the pairs")
    parser.add_argument("--pairs-per-kind", type=int, default=PAIRS_PER_KIND, help="pairs per discrepancy")
    parser.add_argument(
        "--scanned-share", type=float, default=SCANNED_SHARE, help="share of pairs with scanned pages (0..1)"
    )
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS), help="discrepancies")
    parser.add_argument("--results", type=Path, default=RESULTS_DIRECTORY, help="directory for the results")
    parser.add_argument(
        "--write-pairs", type=Path, help="also write each pair's PDF, CRM JSON and expected gaps here"
    )
    arguments = parser.parse_args(argv)
    if arguments.pairs_per_kind < 1 or not 0.0 <= arguments.scanned_share <= 1.0:
        parser.error("--pairs-per-kind must be at least 1 and --scanned-share within 0..1")
    return arguments


def write_pair(pair: Pair, directory: Path) -> None:
    """`handoff check DIR/<id>.pdf --crm DIR/<id>.crm.json` re-runs the pair by hand."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{pair.pair_id}.pdf").write_bytes(render_pdf(pair.spec, scanned_pages=pair.scanned_pages))
    crm = pair.opportunity.model_dump(mode="json", exclude_none=True)
    (directory / f"{pair.pair_id}.crm.json").write_text(json.dumps(crm, indent=2) + "\n", encoding="utf-8")
    expected = {"seeded": pair.seeded, "expected": sorted(list(gap) for gap in pair.expected)}
    (directory / f"{pair.pair_id}.expected.json").write_text(json.dumps(expected, indent=2) + "\n")


def _shown(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPOSITORY)) if resolved.is_relative_to(REPOSITORY) else str(path)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    policy, model, settings = load_policy(), load_ranker(), IntakeSettings()
    pairs = [
        build_pair(arguments.seed, kind, index, arguments.scanned_share)
        for kind in arguments.kinds
        for index in range(arguments.pairs_per_kind)
    ]
    started = time.perf_counter()
    outcomes = [run_pair(pair, policy, model, settings) for pair in pairs]
    info = RunInfo(
        seed=arguments.seed,
        pairs_per_kind=arguments.pairs_per_kind,
        scanned_share=arguments.scanned_share,
        extraction_model=MODEL,
        ranker_sha256=hashlib.sha256(DEFAULT_MODEL_PATH.read_bytes()).hexdigest(),
        seconds=round(time.perf_counter() - started, 1),
    )
    summary = results(outcomes, info)
    if arguments.write_pairs is not None:
        for pair in pairs:
            write_pair(pair, arguments.write_pairs)
    for path in write_results(summary, arguments.results):
        print(f"wrote {_shown(path)}")
    seeded, agreeing = summary["seeded"], summary["agreeing"]
    print(
        f"seeded gaps found {seeded['found']} of {seeded['gaps']}; agreeing pairs without exceptions "
        f"{agreeing['pairs_without_exceptions']} of {agreeing['pairs']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
