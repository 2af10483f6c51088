"""In Debian's chromium, three people: the deal desk uploads a generated SOW, a reviewer sees its evidence on
the page and corrects a field, an approver who did not edit approves it; denied actions stay denied."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from erp import runtime as erp_runtime
from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from models.record import BillingModel, DocumentType
from review.settings import ReviewSettings
from tests.browser.conftest import ARTIFACTS, LiveApp, PageFactory, sign_in
from tests.erp.conftest import start_sandbox

pytestmark = pytest.mark.slow


def upload_sow(page: Page, live_app: LiveApp, tmp_path: Path, seed: int, **overrides: Any) -> str:
    """The deal desk uploads a generated SOW and waits for it to be ready; returns the document's URL."""
    sow = tmp_path / f"sow-{seed}.pdf"
    sow.write_bytes(render_pdf(generate_spec(seed, **overrides)))
    page.goto(f"{live_app.url}/upload")
    page.set_input_files("#files", str(sow))
    page.click("#upload-form button.primary")
    # polled by HTMX; the server's first document also loads the extraction models (seconds on a cold start)
    expect(page.locator('#uploads [data-status="ready_for_review"]')).to_be_visible(timeout=60_000)
    link = page.locator("#uploads a:text('open')")
    href = link.get_attribute("href")
    assert href is not None
    return f"{live_app.url}{href}"


def correct(page: Page, path: str, value: str) -> None:
    page.locator(f'tr[data-field="{path}"] details summary').click()
    form = page.locator(f'tr[data-field="{path}"] form[action$="/fields/correct"]')
    form.locator("input[name=value]").fill(value)
    form.locator("button").click()
    expect(page.locator("#review [role=status]")).to_contain_text(f"{path} saved")


def resolve_open_exceptions(page: Page) -> None:
    while (forms := page.locator("#exceptions form")).count():
        forms.first.locator("select[name=disposition]").select_option("confirmed")
        forms.first.locator("input[name=reason]").fill("signed copy received by email")
        forms.first.locator("button[value=resolved]").click()
        expect(page.locator("#review [role=status]")).to_contain_text("resolved")


def review_and_correct(reviewer: Page, live_app: LiveApp, document_url: str) -> None:
    """The reviewer opens the document from the queue, sees the evidence, corrects a field, resolves the
    exceptions; the review page is saved as a screenshot on the way."""
    refused: list[str] = []  # what the page's Content-Security-Policy blocked (inline script, eval, styles)
    reviewer.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security" in message.text else None,
    )
    sign_in(reviewer, live_app, "rita")
    reviewer.goto(live_app.url)
    reviewer.click(f"#queue a[href='{document_url.removeprefix(live_app.url)}']")
    # the click starts a navigation: wait for the document's page before asking for its image, or the
    # predicate runs on the queue page, finds no image and throws (not retried) on a slow machine
    reviewer.wait_for_url(document_url)
    expect(reviewer.locator(".sheet.current img")).to_be_visible()
    reviewer.wait_for_function("document.querySelector('.sheet.current img')?.complete === true")
    assert reviewer.locator(".sheet.current .evidence-box").count() >= 3
    correct(reviewer, "fields.project_name", "Landing Zone Build (phase 1)")
    expect(reviewer.locator('tr[data-field="fields.project_name"] .reviewed')).to_have_text(
        "corrected by rita"
    )
    reviewer.click('tr[data-field="fields.total_contract_value"] td.value')  # scroll to and flash its box
    expect(reviewer.locator(".evidence-box.flash").first).to_be_visible()
    reviewer.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(exist_ok=True)
    reviewer.screenshot(path=str(ARTIFACTS / "review-page.png"))
    expect(reviewer.locator("#exceptions")).to_contain_text("UNSIGNED")
    resolve_open_exceptions(reviewer)
    assert reviewer.locator("#approve").count() == 0  # a reviewer cannot approve their own edit, or any
    assert refused == []


def test_upload_review_correct_and_approve_by_a_second_person(
    live_app: LiveApp, new_page: PageFactory, tmp_path: Path
) -> None:
    live_app.app.state.review_settings = ReviewSettings(review_two_approvers_above=Decimal(10**9))
    desk = new_page()
    sign_in(desk, live_app, "dana")
    document_url = upload_sow(desk, live_app, tmp_path, seed=3)
    desk.goto(document_url)
    expect(desk.locator(".sheet.current img")).to_be_visible()
    assert desk.locator("#approve").count() == 0  # the deal desk cannot see approve
    assert desk.locator("form[action$='/fields/correct']").count() == 0

    review_and_correct(new_page(), live_app, document_url)

    approver = new_page()
    sign_in(approver, live_app, "alex")
    approver.goto(document_url)
    expect(approver.locator("#approve")).to_be_enabled()
    approver.click("#approve")
    expect(approver.locator("#review [role=status]")).to_contain_text("approved by alex")
    approver.goto(live_app.url)
    row = approver.locator(f"#queue tr:has(a[href='{document_url.removeprefix(live_app.url)}'])")
    expect(row.locator("[data-status]")).to_have_text("approved")

    approver.goto(document_url)
    audit = approver.locator("#audit td.actor")
    actors = set(audit.all_inner_texts())
    assert {"dana", "rita", "alex"} <= actors
    approvals = approver.locator("#audit tr:has-text('approved (') td.actor").all_inner_texts()
    assert approvals and set(approvals) == {"alex"}
    corrections = approver.locator("#audit tr:has-text('corrected a field') td.actor").all_inner_texts()
    assert corrections == ["rita"]


