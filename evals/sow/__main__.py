"""python -m evals.sow --out DIR --count N --seed S: write DIR/<id>.pdf and DIR/<id>.truth.json pairs."""

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from evals.sow.generator import generate_spec
from evals.sow.render import render_document
from evals.sow.truth import truth

# Which pages a scanned document has rasterised: the wet-ink signature page is the common case.
_SCAN_PATTERNS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("signature_page", (-1,)),
    ("first_page", (1,)),
    ("cover_and_signature", (1, -1)),
    ("whole_document", ()),
)


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evals.sow", description=__doc__)
    parser.add_argument(
        "--out", type=Path, required=True, help="directory to write into (created if missing)"
    )
    parser.add_argument("--count", type=int, default=10, help="number of documents (seeds S .. S+N-1)")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument(
        "--scanned-share", type=float, default=0.0, help="share of documents with scanned pages (0..1)"
    )
    arguments = parser.parse_args(argv)
    if arguments.count < 0 or not 0.0 <= arguments.scanned_share <= 1.0:
        parser.error("--count must be >= 0 and --scanned-share within 0..1")
    return arguments


def write_document(out: Path, seed: int, scanned_share: float) -> Path:
    spec = generate_spec(seed)
    chooser = random.Random(f"{seed}-cli-scan")  # noqa: S311 - reproducible choice, not security
    scanned: tuple[int, ...] = ()
    if chooser.random() < scanned_share:
        _, scanned = chooser.choice(_SCAN_PATTERNS)
        if not scanned:
            scanned = tuple(range(1, render_document(spec).page_count + 1))
    rendered = render_document(spec, scanned_pages=scanned)
    pdf_path = out / f"{spec.doc_id}.pdf"
    pdf_path.write_bytes(rendered.data)
    record = truth(spec) | {
        "_render": {"pages": rendered.page_count, "scanned_pages": list(rendered.scanned_pages)}
    }
    truth_path = out / f"{spec.doc_id}.truth.json"
    truth_path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return pdf_path


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    arguments.out.mkdir(parents=True, exist_ok=True)
    for seed in range(arguments.seed, arguments.seed + arguments.count):
        write_document(arguments.out, seed, arguments.scanned_share)
    print(f"wrote {arguments.count} documents to {arguments.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
