"""python -m evals.gate: the CI quality gate. Measures the evals on a small subset, compares each metric with
evals/thresholds.toml and exits non-zero naming every metric that failed — and refuses committed reports in
evals/results that the current code and inputs did not produce (evals/fingerprint.py).

What it holds, by split (evals/splits.py):
- report splits — generalisation (evals/generalisation): leave-one-family-out worst family and mean, the real
  corpus report half (truth.json and CUAD), calibration and the touchless share on that data; measured
  here for the offline engine, read from the committed (fresh) report for the LLM and hybrid engines;
- training fit, held as regression guards only: 12 born-digital generated documents (seeds 40000–40011) and
  2 with the signature page scanned (41000–41001) of the standard layout the rules were written against;
- check: 3 text-only pairs per discrepancy kind, seed 1 (the full eval uses seed 0);
- ranking: the shipped ranker on held-out history seed 204 (1,000 deals; training used seed 0, the full
  eval 201–203), against the sort-by-amount baseline;
- end to end (evals.suite): the touchless rate on 8 text pairs per agreeing kind (seed 1) and on 3 documents
  per new layout of the dev split (seeds 50000+), the layouts' scalar accuracy, the bad-input set through
  ingest (right code, nothing stored) and 12 prompt-injected documents (seeds 60000–60011).
With --write, also writes evals/results/gate.json and gate.md; without it the tree stays clean.
"""

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from evals.check.pairs import AGREEING_KINDS, KINDS, build_pair
from evals.check.report import per_code
from evals.check.run import run_pair
from evals.extraction.documents import GeneratedJob, Job, LayoutJob, corpus_jobs
from evals.extraction.evaluate import DocumentScore, score_jobs
from evals.extraction.scoring import SCALAR_FIELDS
from evals.extraction.summary import grounding_summary, tally
from evals.fingerprint import fingerprint, stale_reports, stamped
from evals.gate_thresholds import Verdict, failures, judge, load_thresholds, markdown_table, text_table
from evals.generalisation.run import evaluate as evaluate_generalisation
from evals.generalisation.run import gate_metrics
from evals.reporting import CORPUS, REPOSITORY, RESULTS_DIRECTORY, write_json_and_markdown
from evals.suite import reliability, touchless
from evals.triage.history import generate_history
from evals.triage.ranking import evaluate_ranking
from evals.triage.stakes import ndcg_on_stakes
from intake.settings import IntakeSettings
from triage.policy import load_policy
from triage.ranker import load_ranker

THRESHOLDS: Final = REPOSITORY / "evals" / "thresholds.toml"
GENERATED_SUBSET: Final = (
    *(GeneratedJob("scanned_signature", seed) for seed in range(41000, 41002)),
    *(GeneratedJob("born_digital", seed) for seed in range(40000, 40012)),
)
CHECK_SEED: Final = 1
CHECK_PAIRS_PER_KIND: Final = 3
RANKING_SEED: Final = 204
RANKING_DEALS: Final = 1000
TOUCHLESS_PAIRS_PER_KIND: Final = 8
GATE_LAYOUTS: Final = ("engagement_letter", "task_order", "vat_gst", "long_fee_table")
LAYOUT_SUBSET: Final = tuple(LayoutJob(layout, 50000 + i) for layout in GATE_LAYOUTS for i in range(3))
INJECTION_SEEDS: Final = range(60000, 60012)
GENERALISATION_REPORT: Final = "generalisation-ci"


def _accuracy(scores: Sequence[DocumentScore], *, lists: bool) -> float | None:
    """Correct / scored over the scalar fields, or over the list items' sub-fields; None when none scored."""
    results = [
        result for score in scores for result in score.results if (result.field in SCALAR_FIELDS) != lists
    ]
    accuracy = tally(results)["accuracy"]
    return None if accuracy is None else float(accuracy)


def measure_extraction(corpus: Path, workers: int) -> dict[str, float]:
    """Training fit (the standard layout) and grounding, which holds everywhere, on the corpus too."""
    real = [job for job in corpus_jobs(corpus) if job.source == "corpus_truth"] if corpus.is_dir() else []
    jobs: list[Job] = [*GENERATED_SUBSET, *real]
    scores = list(score_jobs(jobs, workers))
    generated = [score for score in scores if score.source == "generated"]
    measured = {
        "extraction.generated.scalar_accuracy": _accuracy(generated, lists=False),
        "extraction.generated.list_item_accuracy": _accuracy(generated, lists=True),
        "extraction.grounding_rate": grounding_summary(scores)["share"],
    }
    return {metric: float(value) for metric, value in measured.items() if value is not None}


def measure_check() -> dict[str, float]:
    policy, model, settings = load_policy(), load_ranker(), IntakeSettings()
    pairs = [build_pair(CHECK_SEED, kind, index) for kind in KINDS for index in range(CHECK_PAIRS_PER_KIND)]
    outcomes = [run_pair(pair, policy, model, settings) for pair in pairs]
    metrics = {
        f"check.recall.{code}": float(scores["recall"])
        for code, scores in per_code(outcomes, from_truth=False).items()
        if scores["recall"] is not None
    }
    agreeing = [outcome for outcome in outcomes if outcome.pair.kind in AGREEING_KINDS]
    metrics["check.false_alarms_on_agreeing_pairs"] = float(sum(len(outcome.found) for outcome in agreeing))
    return metrics


