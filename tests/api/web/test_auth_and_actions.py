"""Signing in, CSRF, roles and the review actions of the web queue, against review/ on a real database."""

import re
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from review.settings import ReviewSettings
from tests.api.web.conftest import PASSWORD, hidden, sign_in
from tests.api.web.test_pages import uploaded

VERSION = re.compile(r'name="version_id" value="([^"]+)"')
OPEN_EXCEPTION = re.compile(r'action="(/documents/[0-9a-f-]{36}/exceptions/[0-9a-f-]{36})"')


def one_approver(client: TestClient) -> None:
    """Records of any value need one approver (four-eyes still holds: editors cannot approve alone)."""
    client.app.state.review_settings = ReviewSettings(review_two_approvers_above=Decimal(10**9))  # type: ignore[attr-defined]


def checked_sow(client: TestClient) -> str:
    return uploaded(client, sign_in(client, "dana"), "sow.pdf", render_pdf(generate_spec(3)))


def resolve_all(client: TestClient, csrf: str, document_id: str) -> None:
    """Resolve every open exception, as a reviewer does once the signed copy is on file."""
    for action in OPEN_EXCEPTION.findall(client.get(f"/documents/{document_id}").text):
        data = {
            "csrf_token": csrf,
            "outcome": "resolved",
            "reason": "signed copy on file",
            "disposition": "confirmed",
        }
        answer = client.post(action, data=data)
        assert answer.status_code == 200 and "resolved." in answer.text


