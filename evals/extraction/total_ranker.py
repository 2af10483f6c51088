"""python -m evals.extraction.total_ranker: the learned total chooser against the rule ranker.

On the held-out generated slice (the variants and seeds of `python -m evals.extraction`: born-digital
30000+, signature page scanned 31000+, every page scanned 32000+) and the corpus documents with a
truth.json, each document is parsed once and extracted with each ranker. Reported per ranker:
- total_contract_value and not_to_exceed accuracy of the record (the product's answer);
- top-1: over every amount candidate of a document whose true total is written as one amount, whether the
  highest-scored candidate is that amount (the chooser alone, before the rules narrow the pool).
Writes evals/results/total-ranker.{json,md}.
"""

import argparse
import json
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, cast

from evals.extraction.__main__ import DEFAULT_COUNTS
from evals.extraction.documents import FIRST_SEED, TRUTH_FILE, Variant, document_file, scanned_pages
from evals.extraction.evaluate import score_against_truth
from evals.extraction.scoring import Outcome
from evals.reporting import CORPUS, RESULTS_DIRECTORY, write_json_and_markdown
from evals.sow.generator import generate_spec
from evals.sow.render import render_document
from evals.sow.truth import truth
from extraction.engine import amounts_of, extract
from extraction.fields.amounts import RuleRanker, TotalRanker
from extraction.total_model import LearnedRanker, load_total_model
from intake.parse import parse
from intake.settings import IntakeSettings
from models.document import ParsedDocument

COMMAND: Final = "python -m evals.extraction.total_ranker"
RANKERS: Final = ("rule", "learned")
FIELDS: Final = ("total_contract_value", "not_to_exceed")


@dataclass(frozen=True)
class Job:
    source: str  # a generated variant (evals/extraction/documents.py VARIANTS) or "corpus_truth"
    seed: int = 0
    folder: Path | None = None


def _rankers() -> dict[str, TotalRanker]:
    return {"rule": RuleRanker(), "learned": LearnedRanker(load_total_model())}


def _document(job: Job) -> tuple[str, ParsedDocument, dict[str, Any]]:
    settings = IntakeSettings(ocr_workers=1)
    if job.folder is not None:
        path = document_file(job.folder)
        expected = json.loads((job.folder / TRUTH_FILE).read_text(encoding="utf-8"))
        return job.folder.name, parse(path.read_bytes(), path.name, settings), expected
    spec = generate_spec(job.seed)
    rendered = render_document(spec)
    if job.source != "born_digital":
        pages = scanned_pages(cast(Variant, job.source), rendered.page_count)
        rendered = render_document(spec, scanned_pages=pages)
    return spec.doc_id, parse(rendered.data, f"{spec.doc_id}.pdf", settings), truth(spec)


def run(job: Job) -> dict[str, Any]:
    """One document's outcomes under each ranker."""
    name, document, expected = _document(job)
    candidates, currency = amounts_of(document)
    total = expected.get("total_contract_value")
    written = total is not None and any(c.value == Decimal(str(total)) for c in candidates)
    row: dict[str, Any] = {"document": name, "source": job.source, "written_total": written}
    for ranker_name, ranker in _rankers().items():
        results, _ = score_against_truth(extract(document, ranker=ranker), expected)
        for result in results:
            if result.field in FIELDS:
                row[f"{ranker_name}.{result.field}"] = result.outcome is Outcome.correct
        if written and candidates:
            top = max(candidates, key=lambda c: (ranker.score(c, currency), -c.start))
            row[f"{ranker_name}.top1"] = top.value == Decimal(str(total))
    return row


def _jobs(counts: dict[Variant, int], corpus: Path | None) -> list[Job]:
    jobs = [
        Job(source, seed)
        for source, count in counts.items()
        for seed in range(FIRST_SEED[source], FIRST_SEED[source] + count)
    ]
    if corpus is not None:
        jobs += [Job("corpus_truth", folder=f.parent) for f in sorted(corpus.glob(f"*/{TRUTH_FILE}"))]
    return jobs


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for source in sorted({row["source"] for row in rows}):
        mine = [row for row in rows if row["source"] == source]
        part: dict[str, Any] = {"documents": len(mine)}
        for ranker in RANKERS:
            for metric in (*FIELDS, "top1"):
                scored = [row[f"{ranker}.{metric}"] for row in mine if f"{ranker}.{metric}" in row]
                part[f"{ranker}.{metric}"] = {
                    "correct": sum(scored),
                    "scored": len(scored),
                    "accuracy": round(sum(scored) / len(scored), 4) if scored else None,
                }
        summary[source] = part
    summary["disagreements"] = [
        row for row in rows if any(row.get(f"rule.{m}") != row.get(f"learned.{m}") for m in (*FIELDS, "top1"))
    ]
    return summary


def markdown(summary: dict[str, Any], run_info: dict[str, Any]) -> str:
    lines = [
        "# Total chooser: learned (logistic regression) against the rule ranker",
        "",
        f"Re-run: `{COMMAND}` · {run_info['date']} · {run_info['workers']} worker process(es). How: "
        "the module's docstring (evals/extraction/total_ranker.py); training: evals/extraction/train.py.",
        "",
        "| documents | n | metric | rule | learned |",
        "|---|---:|---|---:|---:|",
    ]
    for source, part in summary.items():
        if source == "disagreements":
            continue
        for metric in (*FIELDS, "top1"):
            rule, learned = part[f"rule.{metric}"], part[f"learned.{metric}"]
            lines.append(f"| {source} | {part['documents']} | {metric} | {_cell(rule)} | {_cell(learned)} |")
    lines += ["", "Documents where the two rankers disagree:", ""]
    lines += [
        f"- {row['document']} ({row['source']}): {_differences(row)}" for row in summary["disagreements"]
    ]
    if not summary["disagreements"]:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def _cell(tally: dict[str, Any]) -> str:
    if tally["accuracy"] is None:
        return "–"
    return f"{tally['accuracy']:.4f} ({tally['correct']}/{tally['scored']})"


def _differences(row: dict[str, Any]) -> str:
    parts = []
    for metric in (*FIELDS, "top1"):
        rule, learned = row.get(f"rule.{metric}"), row.get(f"learned.{metric}")
        if rule != learned:
            parts.append(f"{metric} rule {'✓' if rule else '✗'} learned {'✓' if learned else '✗'}")
    return ", ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__)
    for variant, count in DEFAULT_COUNTS.items():
        parser.add_argument(f"--{variant.replace('_', '-')}", type=int, default=count, metavar="N")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus folder ('' to skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--results", type=Path, default=RESULTS_DIRECTORY)
    arguments = parser.parse_args(argv)
    corpus = arguments.corpus if str(arguments.corpus) else None
    jobs = _jobs({variant: getattr(arguments, variant) for variant in DEFAULT_COUNTS}, corpus)
    with ProcessPoolExecutor(max_workers=arguments.workers) as pool:
        rows = list(pool.map(run, jobs, chunksize=2))
    run_info = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "workers": arguments.workers}
    summary = summarise(rows)
    paths = write_json_and_markdown(
        {"command": COMMAND, **run_info, **summary},
        markdown(summary, run_info),
        arguments.results,
        "total-ranker",
    )
    print(*(f"wrote {path}" for path in paths), sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
