"""The check eval's results: evals/results/check-gaps.json and a Markdown summary beside it."""

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from evals.check.pairs import AGREEING_KINDS, KINDS, Gap
from evals.check.run import Outcome
from evals.reporting import write_json_and_markdown

RESULTS_NAME: Final = "check-gaps"
COMMAND: Final = "python -m evals.check"


@dataclass(frozen=True)
class RunInfo:
    seed: int
    pairs_per_kind: int
    scanned_share: float
    extraction_model: str
    ranker_sha256: str
    seconds: float


@dataclass(frozen=True)
class Counts:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, expected: frozenset[Gap], found: frozenset[Gap], code: str) -> "Counts":
        wanted = {gap for gap in expected if gap[0] == code}
        got = {gap for gap in found if gap[0] == code}
        return Counts(
            self.true_positives + len(wanted & got),
            self.false_positives + len(got - wanted),
            self.false_negatives + len(wanted - got),
        )

    def scores(self) -> dict[str, Any]:
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        return asdict(self) | {
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        }


def per_code(outcomes: Sequence[Outcome], *, from_truth: bool) -> dict[str, dict[str, Any]]:
    """Precision and recall of each code that was seeded or reported, over every pair."""
    found_of = [outcome.found_from_truth if from_truth else outcome.found for outcome in outcomes]
    codes = sorted(
        {code for outcome in outcomes for code, _ in outcome.pair.expected}
        | {code for found in found_of for code, _ in found}
    )
    table = {}
    for code in codes:
        counts = Counts()
        for outcome, found in zip(outcomes, found_of, strict=True):
            counts = counts.add(outcome.pair.expected, found, code)
        table[code] = counts.scores()
    return table


def _seeded_summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    expected = sum(len(outcome.pair.expected) for outcome in outcomes)
    found = sum(len(outcome.pair.expected & outcome.found) for outcome in outcomes)
    from_truth = sum(len(outcome.pair.expected & outcome.found_from_truth) for outcome in outcomes)
    return {
        "pairs": len(outcomes),
        "gaps": expected,
        "found": found,
        "recall": round(found / expected, 4) if expected else None,
        "found_from_truth": from_truth,
        "recall_from_truth": round(from_truth / expected, 4) if expected else None,
    }


def _agreeing_summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    agreeing = [outcome for outcome in outcomes if outcome.pair.kind in AGREEING_KINDS]
    return {
        "pairs": len(agreeing),
        "pairs_without_exceptions": sum(not outcome.found for outcome in agreeing),
        "false_positives": sum(len(outcome.found) for outcome in agreeing),
        "false_positives_by_code": dict(sorted(Counter(g[0] for o in agreeing for g in o.found).items())),
        "pairs_without_exceptions_from_truth": sum(not outcome.found_from_truth for outcome in agreeing),
    }


