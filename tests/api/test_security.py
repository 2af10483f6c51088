"""The ten attacks of the ASVS level-2 review, each tried against the real app; a test fails if one works.

1 forged X-Forwarded-For · 2 aimed lock-out and password spraying · 3 oversized and unauthenticated bodies ·
4 missing security headers (framing, inline script, caching) · 5 unbounded argon2 · 6 ids of another
document or user · 7 tokens that never expire · 8 public /docs from a CDN · 9 absurd amounts and dates ·
10 an HTML page named .pdf.
"""

import re
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.formparsers import MultiPartParser
from typer.testing import CliRunner

from api.app import create_app, served_app
from api.auth import DEVICE_COOKIE
from api.cli import app as cli
from api.settings import ApiSettings, AuthSettings
from intake.settings import IntakeSettings, StorageSettings
from models.db import DatabaseSettings
from models.orm import ApiToken, AuditEvent, LoginAttempt, utc_now
from review import users
from review.settings import ReviewSettings
from review.users import create_user
from tests.api.auth_helpers import token_for
from tests.api.web.conftest import PASSWORD, USERS, hidden, sign_in
from tests.review.builders import checked_document, exception

TEMPLATES = Path(__file__).parents[2] / "api" / "templates"
HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Session expired</body></html>"


def make_app(database_url: str, tmp_path: Path, **settings: Any) -> FastAPI:
    app = create_app(
        database=DatabaseSettings(database_url=database_url),
        storage=StorageSettings(storage_backend="local", storage_dir=tmp_path / "storage"),
        auth=AuthSettings(cookie_secure=False),  # the TestClient speaks plain http://testserver
        intake=IntakeSettings(max_file_mb=2),
        **settings,
    )
    with app.state.session_factory() as session:
        for username, roles in USERS.items():
            create_user(session, "test", username, roles, password=PASSWORD)
    return app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[FastAPI]:
    application = make_app(database_url, tmp_path)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str, **headers: str) -> int:
    token = hidden(client.get("/login").text, "login_token")
    form = {"username": username, "password": password, "login_token": token}
    return client.post("/login", data=form, headers=headers, follow_redirects=False).status_code


def clients_of(app: FastAPI) -> list[str]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(LoginAttempt.client)))


# 1 ---------------------------------------------------------------------------------------------------------


def test_a_forged_forwarded_for_does_not_choose_the_throttled_address(app: FastAPI) -> None:
    with TestClient(served_app(app, ApiSettings())) as client:
        for attempt in range(6):
            login(client, f"nobody{attempt}", "guess", **{"X-Forwarded-For": f"203.0.113.{attempt}"})
    assert set(clients_of(app)) == {"testclient"}


def test_a_listed_proxy_is_trusted_for_the_client_address(app: FastAPI) -> None:
    with TestClient(served_app(app, ApiSettings(trusted_proxies="testclient"))) as client:
        login(client, "nobody", "guess", **{"X-Forwarded-For": "203.0.113.7"})
    assert clients_of(app) == ["203.0.113.7"]


# 2 ---------------------------------------------------------------------------------------------------------


def test_failures_aimed_at_a_user_do_not_keep_them_out_of_their_browser(client: TestClient) -> None:
    assert login(client, "rita", PASSWORD) == 303
    device = client.cookies.get(DEVICE_COOKIE)
    assert device
    client.cookies.clear()
    statuses = [login(client, "rita", "guess") for _ in range(8)]
    assert statuses[:5] == [401] * 5 and 429 in statuses[5:]
    assert login(client, "rita", PASSWORD) == 429  # a browser rita never used waits

    client.cookies.clear()
    client.cookies.set(DEVICE_COOKIE, device)
    assert login(client, "rita", PASSWORD) == 303
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        audited = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == "rita")).all()
    assert "login.throttled" in audited


def test_password_spraying_over_many_users_is_slowed(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path, review=ReviewSettings(login_global_failures_per_minute=8))
    with TestClient(served_app(app, ApiSettings(trusted_proxies="testclient"))) as client:
        for index in range(8):
            forwarded = {"X-Forwarded-For": f"198.51.100.{index}"}
            assert login(client, f"user{index}", "Winter2026!", **forwarded) == 401
        client.cookies.clear()
        answer = client.post("/api/session", json={"username": "alex", "password": PASSWORD})
        assert answer.status_code == 429 and "across all accounts" in answer.json()["detail"]
    app.state.engine.dispose()


# 3 ---------------------------------------------------------------------------------------------------------


