"""The ERP postings page and a failed document's reason on its review page, over a real app, a real
database and the real sandbox ERP: a posting dead-lettered by the ERP's 500s is listed with its error and
replayed from the page by an approver; other roles are refused."""

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from erp import runtime
from erp.postings import list_postings
from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from models.orm import OutboxEntry
from tests.api.web.conftest import sign_in
from tests.api.web.test_auth_and_actions import VERSION, checked_sow, one_approver, resolve_all
from tests.erp.conftest import Sandbox, sandbox, sandbox_server  # noqa: F401  (fixtures)

STATUS = re.compile(r"/documents/([0-9a-f-]{36})/status")
REPLAY = re.compile(r'action="(/postings/[0-9a-f-]{36}/replay)[^"]*"')


@pytest.fixture
def dead_posting(
    client: TestClient,
    sandbox: Sandbox,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[str, str]]:
    """A SOW uploaded, checked and approved in the web queue whose one posting attempt got a 500 from the
    sandbox ERP: (document id, outbox entry id)."""
    monkeypatch.setenv("HANDOFF_ERP_URL", sandbox.url)
    monkeypatch.setenv("HANDOFF_ERP_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("HANDOFF_ERP_BACKOFF_S", "0")
    runtime.reset()
    one_approver(client)
    document_id = checked_sow(client)
    resolve_all(client, sign_in(client, "rita"), document_id)
    csrf = sign_in(client, "alex")
    version = VERSION.search(client.get(f"/documents/{document_id}").text).group(1)  # type: ignore[union-attr]
    sandbox.arm(fail_next=1)
    approved = client.post(
        f"/documents/{document_id}/approve", data={"csrf_token": csrf, "version_id": version}
    )
    assert approved.status_code == 200 and "approved by alex" in approved.text
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        [posting] = list_postings(session, document_id=document_id)
    yield document_id, posting.id
    runtime.reset()


def entry_status(client: TestClient, entry_id: str) -> tuple[str, int, str | None]:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        return entry.status, entry.attempts, entry.erp_reference


def test_a_dead_posting_is_listed_and_replayed_by_an_approver(
    client: TestClient,
    dead_posting: tuple[str, str],
    sandbox: Sandbox,  # noqa: F811
) -> None:
    document_id, entry_id = dead_posting
    assert entry_status(client, entry_id)[:2] == ("dead", 1)
    csrf = sign_in(client, "alex")
    page = client.get("/postings?status=dead")
    assert page.status_code == 200 and 'href="/postings"' in page.text
    row = page.text.split(f'id="posting-{entry_id}"')[1].split("</tr>")[0]
    assert ">dead<" in row and "500" in row and f'href="/documents/{document_id}"' in row
    assert REPLAY.findall(page.text) == [f"/postings/{entry_id}/replay"]
    assert "No postings match." in client.get("/postings?status=sent").text

    replayed = client.post(f"/postings/{entry_id}/replay", data={"csrf_token": csrf})
    assert replayed.status_code == 200 and "replayed." in replayed.text
    status, _, reference = entry_status(client, entry_id)
    [project] = sandbox.projects()
    assert (status, reference) == ("sent", project["id"])
    again = client.post(f"/postings/{entry_id}/replay", data={"csrf_token": csrf})
    assert again.status_code == 409 and "not_replayable" in again.text
    assert len(sandbox.projects()) == 1


def test_only_approvers_replay_and_a_post_needs_the_csrf_token(
    client: TestClient, dead_posting: tuple[str, str]
) -> None:
    _, entry_id = dead_posting
    for username in ("pat", "rita", "dana"):
        csrf = sign_in(client, username)
        page = client.get("/postings")
        assert page.status_code == 200 and entry_id in page.text and not REPLAY.findall(page.text)
        refused = client.post(f"/postings/{entry_id}/replay", data={"csrf_token": csrf})
        assert refused.status_code == 403, username
    sign_in(client, "alex")
    assert client.post(f"/postings/{entry_id}/replay", data={"csrf_token": "forged"}).status_code == 403
    assert entry_status(client, entry_id)[0] == "dead"


def test_a_reviewer_cannot_replay_a_failed_posting_by_re_running_the_document(
    client: TestClient, dead_posting: tuple[str, str]
) -> None:
    document_id, entry_id = dead_posting
    csrf = sign_in(client, "rita")
    refused = client.post(f"/documents/{document_id}/check", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert entry_status(client, entry_id)[0] == "dead"


def test_the_review_page_shows_a_failed_posting_its_error_and_where_to_replay(
    client: TestClient, dead_posting: tuple[str, str]
) -> None:
    document_id, _ = dead_posting
    sign_in(client, "rita")
    page = client.get(f"/documents/{document_id}").text
    reason = page.split('id="failed-reason"')[1].split("</div>")[0]
    assert "<strong>post</strong>" in reason and "500" in reason and 'id="replay-link"' in reason
    postings = page.split('id="postings"')[1].split("</table>")[0]
    assert ">dead<" in postings and "500" in postings


def test_the_review_page_shows_a_failed_check_next_to_its_button(client: TestClient) -> None:
    csrf = sign_in(client, "dana")
    files = [("files", ("sow.pdf", render_pdf(generate_spec(5)), "application/pdf"))]
    data = {"csrf_token": csrf, "crm_opportunity_id": "006-unknown"}
    upload = client.post("/upload", files=files, data=data)
    assert upload.status_code == 200, upload.text
    document_id = STATUS.search(upload.text).group(1)  # type: ignore[union-attr]
    page = client.get(f"/documents/{document_id}").text
    reason = page.split('id="failed-reason"')[1].split("</div>")[0]
    assert "<strong>check</strong>" in reason and "006-unknown" in reason
    assert 'id="check"' in page and 'id="postings"' not in page