def _per_kind(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    table = {}
    for kind in KINDS:
        of_kind = [outcome for outcome in outcomes if outcome.pair.kind == kind]
        table[kind] = {
            "side": KINDS[kind].side,
            "pairs": len(of_kind),
            "seeded_gaps": sum(len(o.pair.expected) for o in of_kind),
            "found": sum(len(o.pair.expected & o.found) for o in of_kind),
            "unexpected": sum(len(o.unexpected) for o in of_kind),
            "pairs_exactly_right": sum(o.found == o.pair.expected for o in of_kind),
            "pairs_exactly_right_from_truth": sum(o.found_from_truth == o.pair.expected for o in of_kind),
        }
    return table


def _by_layout(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    layouts = {"text": [o for o in outcomes if not o.pair.scanned_pages]}
    layouts["scanned"] = [o for o in outcomes if o.pair.scanned_pages]
    return {
        name: _seeded_summary(group) | {"unexpected": sum(len(o.unexpected) for o in group)}
        for name, group in layouts.items()
    }


def _causes(outcomes: Sequence[Outcome]) -> dict[str, dict[str, int]]:
    return {
        "misses": dict(Counter(f.cause for o in outcomes for f in o.misses)),
        "unexpected": dict(Counter(f.cause for o in outcomes for f in o.unexpected)),
    }


def _pair_detail(outcome: Outcome) -> dict[str, Any]:
    pair = outcome.pair
    return {
        "pair_id": pair.pair_id,
        "kind": pair.kind,
        "seeded": pair.seeded,
        "scanned_pages": list(pair.scanned_pages),
        "expected": [list(gap) for gap in sorted(pair.expected)],
        "found": [list(gap) for gap in sorted(outcome.found)],
        "misses": [asdict(finding) for finding in outcome.misses],
        "unexpected": [asdict(finding) for finding in outcome.unexpected],
        "truth_differs": [list(gap) for gap in sorted(outcome.found_from_truth ^ pair.expected)],
    }


def results(outcomes: Sequence[Outcome], info: RunInfo) -> dict[str, Any]:
    return {
        "command": COMMAND,
        "run": asdict(info),
        "seeded": _seeded_summary([o for o in outcomes if o.pair.expected]),
        "agreeing": _agreeing_summary(outcomes),
        "per_code": per_code(outcomes, from_truth=False),
        "per_code_from_truth": per_code(outcomes, from_truth=True),
        "per_kind": _per_kind(outcomes),
        "by_layout": _by_layout(outcomes),
        "causes": _causes(outcomes),
        "pairs": [_pair_detail(outcome) for outcome in outcomes],
    }


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _code_rows(summary: dict[str, Any]) -> list[str]:
    rows = [
        "| code | seeded | found | missed | unexpected | precision | recall | precision, recall from truth |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    truth = summary["per_code_from_truth"]
    for code, row in summary["per_code"].items():
        seeded = row["true_positives"] + row["false_negatives"]
        other = truth.get(code, {"precision": None, "recall": None})
        rows.append(
            f"| {code} | {seeded} | {row['true_positives']} | {row['false_negatives']} "
            f"| {row['false_positives']} | {_score(row['precision'])} | {_score(row['recall'])} "
            f"| {_score(other['precision'])}, {_score(other['recall'])} |"
        )
    return rows


def _kind_rows(summary: dict[str, Any]) -> list[str]:
    rows = [
        "| seeded discrepancy | side | pairs | seeded gaps | found | unexpected | pairs exactly right "
        "(from truth) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for kind, row in summary["per_kind"].items():
        rows.append(
            f"| {kind} | {row['side']} | {row['pairs']} | {row['seeded_gaps']} | {row['found']} "
            f"| {row['unexpected']} | {row['pairs_exactly_right']} "
            f"({row['pairs_exactly_right_from_truth']}) |"
        )
    return rows


def _finding_rows(pairs: Iterable[dict[str, Any]]) -> list[str]:
    rows = ["| pair | seeded | scanned pages | gap | kind | cause | misread (extracted → truth) |"]
    rows.append("|---|---|---|---|---|---|---|")
    for pair in pairs:
        for label, findings in (("missed", pair["misses"]), ("unexpected", pair["unexpected"])):
            for finding in findings:
                misread = "; ".join(
                    f"{name}: {json.dumps(values['extracted'])} → {json.dumps(values['truth'])}"
                    for name, values in finding["misread"].items()
                )
                rows.append(
                    f"| {pair['pair_id']} | {pair['seeded']} | {pair['scanned_pages'] or ''} "
                    f"| {finding['code']} {finding['field']} | {label} | {finding['cause']} | {misread} |"
                )
    return rows if len(rows) > 2 else ["None."]


def markdown(summary: dict[str, Any]) -> str:
    run, seeded, agreeing = summary["run"], summary["seeded"], summary["agreeing"]
    layouts = summary["by_layout"]
    lines = [
        "# `handoff check` on seeded SOW + CRM pairs",
        "",
        f"Re-run: `{summary['command']}`. How the pairs are built and scored: evals/check/README.md.",
        "",
        f"{run['pairs_per_kind']} pairs per discrepancy (seed {run['seed']}), {run['scanned_share']:.0%} of "
        f"them with scanned pages read by OCR; extraction `{run['extraction_model']}`, ranker sha256 "
        f"`{run['ranker_sha256'][:12]}…`; {run['seconds']} s. Pipeline: parse → offline extraction → "
        "find_gaps → rank, as `handoff check` runs it. *From truth*: the same triage on the generator's "
        "truth values, a perfect extraction — triage measured alone.",
        "",
        f"- Seeded gaps found: **{seeded['found']} of {seeded['gaps']}** "
        f"(recall {_score(seeded['recall'])}); from truth {seeded['found_from_truth']} of {seeded['gaps']}.",
        f"- Agreeing pairs (clean, amount within 0.5 %, name variant) without any exception: "
        f"**{agreeing['pairs_without_exceptions']} of {agreeing['pairs']}** "
        f"({agreeing['false_positives']} exceptions: {agreeing['false_positives_by_code'] or 'none'}); "
        f"from truth {agreeing['pairs_without_exceptions_from_truth']} of {agreeing['pairs']}.",
        f"- Text PDFs: {layouts['text']['found']} of {layouts['text']['gaps']} seeded gaps found, "
        f"{layouts['text']['unexpected']} unexpected; scanned pages: {layouts['scanned']['found']} of "
        f"{layouts['scanned']['gaps']}, {layouts['scanned']['unexpected']} unexpected.",
        f"- Causes of misses: {summary['causes']['misses'] or 'none'}; of unexpected exceptions: "
        f"{summary['causes']['unexpected'] or 'none'}.",
        "",
        "## Per code (every pair)",
        "",
        *_code_rows(summary),
        "",
        "## Per seeded discrepancy",
        "",
        *_kind_rows(summary),
        "",
        "## Every miss and unexpected exception of the pipeline",
        "",
        *_finding_rows(summary["pairs"]),
        "",
        "Ranking quality (NDCG@10 of the ranker against sort-by-amount): evals/results/triage-ranking.md.",
        "",
    ]
    return "\n".join(lines)


def write_results(summary: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    return write_json_and_markdown(summary, markdown(summary), directory, RESULTS_NAME)
