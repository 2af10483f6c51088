"""The web queue's pages over a real app: upload → background check → queue, review page, PMO list, KPIs."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from intake.settings import StorageSettings
from models.db import DatabaseSettings

STATUS_URL = re.compile(r"/documents/([0-9a-f-]{36})/status")


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
    )
    with TestClient(app) as test_client:
        yield test_client
    app.state.engine.dispose()


def uploaded(client: TestClient, name: str, data: bytes) -> str:
    page = client.post("/upload", files=[("files", (name, data, "application/octet-stream"))])
    assert page.status_code == 200, page.text
    match = STATUS_URL.search(page.text)
    assert match, page.text
    return match.group(1)


def test_upload_queue_review_exceptions_and_kpis(client: TestClient) -> None:
    document_id = uploaded(client, "sow.pdf", render_pdf(generate_spec(3)))
    # the TestClient runs the background check before it returns: the status has settled
    status = client.get(f"/documents/{document_id}/status").text
    assert 'data-status="ready_for_review"' in status and "hx-trigger" not in status

    queue = client.get("/").text
    assert f"/documents/{document_id}" in queue and "ready for review" in queue

    review = client.get(f"/documents/{document_id}").text
    assert review.count('class="evidence-box"') >= 5
    assert f"/api/documents/{document_id}/pages/1.png" in review
    assert 'data-field="fields.total_contract_value"' in review

    exceptions = client.get("/exceptions?sort=due")
    assert exceptions.status_code == 200
    csv = client.get("/exceptions.csv?status=all")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("document_id,filename")

    kpis = client.get("/kpis").text
    assert kpis.count("<svg") == 4 and "Touchless rate" in kpis


def test_a_refused_file_is_shown_beside_the_accepted_ones(client: TestClient) -> None:
    files = [
        ("files", ("empty.pdf", b"", "application/pdf")),
        ("files", ("notes.md", b"# SOW\n\nTotal fees: USD 5,000.\n", "text/markdown")),
    ]
    page = client.post("/upload", files=files)
    assert page.status_code == 200
    assert "refused" in page.text and "empty_file" in page.text
    document_id = STATUS_URL.search(page.text).group(1)  # type: ignore[union-attr]
    review = client.get(f"/documents/{document_id}").text
    assert "<mark data-evidence=" in review  # no page image: the quote is marked in the text
    assert "/pages/1.png" not in review


def test_an_unknown_document_page_is_a_404(client: TestClient) -> None:
    page = client.get("/documents/no-such-id")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html") and "document_not_found" in page.text
