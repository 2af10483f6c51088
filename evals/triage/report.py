"""The ranking eval's results: evals/results/triage-ranking.json and a Markdown summary beside it."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from evals.reporting import write_json_and_markdown
from evals.triage.ranking import DEFAULT_K, RankingScores
from triage.ranker_model import RankerModel

RESULTS_NAME: Final = "triage-ranking"
COMMAND: Final = "python -m evals.triage"
AVERAGED: Final = (
    "ndcg_model",
    "ndcg_amount_baseline",
    "ndcg_severity_baseline",
    "ndcg_oracle",
    "risk_auc",
    "risk_auc_oracle",
)


@dataclass(frozen=True)
class HeldOut:
    seed: int
    scores: RankingScores


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {key: round(value, 4) if isinstance(value, float) else value for key, value in values.items()}


def results(
    model: RankerModel, model_file: str, sha256: str, train_seconds: float | None, held_out: Sequence[HeldOut]
) -> dict[str, Any]:
    mean = {key: sum(getattr(item.scores, key) for item in held_out) / len(held_out) for key in AVERAGED}
    return {
        "command": COMMAND,
        "k": DEFAULT_K,
        "model": {
            "file": model_file,
            "sha256": sha256,
            "training": model.training.model_dump(),
            "train_seconds": train_seconds,
        },
        "held_out": [{"seed": item.seed, **_rounded(asdict(item.scores))} for item in held_out],
        "mean": _rounded(mean),
    }


def markdown(summary: dict[str, Any]) -> str:
    mean, model, k = summary["mean"], summary["model"], summary["k"]
    training = model["training"]
    timing = f", {model['train_seconds']} s" if model["train_seconds"] is not None else ""
    lines = [
        "# Triage ranking eval",
        "",
        f"Re-run: `{summary['command']}` (regenerates the history, retrains `{model['file']}`, evaluates).",
        "",
        f"Per-deal NDCG@{k} of the revenue-risk order, gain = labelled revenue impact, averaged over the",
        "deals with at least two exceptions; held-out histories use seeds the training never saw.",
        "Labelling rules and baselines: evals/triage/README.md.",
        "",
        f"Model: `{model['file']}` (sha256 `{model['sha256'][:12]}…`), trained on {training['history']}:",
        f"{training['examples']} exceptions, scikit-learn {training['sklearn_version']}{timing}.",
        "",
        "| held-out seed | deals scored | exceptions | model | sort by amount | severity order | oracle "
        "| model better / worse than amount | risk AUC (oracle) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["held_out"]:
        lines.append(
            f"| {row['seed']} | {row['deals_scored']} of {row['deals']} | {row['exceptions']} "
            f"| **{row['ndcg_model']:.4f}** | {row['ndcg_amount_baseline']:.4f} "
            f"| {row['ndcg_severity_baseline']:.4f} | {row['ndcg_oracle']:.4f} "
            f"| {row['model_better_than_amount']} / {row['model_worse_than_amount']} "
            f"| {row['risk_auc']:.3f} ({row['risk_auc_oracle']:.3f}) |"
        )
    lines += [
        f"| **mean** | | | **{mean['ndcg_model']:.4f}** | {mean['ndcg_amount_baseline']:.4f} "
        f"| {mean['ndcg_severity_baseline']:.4f} | {mean['ndcg_oracle']:.4f} | "
        f"| {mean['risk_auc']:.3f} ({mean['risk_auc_oracle']:.3f}) |",
        "",
        "Oracle: the labelling rules' own expected impact without the noise, the ceiling for any order.",
        "Risk AUC: risk_score against whether the exception became a billing error; the oracle AUC (the",
        "rules' own probability) is the ceiling those outcomes' coin flips allow.",
        "",
    ]
    return "\n".join(lines)


def write_results(summary: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    return write_json_and_markdown(summary, markdown(summary), directory, RESULTS_NAME)
