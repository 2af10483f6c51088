"""The web queue's pages over a real app: upload → background check → queue, review page, PMO list, KPIs."""

import re

from fastapi.testclient import TestClient

from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from intake.service import ingest
from intake.settings import IntakeSettings
from models.orm import Document
from tests.api.web.conftest import sign_in

STATUS_URL = re.compile(r"/documents/([0-9a-f-]{36})/status")


def uploaded(client: TestClient, csrf: str, name: str, data: bytes) -> str:
    files = [("files", (name, data, "application/octet-stream"))]
    page = client.post("/upload", files=files, data={"csrf_token": csrf})
    assert page.status_code == 200, page.text
    match = STATUS_URL.search(page.text)
    assert match, page.text
    return match.group(1)


def test_upload_queue_review_exceptions_and_kpis(client: TestClient) -> None:
    document_id = uploaded(client, sign_in(client, "dana"), "sow.pdf", render_pdf(generate_spec(3)))
    # the TestClient runs the background check before it returns: the status has settled
    status = client.get(f"/documents/{document_id}/status").text
    assert 'data-status="ready_for_review"' in status and "hx-trigger" not in status

    sign_in(client, "rita")
    queue = client.get("/").text
    assert f"/documents/{document_id}" in queue and "ready for review" in queue
    review = client.get(f"/documents/{document_id}").text
    assert review.count('class="evidence-box"') >= 5
    assert f"/api/documents/{document_id}/pages/1.png" in review
    assert 'data-field="fields.total_contract_value"' in review
    assert 'id="audit"' in review and 'action="/documents/' in review

    exceptions = client.get("/exceptions?sort=due")
    assert exceptions.status_code == 200
    csv = client.get("/exceptions.csv?status=all")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("document_id,filename")
    kpis = client.get("/kpis").text
    assert kpis.count("<svg") == 4 and "Touchless rate" in kpis
    ops = client.get("/ops").text
    assert (
        "ready for review" in ops
        and 'id="ops-postings"' in ops
        and "Every approved record is in the ERP" in ops
    )


def test_a_refused_file_is_shown_beside_the_accepted_ones(client: TestClient) -> None:
    files = [
        ("files", ("empty.pdf", b"", "application/pdf")),
        ("files", ("notes.md", b"# SOW\n\nTotal fees: USD 5,000.\n", "text/markdown")),
    ]
    page = client.post("/upload", files=files, data={"csrf_token": sign_in(client, "dana")})
    assert page.status_code == 200
    assert "refused" in page.text and "empty_file" in page.text
    document_id = STATUS_URL.search(page.text).group(1)  # type: ignore[union-attr]
    review = client.get(f"/documents/{document_id}").text
    assert "<mark data-evidence=" in review  # no page image: the quote is marked in the text
    assert "/pages/1.png" not in review


def test_an_unknown_document_page_is_an_html_404(client: TestClient) -> None:
    sign_in(client, "rita")
    page = client.get("/documents/no-such-id")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html") and "document_not_found" in page.text


def test_a_document_stored_before_the_pipeline_is_checked_from_its_page(client: TestClient) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        stored = ingest(
            render_pdf(generate_spec(4)),
            "legacy.pdf",
            session=session,
            storage=client.app.state.storage,  # type: ignore[attr-defined]
            settings=IntakeSettings(),
        )
    csrf = sign_in(client, "rita")
    page = client.get(f"/documents/{stored.document_id}").text
    assert "No record extracted yet" in page and 'id="check"' in page
    started = client.post(f"/documents/{stored.document_id}/check", data={"csrf_token": csrf})
    assert started.status_code == 200 and "data-status=" in started.text
    assert 'data-field="fields.client_name"' in client.get(f"/documents/{stored.document_id}").text
    refused = client.post(
        f"/documents/{stored.document_id}/check", data={"csrf_token": sign_in(client, "pat")}
    )
    assert refused.status_code == 403


def test_a_long_queue_is_paged_and_keeps_its_filters_from_page_to_page(client: TestClient) -> None:
    app = client.app
    with app.state.session_factory() as session:  # type: ignore[attr-defined]
        for number in range(53):
            document = Document(
                sha256=f"{number:064x}", filename=f"deal-{number:02d}.pdf", media_type="application/pdf",
                size_bytes=1, pages=1, parser="pypdfium2", parse_status="ok", ocr_pages=[], parsed={},
                storage_key=f"documents/{number:064x}", status="ready_for_review",
            )  # fmt: skip
            session.add(document)
        session.commit()
    sign_in(client, "rita")

    first = client.get("/?q=deal-&sort=newest")
    assert first.status_code == 200 and "53 documents · page 1 of 2" in first.text
    assert first.text.count('<tr data-document="') == 50
    assert 'href="/?q=deal-&amp;sort=newest&amp;page=2"' in first.text
    second = client.get("/?q=deal-&sort=newest&page=2").text
    assert second.count('<tr data-document="') == 3 and "deal-00.pdf" in second  # the oldest come last
    assert client.get("/?page=0").status_code == 422
    narrowed = client.get("/?q=DEAL-5").text  # deal-50, deal-51, deal-52
    assert "3 documents" in narrowed and narrowed.count('<tr data-document="') == 3