def test_a_huge_login_form_is_refused_before_it_is_read(client: TestClient) -> None:
    body = b"username=a&password=" + b"x" * (30 * 1024 * 1024)
    answer = client.post(
        "/login", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 413 and answer.json()["code"] == "request_too_large"


def test_a_streamed_body_without_length_is_cut_at_the_limit(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 64 * 1024

    answer = client.post("/api/session", content=chunks(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 413


def test_an_unauthenticated_upload_is_refused_without_parsing_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[int] = []
    original = MultiPartParser.parse

    async def spy(self: MultiPartParser) -> Any:
        parsed.append(1)
        return await original(self)

    monkeypatch.setattr(MultiPartParser, "parse", spy)
    files = {"file": ("big.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024), "application/pdf")}
    assert client.post("/api/documents", files=files).status_code == 401
    assert client.post("/upload", files={"files": files["file"]}, follow_redirects=False).status_code == 303
    assert parsed == []
    too_big = {"file": ("big.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024), "application/pdf")}
    token = token_for(client, "dana", ["deal_desk"])
    answer = client.post("/api/documents", files=too_big, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 413


# 4 ---------------------------------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    sign_in(client, "rita")
    for path in ("/login", "/", "/api/me", "/no-such-page", "/static/handoff.css"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in headers  # plain http
    assert client.get("/").headers["cache-control"] == "no-store"
    assert client.get("/api/me").headers["cache-control"] == "no-store"


def test_hsts_and_a_secure_cookie_over_https(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path)
    app.state.auth_settings = AuthSettings()
    with TestClient(app, base_url="https://testserver") as client:
        answer = client.post("/api/session", json={"username": "rita", "password": PASSWORD})
        assert answer.headers["strict-transport-security"].startswith("max-age=31536000")
        cookies = answer.headers.get_list("set-cookie")
        session_cookie = next(cookie for cookie in cookies if cookie.startswith("handoff_session="))
        assert all(flag in session_cookie for flag in ("Secure", "HttpOnly", "SameSite=lax"))
    app.state.engine.dispose()


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template.name
        assert not re.search(r"\sstyle=|\son[a-z]+=|javascript:", text), template.name
    assert '"allowEval": false' in (TEMPLATES / "base.html").read_text()


# 5 ---------------------------------------------------------------------------------------------------------


def test_password_hashing_runs_a_bounded_number_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    running, peak, lock = [0], [0], threading.Lock()

    class SlowHasher:
        def verify(self, stored: str, password: str) -> bool:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            return False

    monkeypatch.setattr(users, "_hasher", SlowHasher())
    threads = [threading.Thread(target=users.verify_password, args=(None, "guess")) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= peak[0] <= users._HASH_SLOTS._initial_value  # type: ignore[attr-defined]
    assert users._HASH_SLOTS._initial_value < 24  # type: ignore[attr-defined]


# 6 ---------------------------------------------------------------------------------------------------------


def test_ids_of_another_document_or_user_are_refused_everywhere(client: TestClient) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        mine = checked_document(session, tag="a", exceptions=[exception("UNSIGNED")])
        other = checked_document(session, tag="b", exceptions=[exception("UNSIGNED")])
        ids = {
            "doc": mine.document_id,
            "other_version": other.id,
            "other_exception": other.exceptions[0].id,
        }
    csrf = sign_in(client, "alex")
    doc, version, field = ids["doc"], ids["other_version"], "fields.project_name"
    web = [
        (f"/documents/{doc}/fields/correct", {"path": field, "value": "X", "version_id": version}),
        (f"/documents/{doc}/fields/accept", {"path": field, "version_id": version}),
        (f"/documents/{doc}/fields/absent", {"path": field, "version_id": version}),
        (f"/documents/{doc}/exceptions/{ids['other_exception']}", {"outcome": "waived", "reason": "no"}),
        (f"/documents/{doc}/approve", {"version_id": version}),
    ]
    for path, form in web:
        answer = client.post(path, data=form | {"csrf_token": csrf})
        assert answer.status_code == 404, (path, answer.status_code)
    api = [
        (f"/api/records/{doc}/fields/correct", {"version_id": version, "field": field, "value": "X"}),
        (f"/api/records/{doc}/fields/accept", {"version_id": version, "field": field}),
        (f"/api/records/{doc}/fields/not-in-document", {"version_id": version, "field": field}),
        (f"/api/records/{doc}/approve", {"version_id": version}),
    ]
    for path, body in api:
        answer = client.post(path, json=body, headers={"X-CSRF-Token": csrf})
        assert answer.status_code == 404, (path, answer.status_code)
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        untouched = session.get(type(other), other.id)
        assert untouched is not None and untouched.status == "draft"
        assert untouched.record["fields"]["project_name"] == other.record["fields"]["project_name"]

    rita_token = token_for(client, "rita", ["reviewer"])
    mine_token = client.post("/api/tokens", json={"name": "laptop"}, headers={"X-CSRF-Token": csrf}).json()
    stolen = client.delete(
        f"/api/tokens/{mine_token['view']['id']}", headers={"Authorization": f"Bearer {rita_token}"}
    )
    assert stolen.status_code == 404


# 7 ---------------------------------------------------------------------------------------------------------


def test_tokens_expire_and_record_their_last_use(client: TestClient) -> None:
    token = token_for(client, "rita", ["reviewer"])
    bearer = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/tokens", headers=bearer).json()
    lifetime = datetime.fromisoformat(listed[0]["expires_at"]) - datetime.fromisoformat(
        listed[0]["created_at"]
    )
    assert lifetime == timedelta(days=90)
    assert listed[0]["last_used_at"] is not None
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        row = session.scalars(select(ApiToken)).one()
        assert token not in (row.token_sha256, row.name)
        row.expires_at = utc_now() - timedelta(seconds=1)
        session.commit()
    assert client.get("/api/me", headers=bearer).status_code == 401


# 8 ---------------------------------------------------------------------------------------------------------


def test_api_docs_need_sign_in_and_load_nothing_from_elsewhere(client: TestClient) -> None:
    assert client.get("/openapi.json").status_code == 401
    docs = client.get("/docs", follow_redirects=False)
    assert docs.status_code == 303 and docs.headers["location"].startswith("/login")
    sign_in(client, "pat")
    page = client.get("/docs")
    assert page.status_code == 200 and "/static/swagger/swagger-ui-bundle.js" in page.text
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "handoff"


def test_docs_can_be_made_public(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path, api=ApiSettings(public_docs=True))
    with TestClient(app) as client:
        assert client.get("/openapi.json").status_code == 200 and client.get("/docs").status_code == 200
    app.state.engine.dispose()


# 9 ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("fields.total_contract_value", "1e308", "at most 1,000,000,000,000"),
        ("fields.total_contract_value", "10^11", "not a valid value"),
        ("fields.total_contract_value", "1000000000000.01", "at most 1,000,000,000,000"),
        ("fields.total_contract_value", "1250.005", "at most 2 decimals"),
        ("fields.total_contract_value", "NaN", "finite"),
        ("fields.payment_terms_days", "100000000000000", "at most"),
        ("fields.start_date", "1850-01-01", "between 1900 and 2100"),
        ("fields.end_date", "2999-12-31", "between 1900 and 2100"),
    ],
)
def test_absurd_amounts_and_dates_are_refused(
    client: TestClient, field: str, value: str, reason: str
) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        version = checked_document(session)
        doc, version_id = version.document_id, version.id
    bearer = {"Authorization": f"Bearer {token_for(client, 'rita', ['reviewer'])}"}
    body = {"version_id": version_id, "field": field, "value": value}
    answer = client.post(f"/api/records/{doc}/fields/correct", json=body, headers=bearer)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_value", answer.text
    assert reason in answer.json()["detail"]
    fine = client.post(
        f"/api/records/{doc}/fields/correct",
        json={"version_id": version_id, "field": "fields.total_contract_value", "value": "1000000000000"},
        headers=bearer,
    )
    assert fine.status_code == 200


# 10 --------------------------------------------------------------------------------------------------------


def test_an_html_page_named_pdf_is_refused_in_the_api_the_web_and_the_cli(
    client: TestClient, tmp_path: Path
) -> None:
    token = token_for(client, "dana", ["deal_desk"])
    files = {"file": ("contract.pdf", HTML_PAGE, "application/pdf")}
    answer = client.post("/api/documents", files=files, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 415 and answer.headers["content-type"] == "application/problem+json"
    assert "named .pdf but the content is an HTML page" in answer.json()["detail"]

    csrf = sign_in(client, "dana")
    page = client.post("/upload", files={"files": files["file"]}, data={"csrf_token": csrf})
    assert "named .pdf but the content is an HTML page" in page.text
    assert client.get("/api/documents", headers={"Authorization": f"Bearer {token}"}).json() == []

    saved = tmp_path / "contract.pdf"
    saved.write_bytes(HTML_PAGE)
    parsed = CliRunner().invoke(cli, ["parse", str(saved)])
    assert parsed.exit_code == 2 and "named .pdf but the content is an HTML page" in " ".join(
        parsed.stderr.split()
    )
