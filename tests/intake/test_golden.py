"""Golden files of parsing (docling's approach): each document is built at test time from code, parsed,
and its ParsedDocument compared with tests/intake/golden/<case>.json.

The golden file is the ParsedDocument as JSON with the volatile parts left out: warning messages (they
quote library errors) and, where the input's bytes do not repeat run to run, sha256 and size. The text is
stored as a list of lines so that a changed golden file reviews as a line diff. Born-digital pages must
match exactly; an OCR'd page must reach a rapidfuzz ratio of 95, since tesseract builds differ a little.

After an intended change: `pytest tests/intake/test_golden.py --update-golden`, then review `git diff`.
"""

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from evals.sow import generate_spec, render_pdf
from intake.parse import parse
from intake.settings import IntakeSettings
from models.document import ParsedDocument
from tests.intake.docx_factory import contract_docx

GOLDEN_DIR = Path(__file__).parent / "golden"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
OCR_MIN_RATIO = 95.0
UPDATE_HINT = (
    "If the change is intended, run `pytest tests/intake/test_golden.py --update-golden` "
    "and review the diff of tests/intake/golden/ before committing it."
)
_DIFF_LINES = 60

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class GoldenCase:
    name: str
    filename: str
    build: Callable[[], bytes]
    # sha256 and size_bytes are compared only when the builder writes the same bytes on every run
    bytes_repeat: bool = True


def sow(seed: int, document_type: str, billing_model: str, scanned: frozenset[int] = frozenset()) -> bytes:
    spec = generate_spec(seed, document_type=document_type, billing_model=billing_model)
    return render_pdf(spec, scanned_pages=scanned)


def corpus_markdown() -> bytes:
    return (
        CORPUS / "059-filecoin-rfp-filscan-maintenance" / "filscan-maintenance-testnet-support.md"
    ).read_bytes()


CASES = [
    GoldenCase("sow-milestone", "sow-00003.pdf", lambda: sow(3, "sow", "milestone")),
    GoldenCase(
        "change-order-time-and-materials",
        "sow-00034.pdf",
        lambda: sow(34, "change_order", "time_and_materials"),
    ),
    GoldenCase("proposal-fixed-fee", "sow-00010.pdf", lambda: sow(10, "proposal", "fixed_fee")),
    # python-docx stamps the save time into the zip entries; zlib builds may deflate to other sizes
    GoldenCase("docx-contract", "contract.docx", contract_docx, bytes_repeat=False),
    GoldenCase("markdown-corpus", "filscan-maintenance-testnet-support.md", corpus_markdown),
]
# The scan's bytes come from PDFium's rasteriser, PIL's resampling and the JPEG encoder: they repeat run
# to run, but like tesseract's reading of them they may change with another build of those libraries.
SCANNED_CASE = GoldenCase(
    "sow-mixed-scanned-signature-page",
    "sow-00009.pdf",
    lambda: sow(9, "sow", "mixed", scanned=frozenset({-1})),
    bytes_repeat=False,
)


def snapshot(document: ParsedDocument, *, bytes_repeat: bool) -> Snapshot:
    """The golden form of a ParsedDocument: its JSON without volatile fields, the text as lines."""
    identity = {"sha256": document.sha256, "size_bytes": document.size_bytes} if bytes_repeat else {}
    return {
        "filename": document.filename,
        "media_type": document.media_type,
        **identity,
        "parser": document.parser,
        "status": document.status.value,
        "ocr_pages": list(document.ocr_pages),
        "warnings": [{"code": warning.code, "page": warning.page} for warning in document.warnings],
        "pages": [page.model_dump(exclude={"text"}) for page in document.pages],
        "text_lines": document.text.split("\n"),
    }


def _page_texts_and_gaps(golden: Snapshot) -> tuple[list[str], list[str]]:
    """Each page's text, and the text around and between pages (the page separators)."""
    text = "\n".join(golden["text_lines"])
    bounds = [(page["char_start"], page["char_end"]) for page in golden["pages"]]
    ends = [0] + [end for _, end in bounds]
    starts = [start for start, _ in bounds] + [len(text)]
    gaps = [text[end:start] for end, start in zip(ends, starts, strict=True)]
    return [text[start:end] for start, end in bounds], gaps


def _without_text(golden: Snapshot) -> Snapshot:
    pages = [
        {key: value for key, value in page.items() if not key.startswith("char_")} for page in golden["pages"]
    ]
    return {key: value for key, value in golden.items() if key != "text_lines"} | {"pages": pages}


