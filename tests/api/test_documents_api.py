"""The REST API and web pages of intake, on SQLite and PostgreSQL, with real local storage."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfWriter

from api.app import create_app
from intake.settings import IntakeSettings, StorageSettings
from models.db import DatabaseSettings
from tests.api.auth_helpers import sign_in_as

PROBLEM = "application/problem+json"


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
        intake=IntakeSettings(max_file_mb=1, max_pages=5),
    )
    with TestClient(app) as test_client:
        sign_in_as(test_client)
        yield test_client
    app.state.engine.dispose()


def upload(client: TestClient, data: bytes, name: str = "sow.pdf", **form: str):  # type: ignore[no-untyped-def]
    return client.post("/api/documents", files={"file": (name, data, "application/octet-stream")}, data=form)


def test_upload_parse_read_back(client: TestClient, two_page_pdf: bytes) -> None:
    created = upload(client, two_page_pdf, crm_opportunity_id="006A1")
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["pages"] == 2 and doc["media_type"] == "application/pdf"
    assert doc["crm_opportunity_id"] == "006A1"

    parsed = client.get(f"/api/documents/{doc['id']}/parsed").json()
    page2 = parsed["pages"][1]
    assert "page 2" in parsed["text"][page2["char_start"] : page2["char_end"]]

    original = client.get(f"/api/documents/{doc['id']}/file")
    assert original.content == two_page_pdf

    listed = client.get("/api/documents").json()
    assert [d["id"] for d in listed] == [doc["id"]]


def test_same_bytes_twice_is_one_document(client: TestClient, two_page_pdf: bytes) -> None:
    first = upload(client, two_page_pdf, name="a.pdf")
    second = upload(client, two_page_pdf, name="renamed.pdf")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert len(client.get("/api/documents").json()) == 1


def test_page_image_is_a_png(client: TestClient, two_page_pdf: bytes, tmp_path: Path) -> None:
    doc_id = upload(client, two_page_pdf).json()["id"]
    response = client.get(f"/api/documents/{doc_id}/pages/2.png?dpi=72")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    png = tmp_path / "page.png"
    png.write_bytes(response.content)
    with Image.open(png) as image:
        assert image.size == (612, 792)  # US Letter at 72 dpi
    missing = client.get(f"/api/documents/{doc_id}/pages/9.png")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


def many_pages_pdf(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 400, "empty_file"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 415, "unsupported_file"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog", 422, "corrupt_file"),
        (b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1), 413, "too_large"),
    ],
)
def test_bad_uploads_are_problems_and_store_nothing(
    client: TestClient, data: bytes, status: int, code: str
) -> None:
    response = upload(client, data)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == code and body["status"] == status and body["detail"]
    assert client.get("/api/documents").json() == []


def test_over_the_page_limit(client: TestClient) -> None:
    response = upload(client, many_pages_pdf(6))
    assert (response.status_code, response.json()["code"]) == (413, "too_many_pages")


def test_unknown_document_is_404(client: TestClient) -> None:
    response = client.get("/api/documents/nope")
    assert response.status_code == 404
    assert response.json()["code"] == "document_not_found"


def test_web_pages(client: TestClient, two_page_pdf: bytes) -> None:
    assert "No documents yet" in client.get("/").text
    posted = client.post("/upload", files={"file": ("sow.pdf", two_page_pdf)}, follow_redirects=False)
    assert posted.status_code == 303
    page = client.get(posted.headers["location"])
    assert "Statement of Work - page 2" in page.text
    assert "/pages/1.png" in page.text
    refused = client.post("/upload", files={"file": ("x.pdf", b"")})
    assert refused.status_code == 400 and "empty" in refused.text


def test_openapi_documents_problem_responses(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/api/documents"]["post"]["responses"]
    assert {"201", "413", "415", "422"} <= set(responses)
