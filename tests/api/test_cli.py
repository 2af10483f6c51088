import json
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz
from typer.testing import CliRunner

from api.cli import app
from evals.sow import generate_spec, render_pdf, truth
from models.document import ParsedDocument
from tests.intake.pdf_factory import encrypted

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("handoff 0.")


@pytest.mark.parametrize("name", ["record", "crm", "exception", "parsed"])
def test_schema_prints_json_schema(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert schema["properties"]


def test_record_schema_lists_every_spec_field() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    fields = schema["$defs"]["RecordFields"]["properties"]
    spec_fields = {
        "document_type", "contract_number", "project_name", "client_name", "provider_name", "effective_date",
        "start_date", "end_date", "currency", "total_contract_value", "billing_model", "payment_terms_days",
        "invoice_frequency", "not_to_exceed", "expenses", "expense_cap", "governing_law",
        "termination_notice_days", "auto_renewal", "signed", "signature_date",
    }  # fmt: skip
    assert spec_fields <= set(fields)
    for key in ("milestones", "rate_card", "deliverables", "assumptions", "out_of_scope", "subcontractors"):
        assert key in schema["properties"]


def test_unknown_schema_name_is_a_usage_error() -> None:
    result = runner.invoke(app, ["schema", "nope"])
    assert result.exit_code == 2


# --- handoff parse ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scanned_sow(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A generated SOW whose first page is an image-only scan."""
    spec = generate_spec(11)
    path = tmp_path_factory.mktemp("sow") / "scanned-sow.pdf"
    path.write_bytes(render_pdf(spec, scanned_pages={1}))
    return path, truth(spec)


@pytest.mark.slow
def test_parse_scanned_sow_returns_ocr_text(scanned_sow: tuple[Path, dict[str, Any]]) -> None:
    path, expected = scanned_sow
    result = runner.invoke(app, ["parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["ocr_pages"] == [1]
    assert doc["parser"] == "pypdfium2+tesseract"
    first = doc["pages"][0]
    assert first["ocr"] is True
    assert fuzz.partial_ratio(expected["client_name"], first["text"]) >= 90
    assert doc["text"][first["char_start"] : first["char_end"]] == first["text"]


def test_parse_summary_and_batch(tmp_path: Path, two_page_pdf: bytes) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(two_page_pdf)
    (folder / "b.md").write_text("# Proposal\n\nTotal Costs: 49000 DAI\n")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    summary = runner.invoke(app, ["parse", str(folder / "a.pdf"), "--no-ocr"])
    assert summary.exit_code == 0 and "Statement of Work - page 2" in summary.stdout

    result = runner.invoke(app, ["parse", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, "one refused file makes the batch exit 2"
    assert "corrupt_file" in result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["a.pdf.json", "b.md.json"]
    parsed = ParsedDocument.model_validate_json((tmp_path / "out" / "b.md.json").read_text())
    assert parsed.media_type == "text/markdown"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"GIF89a\x01\x00\x01\x00\x00\xff\x00,", "unsupported_file"),
        (b"%PDF-1.4\n%%EOF garbage", "corrupt_file"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "input.pdf"
    path.write_bytes(content)
    result = runner.invoke(app, ["parse", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {code}: ")


def test_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["parse", str(tmp_path / "nope.pdf")])
    assert result.exit_code == 2
    assert "No such file" in result.stderr


def test_encrypted_pdf_through_the_cli(tmp_path: Path, two_page_pdf: bytes) -> None:
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted(two_page_pdf, user_password="s3cret", owner_password="owner"))
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: encrypted_pdf: ")
