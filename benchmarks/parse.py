"""Parse benchmark: pages per second of handoff's PDF intake against raw pypdf and raw pypdfium2 on the
same born-digital SOW PDFs, and seconds per page of OCR on scanned pages.

    .venv/bin/python benchmarks/parse.py            # writes benchmarks/results/parse.json and parse.md

The documents come from the seeded generator (evals.sow), so every run reads the same bytes. Each method
runs once untimed (imports, disk cache, PDFium start-up), then `--runs` times; the median is reported.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
from bench_env import machine_facts
from pypdf import PdfReader

from evals.sow import generate_spec, render_document
from intake.parse import parse
from intake.settings import IntakeSettings

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PACKAGES = ("handoff", "pypdf", "pypdfium2", "reportlab", "pillow", "pydantic", "typer")
# a six-page document whose scanned pages include the dense two-column general terms
OCR_SEED = 1
OCR_PAGES = 6


@dataclass(frozen=True)
class Measurement:
    name: str
    timed: str
    pages: int
    runs_s: list[float]
    workers: int | None = None

    @property
    def median_s(self) -> float:
        return statistics.median(self.runs_s)

    def summary(self) -> dict[str, object]:
        return asdict(self) | {
            "median_s": round(self.median_s, 4),
            "pages_per_s": round(self.pages / self.median_s, 1),
            "s_per_page": round(self.median_s / self.pages, 4),
        }


def timed_runs(work: Callable[[], None], runs: int, *, warm_up: bool = True) -> list[float]:
    if warm_up:
        work()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    return seconds


def write_documents(directory: Path, count: int) -> int:
    """Born-digital SOW PDFs for seeds 0..count-1; returns their total page count."""
    pages = 0
    for seed in range(count):
        rendered = render_document(generate_spec(seed))
        (directory / f"sow-{seed:05d}.pdf").write_bytes(rendered.data)
        pages += rendered.page_count
    return pages


def handoff_in_process(files: Sequence[Path]) -> Callable[[], None]:
    settings = IntakeSettings()

    def work() -> None:
        for file in files:
            parse(file.read_bytes(), file.name, settings)

    return work


def handoff_cli(documents: Path, scratch: Path) -> Callable[[], None]:
    """`handoff parse DIR --out OUT` as a user runs it: a new interpreter, imports, JSON files written."""
    command = str(Path(sys.executable).with_name("handoff"))

    def work() -> None:
        out = Path(tempfile.mkdtemp(dir=scratch))
        subprocess.run([command, "parse", str(documents), "--out", str(out)], check=True, capture_output=True)
        shutil.rmtree(out)

    return work


def pypdf_text(files: Sequence[Path]) -> Callable[[], None]:
    def work() -> None:
        for file in files:
            reader = PdfReader(file)
            for page in reader.pages:
                page.extract_text()

    return work


def pypdfium2_text(files: Sequence[Path]) -> Callable[[], None]:
    """The call intake makes per page, without its structure checks, normalisation and records."""

    def work() -> None:
        for file in files:
            document = pdfium.PdfDocument(file)
            try:
                for index in range(len(document)):
                    page = document[index]
                    page.get_textpage().get_text_bounded()
                    page.close()
            finally:
                document.close()

    return work


def parse_benchmarks(directory: Path, pages: int, runs: int) -> list[Measurement]:
    files = sorted(directory.glob("*.pdf"))
    scratch = Path(tempfile.mkdtemp(dir=directory.parent))
    methods = [
        (
            "handoff parse (in-process)",
            "intake.parse.parse(bytes), file read included",
            handoff_in_process(files),
        ),
        (
            "handoff parse DIR --out (CLI)",
            "new interpreter, imports, parse, JSON written",
            handoff_cli(directory, scratch),
        ),
        ("pypdf extract_text", "PdfReader(path).pages[i].extract_text()", pypdf_text(files)),
        (
            "pypdfium2 get_text_bounded",
            "PdfDocument(path)[i].get_textpage().get_text_bounded()",
            pypdfium2_text(files),
        ),
    ]
    return [Measurement(name, timed, pages, timed_runs(work, runs)) for name, timed, work in methods]


def ocr_benchmarks(runs: int) -> list[Measurement]:
    """OCR of six scanned pages: one tesseract at a time (cost per page), then one per core (throughput)."""
    rendered = render_document(generate_spec(OCR_SEED), scanned_pages=range(1, OCR_PAGES + 1))
    nproc = len(os.sched_getaffinity(0))
    measurements = []
    for workers in sorted({1, nproc}):
        settings = IntakeSettings(ocr_workers=workers)

        def work(settings: IntakeSettings = settings) -> None:
            document = parse(rendered.data, "scanned.pdf", settings)
            if document.ocr_pages != rendered.scanned_pages:  # a timing without OCR would mean nothing
                raise RuntimeError(f"OCR read pages {document.ocr_pages}, not {rendered.scanned_pages}")

        timed = f"parse() of a {OCR_PAGES}-page scan at {settings.ocr_dpi} dpi: render + tesseract"
        seconds = timed_runs(work, runs, warm_up=False)
        measurements.append(Measurement(f"OCR, {workers} worker(s)", timed, OCR_PAGES, seconds, workers))
    return measurements


def machine() -> dict[str, object]:
    tesseract = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return machine_facts(PACKAGES) | {
        "tesseract": (tesseract.stdout or tesseract.stderr).splitlines()[0],
        "pdfium": str(pdfium.PDFIUM_INFO),
    }


def markdown(header: str, parse_rows: list[Measurement], ocr_rows: list[Measurement], footer: str) -> str:
    lines = [
        "# Parse benchmark",
        "",
        header,
        "",
        "| method | timed | pages | median s | pages/s |",
        "|---|---|---:|---:|---:|",
        *(
            f"| {m.name} | {m.timed} | {m.pages} | {m.median_s:.3f} | {m.pages / m.median_s:,.1f} |"
            for m in parse_rows
        ),
        "",
        "| OCR | timed | pages | median s | s/page |",
        "|---|---|---:|---:|---:|",
        *(
            f"| {m.name} | {m.timed} | {m.pages} | {m.median_s:.2f} | {m.median_s / m.pages:.2f} |"
            for m in ocr_rows
        ),
        "",
        footer,
    ]
    return "\n".join(lines) + "\n"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="benchmarks/parse.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=40, help="generated SOW PDFs (seeds 0..N-1)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per text method")
    parser.add_argument("--ocr-runs", type=int, default=3, help="timed runs per OCR setting")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where parse.json/.md go")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="handoff-bench-") as temporary:
        documents = Path(temporary) / "documents"
        documents.mkdir()
        pages = write_documents(documents, arguments.documents)
        parse_rows = parse_benchmarks(documents, pages, arguments.runs)
    ocr_rows = ocr_benchmarks(arguments.ocr_runs)
    info = machine()
    results: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "corpus": f"{arguments.documents} born-digital evals.sow PDFs (seeds 0-{arguments.documents - 1}), "
        f"{pages} pages",
        "runs": arguments.runs,
        "ocr_runs": arguments.ocr_runs,
        "parse": [m.summary() for m in parse_rows],
        "ocr": [m.summary() for m in ocr_rows],
    }
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "parse.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    header = (
        f"{results['date']} · {info['cpu']}, {info['nproc']} CPUs · Python {info['python']} · "
        f"{info['tesseract']} · {results['corpus']}"
    )
    footer = (
        f"Median of {arguments.runs} runs (OCR: {arguments.ocr_runs}). "
        "Re-run: `.venv/bin/python benchmarks/parse.py` (see benchmarks/README.md)."
    )
    table = markdown(header, parse_rows, ocr_rows, footer)
    (arguments.results / "parse.md").write_text(table, encoding="utf-8")
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
