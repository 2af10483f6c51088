"""The file CRM adapter: JSON (one opportunity or a list) and CSV with the spec's columns; typed errors."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from models.errors import HandoffError
from tests.triage.builders import CRM_VALUES
from triage.crm import CrmAdapter, FileCrm
from triage.errors import AmbiguousCrmFile, CrmFileUnreadable, InvalidCrmFile, OpportunityNotFound

HEADER = ",".join(CRM_VALUES)


def written(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def csv_row(**values: object) -> str:
    merged = {**CRM_VALUES, **values}
    return ",".join("" if merged[key] is None else str(merged[key]) for key in CRM_VALUES)


def test_a_json_file_with_one_opportunity(tmp_path: Path) -> None:
    crm = FileCrm.load(written(tmp_path, "crm.json", json.dumps(CRM_VALUES)))
    opportunity = crm.single()
    assert opportunity.opportunity_id == "006Hs00001NwH"
    assert opportunity.amount == Decimal("480000.0")
    assert opportunity.start_date == date(2026, 3, 16)
    assert crm.get("006Hs00001NwH") == opportunity


def test_a_json_list_is_looked_up_by_id(tmp_path: Path) -> None:
    entries = [
        CRM_VALUES,
        {"opportunity_id": "006B", "account_name": "Keystone Freight Inc.", "amount": None},
    ]
    adapter: CrmAdapter = FileCrm.load(written(tmp_path, "crm.json", json.dumps(entries)))
    second = adapter.get("006B")
    assert (second.account_name, second.amount, second.currency) == ("Keystone Freight Inc.", None, None)
    with pytest.raises(OpportunityNotFound) as missing:
        adapter.get("006Z")
    assert (missing.value.code, missing.value.http_status) == ("opportunity_not_found", 404)


def test_a_csv_file_uses_the_spec_column_names(tmp_path: Path) -> None:
    text = "\n".join([HEADER, csv_row(), csv_row(opportunity_id="006C", amount=None, end_date=None)]) + "\n"
    crm = FileCrm.load(written(tmp_path, "crm.csv", text, encoding="utf-8-sig"))
    first, second = crm.opportunities()
    assert (
        first.model_dump()
        == FileCrm.load(written(tmp_path, "one.json", json.dumps(CRM_VALUES))).single().model_dump()
    )
    assert (second.opportunity_id, second.amount, second.end_date) == ("006C", None, None)
    assert second.expected_margin_pct == 32.0


def test_a_csv_file_may_hold_only_some_columns(tmp_path: Path) -> None:
    crm = FileCrm.load(written(tmp_path, "crm.csv", "opportunity_id, amount ,currency\n006D,1250.50,EUR\n"))
    opportunity = crm.single()
    assert (opportunity.amount, opportunity.currency, opportunity.account_name) == (
        Decimal("1250.50"),
        "EUR",
        None,
    )


@pytest.mark.parametrize(
    ("name", "text", "complaint"),
    [
        ("crm.json", "{not json", "not valid JSON"),
        ("crm.json", '"006A"', "an opportunity is an object, not str"),
        (
            "crm.json",
            '[{"opportunity_id": "006A"}, {"amount": 5}]',
            "entry 1: opportunity_id: Field required",
        ),
        ("crm.json", '{"opportunity_id": "006A", "currency": "usd"}', "currency: String should match"),
        ("crm.json", '[{"opportunity_id": "006A"}, {"opportunity_id": "006A"}]', "006A appears twice"),
        ("crm.csv", "account_name,amount\nAcme,5\n", "no opportunity_id column"),
        ("crm.csv", "opportunity_id,amount\n006A,5\n006B,five\n", "crm.csv line 3: amount"),
        ("crm.csv", "opportunity_id,amount\n006A,5,extra\n", "line 2: the row's cells do not match"),
        ("crm.csv", "opportunity_id,amount\n006A\n", "line 2: the row's cells do not match"),
        ("crm.csv", 'opportunity_id,amount\n"006A,5\n', "not valid CSV"),
        ("crm.csv", "opportunity_id,billing_type\n006A,hourly\n", "billing_type: Input should be"),
    ],
)
def test_a_bad_file_is_refused_with_its_code(tmp_path: Path, name: str, text: str, complaint: str) -> None:
    with pytest.raises(InvalidCrmFile) as refused:
        FileCrm.load(written(tmp_path, name, text))
    assert refused.value.code == "invalid_crm_file"
    assert complaint in refused.value.detail


def test_an_unreadable_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(CrmFileUnreadable) as missing:
        FileCrm.load(tmp_path / "absent.json")
    assert missing.value.code == "crm_file_unreadable"
    binary = tmp_path / "crm.json"
    binary.write_bytes(b"\xff\xfe\x00\x00")
    with pytest.raises(CrmFileUnreadable):
        FileCrm.load(binary)


def test_single_needs_exactly_one_opportunity(tmp_path: Path) -> None:
    crm = FileCrm.load(
        written(tmp_path, "crm.json", json.dumps([CRM_VALUES, {**CRM_VALUES, "opportunity_id": "006B"}]))
    )
    with pytest.raises(AmbiguousCrmFile) as ambiguous:
        crm.single()
    assert ambiguous.value.code == "ambiguous_crm_file"
    with pytest.raises(AmbiguousCrmFile):
        FileCrm.load(written(tmp_path, "empty.json", "[]")).single()


def test_crm_errors_belong_to_the_handoff_error_tree() -> None:
    for error in (OpportunityNotFound, CrmFileUnreadable, InvalidCrmFile, AmbiguousCrmFile):
        assert issubclass(error, HandoffError)
