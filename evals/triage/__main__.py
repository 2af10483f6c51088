"""python -m evals.triage: generate the labelled history, train the ranker, evaluate it on held-out histories
and write evals/results/triage-ranking.json and .md."""

import argparse
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from evals.reporting import REPOSITORY, RESULTS_DIRECTORY
from evals.triage.history import generate_history
from evals.triage.ranking import evaluate_ranking
from evals.triage.report import HeldOut, results, write_results
from evals.triage.train import TRAINING_DEALS, TRAINING_SEED, train_ranker
from triage.ranker import DEFAULT_MODEL_PATH, load_ranker

HELD_OUT_SEEDS: Final = (201, 202, 203)
HELD_OUT_DEALS: Final = 1000


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evals.triage", description=__doc__)
    parser.add_argument("--seed", type=int, default=TRAINING_SEED, help="training history seed")
    parser.add_argument("--deals", type=int, default=TRAINING_DEALS, help="deals in the training history")
    parser.add_argument("--held-out-seeds", type=int, nargs="+", default=list(HELD_OUT_SEEDS))
    parser.add_argument("--held-out-deals", type=int, default=HELD_OUT_DEALS, help="deals per held-out seed")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH, help="model file to (re)write")
    parser.add_argument("--results", type=Path, default=RESULTS_DIRECTORY, help="directory for the results")
    parser.add_argument("--skip-training", action="store_true", help="evaluate the model file as it is")
    arguments = parser.parse_args(argv)
    if arguments.seed in arguments.held_out_seeds:
        parser.error("a held-out seed must differ from the training seed")
    if arguments.deals < 1 or arguments.held_out_deals < 1:
        parser.error("--deals and --held-out-deals must be at least 1")
    return arguments


def _shown(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPOSITORY)) if resolved.is_relative_to(REPOSITORY) else str(path)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    train_seconds = None
    if not arguments.skip_training:
        report = train_ranker(arguments.model, arguments.seed, arguments.deals)
        train_seconds = report.seconds
        print(f"trained {_shown(report.path)} on {report.examples} exceptions in {report.seconds} s")
    model = load_ranker(arguments.model)
    held_out = [
        HeldOut(seed, evaluate_ranking(model, generate_history(seed, arguments.held_out_deals)))
        for seed in arguments.held_out_seeds
    ]
    sha256 = hashlib.sha256(arguments.model.read_bytes()).hexdigest()
    summary = results(model, _shown(arguments.model), sha256, train_seconds, held_out)
    for path in write_results(summary, arguments.results):
        print(f"wrote {_shown(path)}")
    model_ndcg, amount, severity = (
        summary["mean"][key] for key in ("ndcg_model", "ndcg_amount_baseline", "ndcg_severity_baseline")
    )
    print(f"NDCG@{summary['k']}: model {model_ndcg}, sort by amount {amount}, severity order {severity}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
