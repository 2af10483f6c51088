"""The eval suite's datasets and reliability sets, and `handoff eval` writing a report with its plot."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from api.cli import app
from evals.sow import generate_spec, render_document, truth
from evals.sow.injection import injection_of
from evals.sow.layouts import LAYOUTS, layout_spec
from evals.suite.reliability import BAD_INPUTS, run_bad_inputs


def text_of(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_layout_is_a_function_of_its_seed(layout: str) -> None:
    assert render_document(layout_spec(3, layout)).data == render_document(layout_spec(3, layout)).data


def test_the_task_order_is_issued_by_an_agency_and_its_truth_says_so() -> None:
    spec = layout_spec(4, "task_order")
    text = text_of(render_document(spec).data)
    assert "TASK ORDER" in text
    assert truth(spec)["client_name"] in text.replace("\r", "")
    assert truth(spec)["contacts"] == []


def test_a_task_orders_truth_holds_only_what_its_line_item_schedule_writes() -> None:
    # a schedule of line items dates none of them, and a line without a price of its own is written "NSP"
    specs = [layout_spec(seed, "task_order") for seed in range(50000, 50012)]
    unpriced = [s for s in specs if s.fees.milestones and all(m.amount is None for m in s.fees.milestones)]
    assert unpriced, "the dev seeds hold a fixed-fee order with unpriced milestones"
    for spec in specs:
        assert all(item["due_date"] is None for item in truth(spec)["milestones"])
    text = text_of(render_document(unpriced[0]).data)
    assert "NSP" in text and "$0.00" not in text


def test_a_long_fee_table_sums_to_the_total_over_several_pages() -> None:
    spec = layout_spec(5, "long_fee_table")
    amounts = [item["amount"] for item in truth(spec)["milestones"]]
    assert len(amounts) >= 45
    assert round(sum(amounts), 2) == truth(spec)["total_contract_value"]
    assert render_document(spec).page_count >= 7


def test_an_injected_document_keeps_the_clean_truth_and_carries_the_instruction() -> None:
    injected = layout_spec(6, "injected")
    assert {k: v for k, v in truth(injected).items() if k != "_source"} == {
        k: v for k, v in truth(generate_spec(6)).items() if k != "_source"
    }
    first_words = injection_of(injected).text.split()[:4]
    assert " ".join(first_words) in " ".join(text_of(render_document(injected).data).split())


def test_every_bad_input_is_refused_with_its_code_and_nothing_is_stored() -> None:
    result = run_bad_inputs()
    assert [case["code"] for case in result["cases"]] == [case.expected_code for case in BAD_INPUTS]
    assert result["documents_stored"] == 0
    assert result["objects_stored"] == 0


@pytest.mark.slow
def test_handoff_eval_triage_writes_the_report_and_its_plot(tmp_path: Path) -> None:
    outcome = CliRunner().invoke(app, ["eval", "triage", "--subset", "ci", "--results", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    report = (tmp_path / "triage-ci.md").read_text(encoding="utf-8")
    assert "![ranking gain](plots/triage-ci-ranking-gain.png)" in report
    assert (tmp_path / "plots" / "triage-ci-ranking-gain.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_handoff_eval_refuses_an_unknown_eval() -> None:
    outcome = CliRunner().invoke(app, ["eval", "everything"])
    assert outcome.exit_code == 2
