"""The ERP readiness contract: over records of every billing model with any of their fields missing, a
record whose declared needs are met is a posting the ERP's validation accepts (the sandbox schema), and a
record with an unmet need is refused before anything is posted, naming the field."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from erp.errors import UnpostableRecord
from erp.mapping import load_erp_mapping, request_body
from erp.payload import amendment_posting, project_posting
from erp.readiness import needs_of, unmet_needs
from erp.sandbox.schema import AmendmentIn, ProjectIn
from tests.erp.records import MILESTONES, rate, record

OPTIONAL = (
    "client_name",
    "project_name",
    "contract_number",
    "currency",
    "start_date",
    "end_date",
    "total_contract_value",
    "invoice_frequency",
)
MODELS = ("milestone", "time_and_materials", "retainer", "fixed_fee", "mixed", None)
FREQUENCIES = ("monthly", "quarterly", "weekly", "upfront", "upon_milestone", None)


@st.composite
def records(draw: st.DrawFn) -> tuple[Any, bool]:
    values: dict[str, Any] = {
        "billing_model": draw(st.sampled_from(MODELS)),
        "invoice_frequency": draw(st.sampled_from(FREQUENCIES)),
        "end_date": draw(st.sampled_from(("2026-09-30", "2026-03-01", "2026-03-16"))),
    }
    for name in draw(st.sets(st.sampled_from(OPTIONAL), max_size=4)):
        values[name] = None
    milestones = MILESTONES[: draw(st.integers(0, 2))]
    rate_card = (rate("Retainer", "20000", "month"),) if draw(st.booleans()) else ()
    change_order = draw(st.booleans())
    if change_order:
        values["document_type"] = "change_order"
    built = record(
        milestones=milestones, rate_card=rate_card, amends="SOW-1" if change_order else None, **values
    )
    return built, change_order


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(records())
def test_a_record_with_no_unmet_need_is_a_posting_the_erp_accepts(case: tuple[Any, bool]) -> None:
    built, change_order = case
    needs = unmet_needs(built)
    mapping = load_erp_mapping()
    if needs:
        with pytest.raises(UnpostableRecord) as refused:
            project_posting("rv-1", built)
        assert all(need.message in refused.value.detail for need in needs)
        return
    if change_order:
        posting = amendment_posting("rv-1", built, base_project_id="PRJ-1")
        AmendmentIn.model_validate(request_body(mapping, posting))
    else:
        ProjectIn.model_validate(request_body(mapping, project_posting("rv-1", built)))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"client_name": None}, "fields.client_name"),
        ({"project_name": None, "contract_number": None}, "fields.project_name"),
        ({"currency": None}, "fields.currency"),
        ({"billing_model": None}, "fields.billing_model"),
        ({"billing_model": "retainer", "start_date": None}, "fields.start_date"),
        ({"billing_model": "retainer", "total_contract_value": None}, "fields.total_contract_value"),
        ({"billing_model": "time_and_materials", "end_date": "2026-01-01"}, "fields.end_date"),
        ({"billing_model": "fixed_fee", "total_contract_value": None}, "fields.total_contract_value"),
    ],
)
def test_each_unmet_need_names_its_field(values: dict[str, Any], field: str) -> None:
    needs = needs_of(record(milestones=MILESTONES, **values).model_dump(mode="json"))
    assert field in [path for path, _ in needs]


def test_milestone_billing_without_milestones_needs_them() -> None:
    assert [need.field for need in unmet_needs(record())] == ["milestones"]
    assert unmet_needs(record(milestones=MILESTONES)) == []
