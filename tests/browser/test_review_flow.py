"""In Debian's chromium, three people: the deal desk uploads a generated SOW, a reviewer sees its evidence on
the page and corrects a field, an approver who did not edit approves it; denied actions stay denied."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from review.settings import ReviewSettings
from tests.browser.conftest import ARTIFACTS, LiveApp, PageFactory, sign_in

pytestmark = pytest.mark.slow


def upload_sow(page: Page, live_app: LiveApp, tmp_path: Path, seed: int) -> str:
    """The deal desk uploads a generated SOW and waits for it to be ready; returns the document's URL."""
    sow = tmp_path / f"sow-{seed}.pdf"
    sow.write_bytes(render_pdf(generate_spec(seed)))
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
    reviewer.wait_for_function("document.querySelector('.sheet.current img').complete")
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
    approvals = approver.locator("#audit tr:has-text('record.approve') td.actor").all_inner_texts()
    assert approvals and set(approvals) == {"alex"}
    corrections = approver.locator("#audit tr:has-text('field.correct') td.actor").all_inner_texts()
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