def test_an_approver_who_edited_cannot_approve_alone(
    live_app: LiveApp, new_page: PageFactory, tmp_path: Path
) -> None:
    live_app.app.state.review_settings = ReviewSettings(review_two_approvers_above=Decimal(10**9))
    desk = new_page()
    sign_in(desk, live_app, "dana")
    document_url = upload_sow(desk, live_app, tmp_path, seed=8)

    editor = new_page()
    sign_in(editor, live_app, "alex")
    editor.goto(document_url)
    correct(editor, "fields.project_name", "Renamed by the approver")
    resolve_open_exceptions(editor)
    expect(editor.locator("#approval")).to_contain_text("You edited this record")
    editor.click("#approve")
    expect(editor.locator("#review [role=status]")).to_contain_text("an approver who did not edit")
    expect(editor.locator("#approve")).to_be_disabled()
    expect(editor.locator("#document-status")).not_to_have_text(re.compile("approved"))

    second = new_page()
    sign_in(second, live_app, "bea")
    second.goto(document_url)
    second.click("#approve")
    expect(second.locator("#review [role=status]")).to_contain_text("approved by alex, bea")


def test_correct_retriage_two_approvals_one_posting_with_the_contract_schedule(
    live_app: LiveApp, new_page: PageFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two people and the sandbox ERP: a correction's re-triage shows in place, two approvals post exactly
    one project whose retainer schedule is the contract's (6 x 36,000.00 from 14 July), a replay after the
    posting leaves the document posted, and after signing out Back shows no contract."""
    sandbox = start_sandbox(tmp_path / "erp.db")
    monkeypatch.setenv("HANDOFF_ERP_URL", sandbox.url)
    erp_runtime.reset()
    live_app.app.state.review_settings = ReviewSettings(review_two_approvers_above=Decimal(0))
    try:
        desk = new_page()
        sign_in(desk, live_app, "dana")
        retainer = {"document_type": DocumentType.sow, "billing_model": BillingModel.retainer}
        document_url = upload_sow(desk, live_app, tmp_path, 22, **retainer)

        reviewer = new_page()
        sign_in(reviewer, live_app, "rita")
        reviewer.goto(document_url)
        correct(reviewer, "fields.signed", "no")
        expect(reviewer.locator("#review [role=status]")).to_contain_text("Now raised: UNSIGNED")
        expect(reviewer.locator("#exceptions")).to_contain_text("UNSIGNED")
        correct(reviewer, "fields.signed", "yes")
        expect(reviewer.locator("#review [role=status]")).to_contain_text("No longer raised: UNSIGNED")
        resolve_open_exceptions(reviewer)

        first, second = new_page(), new_page()
        sign_in(first, live_app, "alex")
        first.goto(document_url)
        first.click("#approve")
        expect(first.locator("#review [role=status]")).to_contain_text("still needs 1 more approver")
        sign_in(second, live_app, "bea")
        second.goto(document_url)
        second.click("#approve")
        expect(second.locator("#review [role=status]")).to_contain_text("approved by alex, bea")

        second.goto(document_url)
        expect(second.locator("#document-status")).to_have_text(re.compile("posted"), timeout=30_000)
        [project] = sandbox.projects()
        lines = project["schedules"][0]["lines"]
        assert [(line["amount"], line["period_start"]) for line in lines] == [
            (36000.0, f"{first_day:%Y-%m-%d}")
            for first_day in (date(2024, 7, 14), date(2024, 8, 14), date(2024, 9, 14),
                              date(2024, 10, 14), date(2024, 11, 14), date(2024, 12, 14))
        ]  # fmt: skip

        second.goto(f"{live_app.url}/postings?status=all")
        row = second.locator("#posting-list tr[id^='posting-']")
        expect(row).to_have_count(1)
        expect(row.locator(".badge")).to_have_text("sent")
        posting = (row.get_attribute("id") or "").removeprefix("posting-")
        answer = second.request.post(
            f"{live_app.url}/postings/{posting}/replay", form={"csrf_token": csrf_of(second)}
        )
        assert answer.status == 409 and "only a dead posting is replayed" in answer.text()
        second.goto(document_url)
        expect(second.locator("#document-status")).to_have_text(re.compile("posted"))
        assert len(sandbox.projects()) == 1

        second.click("header form button")  # sign out
        expect(second).to_have_url(re.compile("/login"))
        second.go_back()
        expect(second).to_have_url(re.compile("/login"))
        assert "36,000" not in second.content() and "Retainer" not in second.content()
    finally:
        sandbox.process.terminate()
        sandbox.process.wait(10)
        erp_runtime.reset()


def csrf_of(page: Page) -> str:
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token is not None
    return token
