"""`handoff extract`: a spec-valid record whose every non-null value has grounded evidence."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli import app
from evals.sow import generate_spec, render_pdf, truth
from models.record import HandoffRecord, RecordFields

runner = CliRunner()


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def sow(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    spec = generate_spec(31337)
    path = tmp_path_factory.mktemp("extract") / "sow.pdf"
    path.write_bytes(render_pdf(spec))
    return path, truth(spec)


def test_extract_json_is_spec_valid_and_grounded(sow: tuple[Path, dict[str, Any]]) -> None:
    path, expected = sow
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    record = HandoffRecord.model_validate_json(result.stdout)
    assert record.extractor.backend == "offline"
    parsed = json.loads(runner.invoke(app, ["parse", str(path), "--json", "--no-ocr"]).stdout)
    pages = {page["number"]: page["text"] for page in parsed["pages"]}
    for name in RecordFields.model_fields:
        field = getattr(record.fields, name)
        if field.value is None:
            continue
        assert field.evidence, f"{name} has a value but no evidence"
        for evidence in field.evidence:
            assert evidence.page is not None
            assert collapse(evidence.quote) in collapse(pages[evidence.page])
            quoted = parsed["text"][evidence.char_start : evidence.char_end]
            assert collapse(quoted) == collapse(evidence.quote)
    assert record.fields.client_name.value == expected["client_name"]


def test_extract_batch_writes_one_record_per_file(tmp_path: Path, sow: tuple[Path, dict[str, Any]]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(sow[0].read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    result = runner.invoke(app, ["extract", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "empty_file" in result.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.pdf.record.json"]


def test_extract_refuses_an_unknown_backend(sow: tuple[Path, dict[str, Any]]) -> None:
    result = runner.invoke(app, ["extract", str(sow[0]), "--backend", "magic"])
    assert result.exit_code == 2