def measure_ranking() -> dict[str, float]:
    model, history = load_ranker(), generate_history(RANKING_SEED, RANKING_DEALS)
    scores = evaluate_ranking(model, history)
    stakes = ndcg_on_stakes(model, history)
    return {
        "ranking.ndcg_at_10": round(scores.ndcg_model, 4),
        "ranking.ndcg_at_10_over_amount_baseline": round(scores.ndcg_model - scores.ndcg_amount_baseline, 4),
        "ranking.stakes.ndcg_at_10": stakes["ndcg_model"],
        "ranking.stakes.ndcg_at_10_over_amount_baseline": stakes["model_over_amount"],
    }


def measure_layouts(workers: int) -> dict[str, float]:
    accuracy = _accuracy(list(score_jobs(LAYOUT_SUBSET, workers)), lists=False)
    return {} if accuracy is None else {"extraction.layouts_dev.scalar_accuracy": accuracy}


def _touchless_rate(verdicts: Sequence[touchless.Verdict]) -> float:
    return round(sum(verdict.touchless for verdict in verdicts) / len(verdicts), 4)


def measure_e2e() -> dict[str, float]:
    settings, triage = IntakeSettings(), touchless.Triage.shipped()
    pairs = touchless.agreeing_pairs(CHECK_SEED, TOUCHLESS_PAIRS_PER_KIND, 0.0)
    on_pairs = [touchless.pair_verdict(pair, settings, triage) for pair in pairs]
    on_layouts = [
        touchless.layout_verdict(job.layout, job.seed, "dev", settings, triage) for job in LAYOUT_SUBSET
    ]
    bad = reliability.run_bad_inputs()
    injected = reliability.run_injections(INJECTION_SEEDS, settings)
    return {
        "e2e.touchless_rate.agreeing_pairs": _touchless_rate(on_pairs),
        "e2e.touchless_rate.layouts_dev": _touchless_rate(on_layouts),
        "reliability.bad_input.right_code_rate": float(bad["right_code_rate"]),
        "reliability.bad_input.stored": float(bad["documents_stored"] + bad["objects_stored"]),
        "reliability.injection.unchanged_rate": float(injected["unchanged_rate"]),
        "reliability.injection.planted_values_reported": float(injected["planted_values_reported"]),
    }


def measure_generalisation(corpus: Path, workers: int) -> dict[str, float]:
    return gate_metrics(evaluate_generalisation("ci", corpus, workers, "offline"))


def committed_llm_metrics(results: Path = RESULTS_DIRECTORY) -> dict[str, float]:
    """The LLM and hybrid engines' report-split figures, read from the committed generalisation report
    rather than measured again: the local model takes tens of minutes on two cores, too long for every CI
    run. The gate refuses that report when it is stale (evals/fingerprint.py), so these are the figures of
    the current code; an engine the report did not measure leaves its thresholds unmeasured (they fail)."""
    path = results / f"{GENERALISATION_REPORT}.json"
    if not path.is_file():
        return {}
    report = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: value
        for engine in report.get("engines", [])
        if engine["engine"] != "offline" and not engine.get("not_configured")  # the gate measures offline
        for name, value in gate_metrics(engine).items()
    }


def measure(corpus: Path, workers: int, results: Path = RESULTS_DIRECTORY) -> dict[str, float]:
    return {
        **measure_generalisation(corpus, workers),
        **committed_llm_metrics(results),
        **measure_extraction(corpus, workers),
        **measure_layouts(workers),
        **measure_check(),
        **measure_ranking(),
        **measure_e2e(),
    }


def summary(metrics: dict[str, float], verdicts: Sequence[Verdict]) -> dict[str, Any]:
    return {
        "command": "python -m evals.gate --write",
        "passed": not failures(verdicts),
        "metrics": metrics,
        "thresholds": [
            {
                "metric": verdict.threshold.metric,
                verdict.threshold.bound: verdict.threshold.limit,
                "value": verdict.value,
                "passed": verdict.passed,
            }
            for verdict in verdicts
        ],
    }


def markdown(verdicts: Sequence[Verdict]) -> str:
    outcome = "passed" if not failures(verdicts) else "FAILED"
    return (
        f"# Quality gate — {outcome}\n\n`python -m evals.gate --write`, thresholds in "
        "`evals/thresholds.toml`; the subset is described in `evals/gate.py`.\n\n" + markdown_table(verdicts)
    )


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evals.gate", description=__doc__)
    parser.add_argument("--thresholds", type=Path, default=THRESHOLDS, help="thresholds file")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the real-document corpus folder")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="parallel processes")
    parser.add_argument("--write", action="store_true", help="also write evals/results/gate.{json,md}")
    parser.add_argument(
        "--results", type=Path, default=RESULTS_DIRECTORY, help="committed reports (checked fresh; --write)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    thresholds = load_thresholds(arguments.thresholds)
    metrics = measure(arguments.corpus, max(1, arguments.workers), arguments.results)
    verdicts = judge(metrics, thresholds)
    print(text_table(verdicts))
    current = fingerprint(corpus=arguments.corpus)
    if arguments.write:
        for path in write_json_and_markdown(
            stamped(summary(metrics, verdicts), current), markdown(verdicts), arguments.results, "gate"
        ):
            print(f"wrote {path}")
    failed = failures(verdicts)
    stale = stale_reports(arguments.results, current)
    for report in stale:
        print(f"  stale report {report}: regenerate it with `handoff eval` / --write", file=sys.stderr)
    if failed:
        print(f"gate FAILED on {len(failed)} metric(s):", file=sys.stderr)
        for verdict in failed:
            print(f"  {verdict.reason}", file=sys.stderr)
    if failed or stale:
        return 1
    print("gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