def mismatches(actual: Snapshot, golden: Snapshot) -> list[str]:
    """What differs between a parse and its golden file, allowing small OCR differences."""
    if actual == golden:
        return []
    if actual.get("sha256") != golden.get("sha256"):
        return ["the input's bytes changed (generator, reportlab or the factory): its sha256 differs"]
    if _without_text(actual) != _without_text(golden):
        return ["fields other than the text differ"]
    ocr_pages = set(golden["ocr_pages"])
    actual_pages, actual_gaps = _page_texts_and_gaps(actual)
    golden_pages, golden_gaps = _page_texts_and_gaps(golden)
    problems = [] if actual_gaps == golden_gaps else ["the text between pages differs"]
    for number, (read, expected) in enumerate(zip(actual_pages, golden_pages, strict=True), start=1):
        if number not in ocr_pages and read != expected:
            problems.append(f"page {number} (born-digital) text differs")
        elif number in ocr_pages and (ratio := fuzz.ratio(read, expected)) < OCR_MIN_RATIO:
            problems.append(
                f"page {number} (OCR) reads {ratio:.1f}% like the golden text (< {OCR_MIN_RATIO:g})"
            )
    return problems


def dumped(golden: Snapshot) -> str:
    return json.dumps(golden, indent=2, ensure_ascii=False) + "\n"


def failure_report(path: Path, problems: list[str], actual: Snapshot, golden: Snapshot) -> str:
    diff = list(
        difflib.unified_diff(
            dumped(golden).splitlines(),
            dumped(actual).splitlines(),
            fromfile=f"{path.name} (golden)",
            tofile=f"{path.name} (parsed now)",
            lineterm="",
        )
    )
    shown = diff[:_DIFF_LINES] + (
        [f"... {len(diff) - _DIFF_LINES} more diff lines"] if len(diff) > _DIFF_LINES else []
    )
    return "\n".join([f"{path} does not match the parser output:", *problems, UPDATE_HINT, *shown])


def check_golden(case: GoldenCase, update: bool) -> None:
    document = parse(case.build(), case.filename, IntakeSettings())
    actual = snapshot(document, bytes_repeat=case.bytes_repeat)
    path = GOLDEN_DIR / f"{case.name}.json"
    if update:
        if not path.exists() or path.read_text(encoding="utf-8") != dumped(actual):
            GOLDEN_DIR.mkdir(exist_ok=True)
            path.write_text(dumped(actual), encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path} is missing. {UPDATE_HINT}", pytrace=False)
    golden = json.loads(path.read_text(encoding="utf-8"))
    problems = mismatches(actual, golden)
    if problems:
        pytest.fail(failure_report(path, problems, actual, golden), pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_parse_matches_golden(case: GoldenCase, update_golden: bool) -> None:
    check_golden(case, update_golden)


@pytest.mark.slow
def test_scanned_page_parse_matches_golden(update_golden: bool) -> None:
    check_golden(SCANNED_CASE, update_golden)


# --- the comparison itself --------------------------------------------------------------------------------


def _two_page_snapshot(first: str, second: str, ocr_pages: tuple[int, ...]) -> Snapshot:
    separator = "\n\f\n"
    pages = [
        {"number": 1, "char_start": 0, "char_end": len(first), "ocr": 1 in ocr_pages},
        {"number": 2, "char_start": len(first) + len(separator), "ocr": 2 in ocr_pages},
    ]
    pages[1]["char_end"] = pages[1]["char_start"] + len(second)
    text = first + separator + second
    return {"sha256": "0" * 64, "ocr_pages": list(ocr_pages), "pages": pages, "text_lines": text.split("\n")}


SCANNED_TEXT = "Signed by Benjamin Dubois, General Counsel of Bluefin Media LLC, on July 25, 2024."


def test_an_ocr_page_may_read_slightly_differently() -> None:
    golden = _two_page_snapshot("Fees: USD 48,000.00", SCANNED_TEXT, ocr_pages=(2,))
    actual = _two_page_snapshot(
        "Fees: USD 48,000.00", SCANNED_TEXT.replace("Dubois", "Dub0is"), ocr_pages=(2,)
    )

    assert mismatches(actual, golden) == []


def test_an_ocr_page_that_reads_differently_fails() -> None:
    golden = _two_page_snapshot("Fees: USD 48,000.00", SCANNED_TEXT, ocr_pages=(2,))
    actual = _two_page_snapshot("Fees: USD 48,000.00", "Signed by B. Dubois on 25/07/2024.", ocr_pages=(2,))

    [problem] = mismatches(actual, golden)
    assert problem.startswith("page 2 (OCR) reads ")


def test_one_character_on_a_born_digital_page_fails() -> None:
    golden = _two_page_snapshot("Fees: USD 48,000.00", SCANNED_TEXT, ocr_pages=(2,))
    actual = _two_page_snapshot("Fees: USD 48,000.01", SCANNED_TEXT, ocr_pages=(2,))

    assert mismatches(actual, golden) == ["page 1 (born-digital) text differs"]


def test_changed_input_bytes_are_named_as_the_cause() -> None:
    golden = _two_page_snapshot("Fees: USD 48,000.00", SCANNED_TEXT, ocr_pages=())
    actual = golden | {"sha256": "1" * 64}

    assert mismatches(actual, golden) == [
        "the input's bytes changed (generator, reportlab or the factory): its sha256 differs"
    ]
