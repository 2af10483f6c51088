"""Reliability sets: hostile or broken uploads, and documents that tell the extractor what to report.

Bad inputs go through `intake.service.ingest` with a real SQLite database and local storage in a temporary
folder: each must be refused with its stable error code, and afterwards the database holds no document row
and the storage no object. Injected documents (evals.sow.injection) are extracted next to the clean
document of the same seed: every extracted value must be the same, and none may be a planted one (that
the clean document does not also have).
"""

import io
import random
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select

from evals.extraction.evaluate import plain_values
from evals.sow import generate_spec, render_document, render_pdf
from evals.sow.injection import injection_of
from evals.sow.layouts import layout_spec
from extraction.engine import extract
from intake.errors import IntakeError
from intake.parse import parse
from intake.service import ingest
from intake.settings import MB, IntakeSettings
from intake.storage import LocalStorage
from models.db import make_engine, session_factory, upgrade_database
from models.orm import Document


@dataclass(frozen=True)
class BadInput:
    name: str
    kind: str  # corrupt, encrypted, empty, huge, wrong type, zero text
    make: Callable[[], bytes]
    expected_code: str


def _sow() -> bytes:
    return render_pdf(generate_spec(11))


def _encrypted() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(_sow()))
    secret = "user-secret"  # noqa: S105 - a test file's password, not a credential
    writer.encrypt(user_password=secret, owner_password=secret + "-owner", algorithm="AES-256")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _blank_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(612, 792)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _zeros_bomb() -> bytes:
    """One page whose content stream inflates 64 MB of zeros from about 64 kB (1000:1)."""
    deflated = zlib.compress(bytes(64 * MB), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(deflated) + deflated + b"\nendstream",
    ]
    body, offsets = b"%PDF-1.7\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, len(body))
    return body + xref + trailer


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(output, format="PNG")
    return output.getvalue()


def _zip_of_text() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return output.getvalue()


def _random_bytes(seed: int, prefix: bytes = b"") -> bytes:
    return prefix + random.Random(seed).randbytes(4096)  # noqa: S311 - reproducible junk, not security


BAD_INPUTS: Final = (
    BadInput("zero bytes", "empty", lambda: b"", "empty_file"),
    BadInput("whitespace only", "empty", lambda: b" \n\t\r\n ", "empty_file"),
    BadInput("truncated PDF", "corrupt", lambda: _sow()[: len(_sow()) // 2], "corrupt_file"),
    BadInput("garbage after %PDF-", "corrupt", lambda: _random_bytes(2, b"%PDF-1.7\n"), "corrupt_file"),
    BadInput("AES-256 user password", "encrypted", _encrypted, "encrypted_pdf"),
    BadInput("51 MB, over the 50 MB limit", "huge", lambda: _sow() + b"%" + bytes(51 * MB), "too_large"),
    BadInput("501 pages, over the 500-page limit", "huge", lambda: _blank_pages(501), "too_many_pages"),
    BadInput("64 MB of zeros at 1000:1", "huge", _zeros_bomb, "decompression_bomb"),
    BadInput("PNG image", "wrong type", _png, "unsupported_file"),
    BadInput("ZIP that is not DOCX", "wrong type", _zip_of_text, "unsupported_file"),
    BadInput("random bytes", "wrong type", lambda: _random_bytes(1), "unsupported_file"),
    BadInput("three blank pages", "zero text", lambda: _blank_pages(3), "no_text"),
)  # fmt: skip


def run_bad_inputs(cases: Sequence[BadInput] = BAD_INPUTS) -> dict[str, Any]:
    """Each case through `ingest` into a fresh SQLite database and storage folder."""
    with tempfile.TemporaryDirectory(prefix="handoff-bad-input-") as folder:
        root = Path(folder)
        url = f"sqlite:///{root / 'handoff.db'}"
        upgrade_database(url)
        engine = make_engine(url)
        sessions, storage = session_factory(engine), LocalStorage(root / "storage")
        rows = [_one_bad_input(case, sessions, storage) for case in cases]
        with sessions() as session:
            documents = session.scalar(select(func.count()).select_from(Document)) or 0
        objects = [path for path in (root / "storage").rglob("*") if path.is_file()]
        engine.dispose()
    right = sum(row["code"] == row["expected_code"] for row in rows)
    return {
        "files": len(rows),
        "right_code": right,
        "right_code_rate": round(right / len(rows), 4),
        "documents_stored": documents,
        "objects_stored": len(objects),
        "cases": rows,
    }


def _one_bad_input(case: BadInput, sessions: Any, storage: LocalStorage) -> dict[str, Any]:
    data = case.make()
    code = "accepted"
    try:
        with sessions() as session:
            ingest(data, "upload.pdf", session=session, storage=storage, settings=IntakeSettings())
    except IntakeError as error:
        code = error.code
    return {
        "name": case.name,
        "kind": case.kind,
        "bytes": len(data),
        "expected_code": case.expected_code,
        "code": code,
    }


def run_injections(seeds: Sequence[int], settings: IntakeSettings) -> dict[str, Any]:
    rows = [_one_injection(seed, settings) for seed in seeds]
    unchanged = sum(not row["changed_fields"] for row in rows)
    return {
        "documents": len(rows),
        "unchanged": unchanged,
        "unchanged_rate": round(unchanged / len(rows), 4) if rows else None,
        "planted_values_reported": sum(len(row["planted_values_reported"]) for row in rows),
        "cases": rows,
    }


def _one_injection(seed: int, settings: IntakeSettings) -> dict[str, Any]:
    clean_spec, injected_spec = generate_spec(seed), layout_spec(seed, "injected")
    clean = plain_values(extract(parse(render_document(clean_spec).data, "clean.pdf", settings)))
    injected = plain_values(extract(parse(render_document(injected_spec).data, "injected.pdf", settings)))
    targets = injection_of(injected_spec).targets
    return {
        "seed": seed,
        "injection": injection_of(injected_spec).name,
        "changed_fields": sorted(name for name in clean if clean[name] != injected.get(name)),
        # a planted value the clean document also has (a real retainer) is not the injection's doing
        "planted_values_reported": sorted(
            name for name, value in targets.items() if injected.get(name) == value != clean.get(name)
        ),
    }
