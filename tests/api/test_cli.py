import json

import pytest
from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.startswith("handoff 0.")


@pytest.mark.parametrize("name", ["record", "crm", "exception", "parsed"])
def test_schema_prints_json_schema(name: str) -> None:
    result = runner.invoke(app, ["schema", name])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert schema["properties"]


def test_record_schema_lists_every_spec_field() -> None:
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    fields = schema["$defs"]["RecordFields"]["properties"]
    spec_fields = {
        "document_type", "contract_number", "project_name", "client_name", "provider_name", "effective_date",
        "start_date", "end_date", "currency", "total_contract_value", "billing_model", "payment_terms_days",
        "invoice_frequency", "not_to_exceed", "expenses", "expense_cap", "governing_law",
        "termination_notice_days", "auto_renewal", "signed", "signature_date",
    }  # fmt: skip
    assert spec_fields <= set(fields)
    for key in ("milestones", "rate_card", "deliverables", "assumptions", "out_of_scope", "subcontractors"):
        assert key in schema["properties"]


def test_unknown_schema_name_is_a_usage_error() -> None:
    result = runner.invoke(app, ["schema", "nope"])
    assert result.exit_code == 2
