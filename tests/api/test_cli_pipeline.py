"""`handoff ingest` queues (embedded: runs) the pipeline; `status`, `retry`, `postings`, `worker` answer."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from pipeline import flow as pipeline
from tests.api.test_pipeline_api import SOW

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("HANDOFF_DATABASE_URL", url)
    monkeypatch.setenv("HANDOFF_STORAGE_DIR", str(tmp_path / "storage"))
    pipeline.use_database(url)
    documents = tmp_path / "in"
    documents.mkdir()
    (documents / "a.md").write_bytes(SOW)
    (documents / "b.md").write_bytes(SOW + b"\nSecond copy.\n")
    (documents / "bad.pdf").write_bytes(b"%PDF-1.7 broken")
    (documents / "a.truth.json").write_text('{"fields": {}}')
    (documents / "saved-login-page.pdf").write_bytes(b"<!DOCTYPE html><html><body>Sign in</body></html>")
    return documents


def test_ingest_a_folder_then_status_retry_and_postings(folder: Path) -> None:
    ingested = runner.invoke(app, ["ingest", str(folder)])

    assert ingested.exit_code == 2
    assert "2 new (queued), 0 already stored, 2 refused" in ingested.stdout
    assert "skipped 1 file(s)" in ingested.stderr and "a.truth.json" in ingested.stderr
    assert "named .pdf but the content is an HTML page" in " ".join(ingested.stderr.split())
    status = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert sorted(item["status"] for item in status) == ["ready_for_review", "ready_for_review"]
    refused = runner.invoke(app, ["retry", status[0]["id"]])
    assert refused.exit_code == 2
    assert "not_retryable" in refused.stderr
    assert json.loads(runner.invoke(app, ["postings", "list", "--json"]).stdout) == []
    assert runner.invoke(app, ["postings", "replay", "no-such-posting"]).exit_code == 2


def test_worker_without_a_broker_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HANDOFF_BROKER_URL", raising=False)

    result = runner.invoke(app, ["worker"])

    assert result.exit_code == 2
    assert "HANDOFF_BROKER_URL is not set" in result.stderr
