"""In Debian's chromium: upload a generated SOW, watch it reach review, see its evidence on the page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from evals.sow.generator import generate_spec
from evals.sow.render import render_pdf
from tests.browser.conftest import ARTIFACTS, LiveApp, PageFactory

pytestmark = pytest.mark.slow


def test_upload_review_page_shows_evidence_boxes(
    live_app: LiveApp, new_page: PageFactory, tmp_path: Path
) -> None:
    sow = tmp_path / "heron-sow.pdf"
    sow.write_bytes(render_pdf(generate_spec(5)))
    page = new_page()
    page.goto(f"{live_app.url}/upload")
    page.set_input_files("#files", str(sow))
    page.click("button.primary")
    expect(page.locator('#uploads [data-status="ready_for_review"]')).to_be_visible()
    page.click("#uploads a:text('open')")
    expect(page.locator(".sheet.current img")).to_be_visible()
    page.wait_for_function("document.querySelector('.sheet.current img').complete")
    assert page.locator(".sheet.current .evidence-box").count() >= 3
    page.click('tr[data-field="fields.total_contract_value"] td.value')
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-page.png"), full_page=False)
