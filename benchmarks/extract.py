"""Extraction benchmark: seconds per document of the offline engine (`extraction.engine.extract`) on the
longest born-digital SOWs of the seeded generator, after warm-up, in one process pinned to one core; parse
time measured separately. Also the longest generated document and the 52-page CUAD contract 014.

Warm-up loads MiniLM once (its seconds are reported apart). Each timed extraction first makes the section
classifier forget the headings it has seen, so every heading of the document is embedded again, as for a
document whose headings the process has never met; the time with the headings already known is shown beside.

    .venv/bin/python benchmarks/extract.py          # writes benchmarks/results/extract.json and extract.md

The generator writes 5-8 pages (no 10-page SOW), so the table gives seconds per page as well, and the
52-page real contract shows how the time grows with length.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from bench_env import machine_facts

from evals.extraction.documents import document_file
from evals.sow import generate_spec, render_document
from extraction.engine import MODEL, extract
from extraction.sections import default_classifier
from extraction.settings import ExtractionSettings
from intake.parse import parse
from intake.settings import IntakeSettings
from models.document import ParsedDocument

RESULTS_DIR: Final = Path(__file__).resolve().parent / "results"
CORPUS: Final = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LONG_CONTRACT: Final = "014-cuad-service-reynolds"
PACKAGES: Final = ("handoff", "pypdfium2", "pydantic", "rapidfuzz", "torch", "sentence-transformers")
TARGET_PAGES: Final = 10


@dataclass(frozen=True)
class Document:
    name: str
    data: bytes


@dataclass(frozen=True)
class Timing:
    """Per-document medians over the timed runs of one document."""

    name: str
    pages: int
    parse_s: float
    extract_s: float
    extract_known_headings_s: float


def longest_generated(candidates: int, count: int) -> list[Document]:
    """The `count` longest born-digital documents among seeds 0..candidates-1 (ties: lower seed)."""
    rendered = [(seed, render_document(generate_spec(seed))) for seed in range(candidates)]
    rendered.sort(key=lambda item: (-item[1].page_count, item[0]))
    return [Document(f"sow-{seed:05d}.pdf", result.data) for seed, result in rendered[:count]]


def _median_of_runs(work: Callable[[], object], runs: int) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def time_document(document: Document, runs: int, settings: IntakeSettings) -> Timing:
    """One untimed parse + extract (warm-up), then the median of `runs` of each."""
    parsed: ParsedDocument = parse(document.data, document.name, settings)
    extract(parsed)
    parse_s = _median_of_runs(lambda: parse(document.data, document.name, settings), runs)
    extract_s = _median_of_runs(lambda: _with_new_headings(parsed), runs)
    known_s = _median_of_runs(lambda: extract(parsed), runs)
    return Timing(document.name, len(parsed.pages), parse_s, extract_s, known_s)


def _with_new_headings(parsed: ParsedDocument) -> None:
    default_classifier().forget()
    extract(parsed)


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between the closest ranks."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def stage(seconds: Sequence[float], pages: int) -> dict[str, float]:
    """Median and p95 seconds per document, seconds per page and pages per second over all documents."""
    return {
        "median_s": round(statistics.median(seconds), 4),
        "p95_s": round(percentile(seconds, 0.95), 4),
        "s_per_page": round(sum(seconds) / pages, 5),
        "pages_per_s": round(pages / sum(seconds), 1),
    }


def distribution(timings: Sequence[Timing]) -> dict[str, Any]:
    pages = sum(timing.pages for timing in timings)
    extract_s = [timing.extract_s for timing in timings]
    stages = {
        "extract": stage(extract_s, pages),
        "extract_known_headings": stage([timing.extract_known_headings_s for timing in timings], pages),
        "parse": stage([timing.parse_s for timing in timings], pages),
        "parse_and_extract": stage([timing.parse_s + timing.extract_s for timing in timings], pages),
    }
    return {
        "documents": len(timings),
        "pages": sorted({timing.pages for timing in timings}),
        **stages,
        "extract_s_for_target_pages_estimated": round(sum(extract_s) / pages * TARGET_PAGES, 4),
    }


def single(timing: Timing) -> dict[str, Any]:
    return {
        "document": timing.name,
        "pages": timing.pages,
        "extract_median_s": round(timing.extract_s, 4),
        "extract_known_headings_median_s": round(timing.extract_known_headings_s, 4),
        "parse_median_s": round(timing.parse_s, 4),
        "extract_s_per_page": round(timing.extract_s / timing.pages, 5),
    }


def pin_to_one_core() -> int:
    """Run on one core, as the speed target is stated; returns the core."""
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def machine(core: int, load_average: float) -> dict[str, object]:
    return machine_facts(PACKAGES) | {
        "nproc": os.cpu_count(),
        "pinned_core": core,
        "load_average_1m_at_start": round(load_average, 2),
    }


def markdown(results: dict[str, Any]) -> str:
    info, generated = results["machine"], results["generated"]
    singles = [results["longest_generated"], results["long_contract"]]
    lines = [
        "# Extraction benchmark (offline engine)",
        "",
        f"{results['date']} · {info['cpu']}, one process pinned to core {info['pinned_core']} of "
        f"{info['nproc']} · Python {info['python']} · `{results['extraction_model']}` · date chooser "
        f"{results.get('date_chooser', 'rules')} · load average "
        f"{info['load_average_1m_at_start']} at start",
        "",
        f"{generated['documents']} born-digital evals.sow SOWs, the longest of seeds 0–"
        f"{results['candidates'] - 1} ({generated['pages']} pages; the generator writes 5–8). Each document "
        f"is parsed and extracted once untimed, then {results['runs']} times each; a document's time is "
        "its median, the table gives the median and p95 over documents.",
        "",
        "| timed | median s/doc | p95 s/doc | s/page | pages/s |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {label} | {row['median_s']:.4f} | {row['p95_s']:.4f} | {row['s_per_page']:.4f} "
            f"| {row['pages_per_s']:,.1f} |"
            for label, row in (
                ("extract (`extraction.engine.extract`)", generated["extract"]),
                ("extract, headings already embedded", generated["extract_known_headings"]),
                ("parse (`intake.parse.parse`)", generated["parse"]),
                ("parse + extract", generated["parse_and_extract"]),
            )
        ),
        "",
        f"A {TARGET_PAGES}-page SOW at the extract rate (s/page × {TARGET_PAGES}): "
        f"**{generated['extract_s_for_target_pages_estimated']:.3f} s**. Single documents:",
        "",
        "| document | pages | extract median s | s/page | known headings s | parse median s |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {row['document']} | {row['pages']} | {row['extract_median_s']:.4f} "
            f"| {row['extract_s_per_page']:.4f} | {row['extract_known_headings_median_s']:.4f} "
            f"| {row['parse_median_s']:.4f} |"
            for row in singles
        ),
        "",
        f"Warm-up: importing torch/sentence-transformers and loading MiniLM took "
        f"{results['model_load_s']:.2f} s once per process (not in the times above).",
        "",
        "Re-run: `"
        + ("HANDOFF_DATE_CHOOSER=learned " if results.get("date_chooser") == "learned" else "")
        + ".venv/bin/python benchmarks/extract.py"
        + (" --results benchmarks/results/date-chooser" if results.get("date_chooser") == "learned" else "")
        + "` (about a minute).",
    ]
    return "\n".join(lines) + "\n"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/extract.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=30, help="generated SOWs timed")
    parser.add_argument("--candidates", type=int, default=120, help="seeds 0..N-1 to pick the longest from")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per document")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the real-document corpus folder")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where extract.json/.md go")
    arguments = parser.parse_args(argv)
    if not 1 <= arguments.documents <= arguments.candidates or arguments.runs < 1:
        parser.error("need 1 ≤ --documents ≤ --candidates and --runs ≥ 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    load_average, core = os.getloadavg()[0], pin_to_one_core()
    settings = IntakeSettings()
    started = time.perf_counter()
    default_classifier()
    model_load_s = time.perf_counter() - started
    documents = longest_generated(arguments.candidates, arguments.documents)
    timings = [time_document(document, arguments.runs, settings) for document in documents]
    contract = document_file(arguments.corpus / LONG_CONTRACT)
    named = Document(f"{LONG_CONTRACT}.pdf", contract.read_bytes())
    long_contract = time_document(named, arguments.runs, settings)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(core, load_average),
        "extraction_model": MODEL,
        "date_chooser": ExtractionSettings().date_chooser,
        "candidates": arguments.candidates,
        "runs": arguments.runs,
        "model_load_s": round(model_load_s, 2),
        "generated": distribution(timings),
        "longest_generated": single(timings[0]),  # documents come longest first
        "long_contract": single(long_contract),
        "per_document": [single(timing) for timing in timings],
    }
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "extract.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = markdown(results)
    (arguments.results / "extract.md").write_text(table, encoding="utf-8")
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
