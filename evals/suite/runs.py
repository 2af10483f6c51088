"""Each eval of the suite run on a subset: the existing evals' own code (evals.extraction, evals.check,
evals.triage) for measuring and summarising, plus the layout slices, the confusion by code and the
end-to-end sets. Each returns the JSON-ready summary that the report is written from."""

import hashlib
import os
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.check.pairs import KINDS, build_pair
from evals.check.report import RunInfo as CheckRun
from evals.check.report import results as check_results
from evals.check.run import Outcome, run_pair
from evals.extraction.evaluate import DocumentScore, score_jobs
from evals.extraction.summary import RunInfo, generated_summary, summarise
from evals.suite import reliability, touchless
from evals.suite.datasets import (
    CHECK,
    E2E,
    RANKING_SEEDS,
    Subset,
    extraction_jobs,
    generated_seed_ranges,
    layout_jobs,
)
from evals.suite.llm_cost import llm_cost
from evals.triage.history import generate_history
from evals.triage.ranking import evaluate_ranking
from evals.triage.report import HeldOut
from evals.triage.report import results as triage_results
from evals.triage.stakes import ndcg_on_stakes
from extraction.engine import MODEL
from intake.settings import IntakeSettings
from triage.policy import load_policy
from triage.ranker import DEFAULT_MODEL_PATH, load_ranker

RANKING_DEALS = 1000


def _stamp(subset: Subset, started: float) -> dict[str, Any]:
    return {
        "command": f"handoff eval … --subset {subset}",
        "subset": subset,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": round(os.getloadavg()[0], 2),
    }


def run_extraction(subset: Subset, corpus: Path, workers: int) -> dict[str, Any]:
    started = time.perf_counter()
    jobs = extraction_jobs(subset, corpus)
    scores = list(score_jobs(jobs, workers))
    standard = [score for score in scores if score.source != "layout"]
    run = RunInfo(
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        command=f"handoff eval extraction --subset {subset}",
        extraction_model=MODEL,
        seeds=generated_seed_ranges(jobs),
        corpus=str(corpus),
        workers=workers,
        seconds=round(time.perf_counter() - started, 1),
        load_average=round(os.getloadavg()[0], 2),
    )
    summary = summarise(standard, run)
    layouts = [score for score in scores if score.source == "layout"]
    summary["layouts"] = {split: _layout_slices(layouts, split, subset) for split in ("dev", "held_out")}
    return summary


def _layout_slices(scores: Sequence[DocumentScore], split: str, subset: Subset) -> dict[str, Any]:
    ids = {f"{job.layout}-{job.seed:05d}" for job in layout_jobs(split, subset)}
    members = [score for score in scores if score.doc_id in ids]
    by_layout: dict[str, list[DocumentScore]] = {}
    for score in members:
        by_layout.setdefault(score.groups["layout"], []).append(score)
    table = {}
    for layout, found in by_layout.items():
        full = generated_summary(found)
        every = sum(all(r.outcome.value == "correct" for r in score.results) for score in found)
        table[layout] = {
            "documents": full["documents"],
            "pages": full["pages"],
            "scalar_fields": full["scalar_fields"],
            "all_fields": full["all_fields"],
            "every_field_right": every,
            "per_field": full["per_field"],
            "lists_exactly_right": full["lists_exactly_right"],
            "mistakes": full["mistakes"][:40],
        }
    return table


def check_outcomes(subset: Subset) -> list[Outcome]:
    chosen = CHECK[subset]
    policy, model, settings = load_policy(), load_ranker(), IntakeSettings()
    pairs = [
        build_pair(chosen.seed, kind, index, chosen.scanned_share)
        for kind in KINDS
        for index in range(chosen.pairs_per_kind)
    ]
    return [run_pair(pair, policy, model, settings) for pair in pairs]


def confusion_by_code(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    """Seeded code → reported code. In each pair, found seeded codes are on the diagonal; a missed code and
    an unexpected one of the same field are one confusion; the rest pair with "none"."""
    matrix: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        for code, _ in outcome.pair.expected & outcome.found:
            matrix.setdefault(code, Counter())[code] += 1
        missed = sorted(outcome.pair.expected - outcome.found)
        unexpected = sorted(outcome.found - outcome.pair.expected)
        for code, field in missed:
            twin = next((gap for gap in unexpected if gap[1] == field), None)
            if twin:
                unexpected.remove(twin)
            matrix.setdefault(code, Counter())[twin[0] if twin else "none"] += 1
        for code, _ in unexpected:
            matrix.setdefault("none", Counter())[code] += 1
        if not outcome.pair.expected and not outcome.found:
            matrix.setdefault("none", Counter())["none"] += 1
    return {row: dict(sorted(columns.items())) for row, columns in sorted(matrix.items())}


def run_check(subset: Subset) -> dict[str, Any]:
    started = time.perf_counter()
    outcomes = check_outcomes(subset)
    chosen = CHECK[subset]
    info = CheckRun(
        seed=chosen.seed,
        pairs_per_kind=chosen.pairs_per_kind,
        scanned_share=chosen.scanned_share,
        extraction_model=MODEL,
        ranker_sha256=hashlib.sha256(DEFAULT_MODEL_PATH.read_bytes()).hexdigest(),
        seconds=round(time.perf_counter() - started, 1),
    )
    summary = check_results(outcomes, info)
    summary["command"] = f"handoff eval check --subset {subset}"
    summary["confusion_by_code"] = confusion_by_code(outcomes)
    return summary


def run_triage(subset: Subset) -> dict[str, Any]:
    model = load_ranker()
    histories = {seed: generate_history(seed, RANKING_DEALS) for seed in RANKING_SEEDS[subset]}
    held_out = [HeldOut(seed, evaluate_ranking(model, history)) for seed, history in histories.items()]
    sha256 = hashlib.sha256(DEFAULT_MODEL_PATH.read_bytes()).hexdigest()
    summary = triage_results(model, "triage/models/ranker-v1.json", sha256, None, held_out)
    summary["command"] = f"handoff eval triage --subset {subset}"
    # the same held-out deals, labelled by a source independent of the ranker's training labels
    summary["on_revenue_at_stake"] = {
        str(seed): ndcg_on_stakes(model, history) for seed, history in histories.items()
    }
    return summary


def touchless_verdicts(subset: Subset, settings: IntakeSettings) -> list[touchless.Verdict]:
    chosen, triage = E2E[subset], touchless.Triage.shipped()
    pairs = touchless.agreeing_pairs(CHECK[subset].seed, chosen.pairs_per_kind, chosen.scanned_share)
    verdicts = [touchless.pair_verdict(pair, settings, triage) for pair in pairs]
    for split in ("dev", "held_out"):
        verdicts += [
            touchless.layout_verdict(job.layout, job.seed, split, settings, triage)
            for job in layout_jobs(split, subset)
        ]
    return verdicts


def run_e2e(subset: Subset) -> dict[str, Any]:
    started, settings = time.perf_counter(), IntakeSettings()
    verdicts = touchless_verdicts(subset, settings)
    return {
        "touchless": touchless.touchless_summary(verdicts),
        "bad_inputs": reliability.run_bad_inputs(),
        "injection": reliability.run_injections(E2E[subset].injection_seeds, settings),
        "llm": llm_cost(E2E[subset].llm_documents, settings),
        **_stamp(subset, started),
        "command": f"handoff eval e2e --subset {subset}",
    }