def test_pages_need_a_session(client: TestClient) -> None:
    answer = client.get("/exceptions?owner=finance", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/login?next=%2Fexceptions%3Fowner%3Dfinance",
    )
    htmx = client.get("/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith("/login")


def test_login_errors_render_in_the_page_and_are_throttled(client: TestClient) -> None:
    token = hidden(client.get("/login").text, "login_token")
    for _ in range(5):
        wrong = client.post("/login", data={"username": "rita", "password": "nope", "login_token": token})
        assert wrong.status_code == 401 and "wrong password" in wrong.text and 'role="alert"' in wrong.text
    throttled = client.post("/login", data={"username": "rita", "password": PASSWORD, "login_token": token})
    assert throttled.status_code == 429 and "retry in" in throttled.text
    assert int(throttled.headers["Retry-After"]) > 0


def test_the_login_form_needs_its_token_and_never_redirects_off_site(client: TestClient) -> None:
    forged = client.post("/login", data={"username": "rita", "password": PASSWORD, "login_token": "x"})
    assert forged.status_code == 403 and "csrf_failed" not in forged.text and "stale" in forged.text
    token = hidden(client.get("/login").text, "login_token")
    data = {"username": "rita", "password": PASSWORD, "login_token": token, "next": "//evil.example/"}
    answer = client.post("/login", data=data, follow_redirects=False)
    assert answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_posts_need_the_csrf_token_and_roles_limit_pages(client: TestClient) -> None:
    sign_in(client, "dana")
    files = [("files", ("a.md", b"# SOW\n", "text/markdown"))]
    refused = client.post("/upload", files=files)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.get("/exceptions").status_code == 403
    sign_in(client, "rita")
    assert client.get("/upload").status_code == 403
    assert "Upload</a>" not in client.get("/").text


def test_logout_ends_the_session(client: TestClient) -> None:
    csrf = sign_in(client, "rita")
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_correct_then_four_eyes_approval(client: TestClient) -> None:
    one_approver(client)
    document_id = checked_sow(client)
    page = client.get(f"/documents/{document_id}").text
    assert 'id="approve"' not in page and "Save</button>" not in page  # deal desk: no review controls

    csrf = sign_in(client, "rita")
    version = VERSION.search(client.get(f"/documents/{document_id}").text).group(1)  # type: ignore[union-attr]
    fields = f"/documents/{document_id}/fields"
    edit = {"csrf_token": csrf, "version_id": version, "path": "fields.project_name", "value": "Heron"}
    corrected = client.post(f"{fields}/correct", data=edit)
    assert corrected.status_code == 200 and "fields.project_name saved" in corrected.text
    assert "corrected by rita" in corrected.text
    bad = client.post(f"{fields}/correct", data=edit | {"path": "fields.start_date", "value": "soon"})
    assert bad.status_code == 422 and "invalid_value" in bad.text and 'id="review"' in bad.text
    denied = client.post(
        f"/documents/{document_id}/approve", data={"csrf_token": csrf, "version_id": version}
    )
    assert denied.status_code == 403 and "may not approve" in denied.text
    [first, *_] = OPEN_EXCEPTION.findall(client.get(f"/documents/{document_id}").text)
    closing = {"csrf_token": csrf, "disposition": "false_alarm"}
    no_reason = client.post(first, data=closing | {"outcome": "resolved", "reason": " "})
    assert no_reason.status_code == 422 and "a reason" in no_reason.text
    waive = client.post(first, data=closing | {"outcome": "waived", "reason": "fine"})
    assert waive.status_code == 403  # reviewers resolve; approvers and the PMO waive
    resolve_all(client, csrf, document_id)

    csrf = sign_in(client, "alex")
    page = client.get(f"/documents/{document_id}").text
    assert re.search(r'id="approve"\s*>', page)  # enabled
    approved = client.post(
        f"/documents/{document_id}/approve", data={"csrf_token": csrf, "version_id": version}
    )
    assert approved.status_code == 200 and "approved by alex" in approved.text
    queue = client.get("/").text
    assert 'data-status="approved"' in queue
    audit = approved.text[approved.text.index('id="audit"') :]
    assert "rita" in audit and "alex" in audit and "dana" in audit


def test_an_editor_cannot_be_the_only_approver(client: TestClient) -> None:
    one_approver(client)
    document_id = checked_sow(client)
    csrf = sign_in(client, "alex")
    version = VERSION.search(client.get(f"/documents/{document_id}").text).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": csrf, "version_id": version, "path": "fields.project_name"}
    absent = client.post(f"/documents/{document_id}/fields/absent", data=data)
    assert "fields.project_name saved" in absent.text and "not in document" in absent.text
    resolve_all(client, csrf, document_id)
    page = client.get(f"/documents/{document_id}").text
    assert "You edited this record" in page
    mine = client.post(f"/documents/{document_id}/approve", data={"csrf_token": csrf, "version_id": version})
    assert "still needs an approver who did not edit" in mine.text
    assert "You approved this version already" in mine.text and re.search(
        r'id="approve"\s*disabled', mine.text
    )

    csrf = sign_in(client, "bea")
    final = client.post(f"/documents/{document_id}/approve", data={"csrf_token": csrf, "version_id": version})
    assert "approved by alex, bea" in final.text


def test_own_upload_cannot_be_approved(client: TestClient) -> None:
    csrf = sign_in(client, "dana")
    files = [("files", ("mine.md", b"# SOW\n\nTotal fees: USD 5,000.\n", "text/markdown"))]
    client.post("/upload", files=files, data={"csrf_token": csrf})
    # an admin who is also on the deal desk uploads, then tries to approve their own document
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        from review.users import create_user

        create_user(session, "test", "ada", ["admin"], password=PASSWORD)
    csrf = sign_in(client, "ada")
    data = {"csrf_token": csrf, "crm_opportunity_id": ""}
    page = client.post(
        "/upload", files=[("files", ("own.md", b"# Own SOW\n\nFees: USD 9.\n", "text/markdown"))], data=data
    )
    document_id = re.search(r"/documents/([0-9a-f-]{36})/status", page.text).group(1)  # type: ignore[union-attr]
    review = client.get(f"/documents/{document_id}").text
    assert "You uploaded this document" in review and re.search(r'id="approve"\s*disabled', review)


def test_what_the_erp_needs_is_shown_at_the_field_and_holds_approval(client: TestClient) -> None:
    one_approver(client)
    document_id = checked_sow(client)
    csrf = sign_in(client, "rita")
    version = VERSION.search(client.get(f"/documents/{document_id}").text).group(1)  # type: ignore[union-attr]
    for path in ("fields.project_name", "fields.contract_number"):
        data = {"csrf_token": csrf, "version_id": version, "path": path}
        client.post(f"/documents/{document_id}/fields/absent", data=data)
    resolve_all(client, csrf, document_id)

    csrf = sign_in(client, "alex")
    page = client.get(f"/documents/{document_id}").text
    row = re.search(r'data-field="fields.project_name".*?</tr>', page, re.DOTALL)
    assert row and "the ERP needs a project name" in row.group(0)
    assert "The ERP cannot take this record yet" in page and re.search(r'id="approve"\s*disabled', page)
    refused = client.post(
        f"/documents/{document_id}/approve", data={"csrf_token": csrf, "version_id": version}
    )
    assert refused.status_code == 409 and "erp_not_ready" in refused.text

    data = {
        "csrf_token": csrf,
        "version_id": version,
        "path": "fields.project_name",
        "value": "Data Platform",
    }
    client.post(f"/documents/{document_id}/fields/correct", data=data)
    csrf = sign_in(client, "bea")
    final = client.post(f"/documents/{document_id}/approve", data={"csrf_token": csrf, "version_id": version})
    assert "approved by" in final.text and "bea" in final.text


def test_a_correction_triages_the_record_again(client: TestClient) -> None:
    document_id = checked_sow(client)
    csrf = sign_in(client, "rita")
    page = client.get(f"/documents/{document_id}").text
    version = VERSION.search(page).group(1)  # type: ignore[union-attr]
    assert "<strong>UNSIGNED</strong>" in page  # the generated SOW's signature block lacks a date

    def correct(value: str) -> str:
        data = {"csrf_token": csrf, "version_id": version, "path": "fields.signed", "value": value}
        answer = client.post(f"/documents/{document_id}/fields/correct", data=data)
        assert answer.status_code == 200, answer.text
        return answer.text

    signed = correct("true")
    assert (
        "No longer raised: UNSIGNED" in signed and "<strong>UNSIGNED</strong>" in signed
    )  # listed, resolved
    assert "Now raised: UNSIGNED" in correct("false")  # it holds again: reopened
    assert "No longer raised: UNSIGNED" in correct("true")

    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        from review.audit import DOCUMENT, list_audit

        events = list_audit(session, entity_type=DOCUMENT, entity_id=document_id)
    closed = [event for event in events if event.action == "exception.closed_by_correction"]
    assert [event.action for event in events].count("exception.reopened_by_correction") == 1
    assert len(closed) == 2 and closed[0].after["correction"] == "fields.signed"
    assert "fields.signed by rita" in closed[0].after["reason"]


def test_fields_take_values_as_the_page_shows_them_and_refusals_stay_at_the_field(client: TestClient) -> None:
    document_id = checked_sow(client)
    csrf = sign_in(client, "rita")
    version = VERSION.search(client.get(f"/documents/{document_id}").text).group(1)  # type: ignore[union-attr]

    def correct(path: str, value: str) -> Any:
        data = {"csrf_token": csrf, "version_id": version, "path": path, "value": value}
        return client.post(f"/documents/{document_id}/fields/correct", data=data)

    for path, typed in (
        ("fields.total_contract_value", "$108,000.00"),
        ("fields.start_date", "May 1, 2019"),
        ("fields.billing_model", "Retainer"),
        ("fields.payment_terms_days", "75 days"),
    ):
        answer = correct(path, typed)
        assert answer.status_code == 200 and f"{path} saved" in answer.text, answer.text
    page = client.get(f"/documents/{document_id}").text
    assert 'value="108,000.00"' in page and "2019-05-01" in page

    refused = correct("fields.total_contract_value", "10^11")
    assert refused.status_code == 422
    row = re.search(r'data-field="fields.total_contract_value".*?</tr>', refused.text, re.DOTALL)
    assert row is not None
    assert 'role="alert"' in row.group(0) and "not a valid value" in row.group(0)
    assert 'value="10^11"' in row.group(0) and "<details open>" in row.group(0)


def test_after_the_session_ends_a_form_leads_back_to_its_page_never_to_json(client: TestClient) -> None:
    document_id = checked_sow(client)
    csrf = sign_in(client, "alex")
    page = f"/documents/{document_id}"
    version = VERSION.search(client.get(page).text).group(1)  # type: ignore[union-attr]
    assert client.get(page).headers["cache-control"] == "no-store"  # Back after sign-out shows nothing
    client.post("/logout", data={"csrf_token": csrf})

    stale = client.post(
        f"{page}/approve",
        data={"csrf_token": csrf, "version_id": version},
        headers={"Referer": f"http://testserver{page}"},
        follow_redirects=False,
    )
    assert stale.status_code == 303 and stale.headers["location"] == f"/login?next={page.replace('/', '%2F')}"
    token = hidden(client.get("/login").text, "login_token")
    form = {"username": "alex", "password": PASSWORD, "login_token": token, "next": page}
    landed = client.post("/login", data=form)
    assert landed.status_code == 200 and landed.url.path == page

    wrong_method = client.get(f"{page}/approve", headers={"Accept": "text/html"})
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"].startswith("text/html")
    api = client.get(f"/api/records/{document_id}/approve")
    assert api.status_code == 405 and api.headers["content-type"] == "application/problem+json"


def test_the_audit_trail_reads_as_who_changed_what_and_exports_as_csv(client: TestClient) -> None:
    document_id = checked_sow(client)
    csrf = sign_in(client, "rita")
    version = VERSION.search(client.get(f"/documents/{document_id}").text).group(1)  # type: ignore[union-attr]
    data = {"csrf_token": csrf, "version_id": version, "path": "fields.payment_terms_days", "value": "=1+2"}
    client.post(f"/documents/{document_id}/fields/correct", data=data)  # refused: not a number
    data["value"] = "60"
    client.post(f"/documents/{document_id}/fields/correct", data=data)

    page = client.get(f"/documents/{document_id}").text
    trail = re.search(r'<table id="audit">.*?</table>', page, re.DOTALL)
    assert trail is not None
    row = next(r for r in trail.group(0).split("<tr>") if "corrected a field" in r)
    assert "rita" in row and "fields.payment_terms_days" in row and "45 → 60" in row and "<summary>raw" in row

    download = client.get(f"/documents/{document_id}/audit.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    header, *lines = download.text.splitlines()
    assert header == "at,actor,action,what,field,from,to,evidence,reason,raw"
    assert any("field.correct" in line and ",45,60," in line for line in lines)
    csrf = sign_in(client, "dana")
    assert client.get(f"/documents/{document_id}/audit.csv").status_code == 403  # deal desk reads no audit


def test_closing_an_exception_records_how_it_turned_out(client: TestClient) -> None:
    document_id = checked_sow(client)
    csrf = sign_in(client, "rita")
    [first, *_] = OPEN_EXCEPTION.findall(client.get(f"/documents/{document_id}").text)
    base = {"csrf_token": csrf, "outcome": "resolved", "reason": "the CRM had the old amount"}
    missing = client.post(first, data=base)
    assert missing.status_code == 422 and "choose how the exception turned out" in missing.text
    impact_on_a_false_alarm = client.post(
        first, data=base | {"disposition": "false_alarm", "money_impact": "10"}
    )
    assert (
        impact_on_a_false_alarm.status_code == 422
        and "confirmed exception only" in impact_on_a_false_alarm.text
    )
    done = client.post(first, data=base | {"disposition": "confirmed", "money_impact": "$12,500.00"})
    assert done.status_code == 200 and "confirmed · 12,500.00" in done.text

    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        from models.orm import ExceptionRow

        row = session.get(ExceptionRow, first.rsplit("/", 1)[-1])
        assert row is not None and (row.disposition, row.money_impact) == ("confirmed", 12500.0)
