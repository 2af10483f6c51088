"""GET /api/documents/{id}/pages/{n}/boxes on a stored PDF, and its problem+json answers."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from intake.service import ingest
from intake.settings import IntakeSettings, StorageSettings
from models.db import DatabaseSettings
from tests.api.auth_helpers import sign_in_as
from tests.intake.pdf_factory import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, TextPage, build_pdf

PROBLEM = "application/problem+json"


@pytest.fixture
def client(sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=sqlite_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
    )
    with TestClient(app) as test_client:
        sign_in_as(test_client, "rita", ("reviewer",))
        yield test_client
    app.state.engine.dispose()


def test_boxes_of_a_quote_and_bad_ranges(client: TestClient) -> None:
    pdf = build_pdf([TextPage(["Fees: USD 7,500", "due on signature"]), TextPage(["second page"])])
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        document_id = ingest(
            pdf,
            "sow.pdf",
            session=session,
            storage=client.app.state.storage,  # type: ignore[attr-defined]
            settings=IntakeSettings(),
        ).document_id
    text = client.get(f"/api/documents/{document_id}/parsed").json()["text"]
    start = text.index("Fees")
    answer = client.get(
        f"/api/documents/{document_id}/pages/1/boxes", params={"char_start": start, "char_end": start + 4}
    )
    assert answer.status_code == 200, answer.text
    [box] = answer.json()
    assert box["x0"] <= MARGIN / PAGE_WIDTH + 0.003 < box["x1"]
    assert box["y0"] < 1 - (PAGE_HEIGHT - MARGIN) / PAGE_HEIGHT < box["y1"]

    wrong_page = client.get(
        f"/api/documents/{document_id}/pages/2/boxes", params={"char_start": start, "char_end": start + 4}
    )
    assert (wrong_page.status_code, wrong_page.json()["code"]) == (422, "range_outside_page")
    assert wrong_page.headers["content-type"] == PROBLEM
    missing = client.get(
        f"/api/documents/{document_id}/pages/9/boxes", params={"char_start": 0, "char_end": 1}
    )
    assert (missing.status_code, missing.json()["code"]) == (404, "page_not_found")
    unknown = client.get("/api/documents/nope/pages/1/boxes", params={"char_start": 0, "char_end": 1})
    assert unknown.status_code == 404
    anonymous = client.get(
        f"/api/documents/{document_id}/pages/1/boxes",
        params={"char_start": 0, "char_end": 1},
        headers={"Authorization": ""},
    )
    assert anonymous.status_code == 401
