"""`handoff check`, `handoff exceptions` and `handoff train-ranker` through the real CLI, on SQLite and
PostgreSQL, with generated SOW PDFs and local storage."""

import csv
import io
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from api.cli import app
from evals.sow import generate_spec, render_pdf
from models.crm import CrmOpportunity
from models.db import make_engine, session_factory, upgrade_database
from tests.triage import builders
from tests.triage.builders import base_rows
from triage.compare import PAIRS
from triage.crm_store import register_opportunity
from triage.ranker import load_ranker

runner = CliRunner()
# Record field → the CRM field compared with it (spec §2).
CRM_FIELDS = {pair.field: pair.crm_field for pair in PAIRS}


@pytest.fixture(scope="module")
def sow(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A signed fixed-fee SOW (text PDF)."""
    spec = generate_spec(31, document_type="sow", billing_model="fixed_fee", signature_state="signed")
    path = tmp_path_factory.mktemp("check") / "northwind-sow.pdf"
    path.write_bytes(render_pdf(spec))
    return path


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {"HANDOFF_DATABASE_URL": database_url, "HANDOFF_STORAGE_DIR": str(tmp_path / "storage")}


def invoke(args: list[str], env: Mapping[str, str] | None = None) -> Result:
    return runner.invoke(app, args, env=dict(env or {}))


def checked(args: list[str], env: Mapping[str, str] | None = None) -> dict[str, Any]:
    result = invoke(["check", *args, "--json"], env)
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def gaps(result: dict[str, Any]) -> set[tuple[str, str]]:
    return {(exception["code"], exception["field"]) for exception in result["exceptions"]}


def opportunity_of(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The CRM's agreeing view of an extracted record, with `changes`: whatever the extraction read."""
    fields = record["fields"]
    crm = {crm: fields[name]["value"] for name, crm in CRM_FIELDS.items()}
    return {"opportunity_id": "006CHECK01", "customer_tier": "enterprise", **crm, **changes}


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_json(path: Path, content: object) -> Path:
    return write_text(path, json.dumps(content))


@pytest.fixture(scope="module")
def document_only(sow: Path) -> dict[str, Any]:
    """`handoff check` without a CRM: the record and its document-rule exceptions."""
    return checked([str(sow)])


def test_check_reports_the_seeded_crm_gaps_ranked(
    sow: Path, document_only: dict[str, Any], tmp_path: Path
) -> None:
    record = document_only["record"]
    total = record["fields"]["total_contract_value"]["value"]
    crm = opportunity_of(
        record, amount=round(total / 0.9, 2), start_date="2020-01-01", account_name="Other Co"
    )
    result = checked([str(sow), "--crm", str(write_json(tmp_path / "crm.json", crm))])
    seeded = {
        ("VALUE_MISMATCH", "total_contract_value"),
        ("VALUE_MISMATCH", "start_date"),
        ("VALUE_MISMATCH", "client_name"),
    }
    assert gaps(result) == gaps(document_only) | seeded
    assert result["record"] == record
    exceptions = result["exceptions"]
    assert [exception["rank"] for exception in exceptions] == list(range(1, len(exceptions) + 1))
    revenue = [exception["revenue_at_risk"] for exception in exceptions]
    assert revenue == sorted(revenue, reverse=True)
    assert all(exception["due_at"] and exception["owner_team"] for exception in exceptions)


def test_an_agreeing_crm_adds_no_exception(sow: Path, document_only: dict[str, Any], tmp_path: Path) -> None:
    record = document_only["record"]
    total = record["fields"]["total_contract_value"]["value"]
    name = record["fields"]["client_name"]["value"]
    crm = opportunity_of(record, amount=round(total * 1.004, 2), account_name=name.upper())
    result = checked([str(sow), "--crm", str(write_json(tmp_path / "crm.json", crm))])
    assert gaps(result) == gaps(document_only)


def test_check_prints_a_table_without_json(sow: Path, document_only: dict[str, Any], tmp_path: Path) -> None:
    crm = opportunity_of(document_only["record"], currency="JPY")
    result = invoke(["check", str(sow), "--crm", str(write_json(tmp_path / "crm.json", crm))])
    assert result.exit_code == 0, result.output
    assert "006CHECK01" in result.stdout and "VALUE_MISMATCH" in result.stdout
    assert "differs from CRM currency JPY" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_a_policy_file_changes_the_rules(sow: Path, document_only: dict[str, Any], tmp_path: Path) -> None:
    crm = opportunity_of(document_only["record"], start_date="2020-01-01")
    crm_file = write_json(tmp_path / "crm.json", crm)
    policy = tmp_path / "policy.toml"
    policy.write_text("[rules]\nVALUE_MISMATCH = false\n")
    result = checked([str(sow), "--crm", str(crm_file), "--policy", str(policy)])
    assert gaps(result) == gaps(document_only), "the start date mismatch is switched off"


def test_an_opportunity_id_is_resolved_through_the_configured_crm(
    sow: Path, document_only: dict[str, Any], env: dict[str, str], tmp_path: Path
) -> None:
    crm = opportunity_of(document_only["record"], payment_terms_days=75)
    upgrade_database(env["HANDOFF_DATABASE_URL"])
    engine = make_engine(env["HANDOFF_DATABASE_URL"])
    with session_factory(engine)() as session:
        register_opportunity(
            session, CrmOpportunity.model_validate(crm), sent_at=datetime.now(UTC), source="test"
        )
    engine.dispose()
    from_database = checked([str(sow), "--crm", "006CHECK01"], env)
    assert ("VALUE_MISMATCH", "payment_terms_days") in gaps(from_database)

    crm_file = write_json(tmp_path / "opportunities.json", [crm, {**crm, "opportunity_id": "006OTHER"}])
    file_backend = env | {"HANDOFF_CRM_BACKEND": "file", "HANDOFF_CRM_FILE": str(crm_file)}
    assert gaps(checked([str(sow), "--crm", "006CHECK01"], file_backend)) == gaps(from_database)

    missing = invoke(["check", str(sow), "--crm", "006NOPE"], env)
    assert missing.exit_code == 2
    assert missing.stderr.strip().splitlines() == [
        "error: opportunity_not_found: no opportunity 006NOPE has been registered"
    ]


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda tmp, sow: [str(tmp / "nope.pdf")], "No such file or directory"),
        (lambda tmp, sow: [str(sow), "--crm", str(tmp / "missing.json")], "No such file or directory"),
        (
            lambda tmp, sow: [
                str(sow),
                "--crm",
                str(write_json(tmp / "two.json", [{"opportunity_id": "1"}, {"opportunity_id": "2"}])),
            ],
            "error: ambiguous_crm_file: ",
        ),
        (
            lambda tmp, sow: [str(sow), "--crm", str(write_json(tmp / "bad.json", {"amount": "lots"}))],
            "error: invalid_crm_file: ",
        ),
        (
            lambda tmp, sow: [str(sow), "--policy", str(write_text(tmp / "policy.toml", "[rules"))],
            "error: invalid_policy: ",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, sow: Path, make_args: Any, message: str) -> None:
    result = invoke(["check", *make_args(tmp_path, sow)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_stored_checks_are_listed_across_documents(
    sow: Path, document_only: dict[str, Any], env: dict[str, str], tmp_path: Path
) -> None:
    record = document_only["record"]
    crm_file = write_json(tmp_path / "crm.json", opportunity_of(record, start_date="2020-01-01"))
    first = checked([str(sow), "--crm", str(crm_file), "--store"], env)
    again = checked([str(sow), "--crm", str(crm_file), "--store"], env)
    assert first["stored"]["record_version"] == 1
    assert again["stored"] == {"document_id": first["stored"]["document_id"], "record_version": 2}

    other = tmp_path / "other-sow.pdf"
    other.write_bytes(render_pdf(generate_spec(32, document_type="sow", signature_state="unsigned")))
    checked([str(other), "--store"], env)

    listed = json.loads(invoke(["exceptions", "--format", "json"], env).stdout)
    assert {view["filename"] for view in listed} == {"northwind-sow.pdf", "other-sow.pdf"}
    ours = [view for view in listed if view["filename"] == "northwind-sow.pdf"]
    assert {view["record_version"] for view in ours} == {2}, "only the latest version is listed"
    assert len(ours) == len(again["exceptions"])
    revenue = [view["exception"]["revenue_at_risk"] for view in listed]
    assert revenue == sorted(revenue, reverse=True)

    legal = json.loads(invoke(["exceptions", "--format", "json", "--owner", "legal"], env).stdout)
    assert legal and all(view["exception"]["owner_team"] == "legal" for view in legal)
    risky = json.loads(invoke(["exceptions", "--format", "json", "--min-risk", "0.5"], env).stdout)
    assert all(view["exception"]["risk_score"] >= 0.5 for view in risky)

    rows = list(csv.DictReader(io.StringIO(invoke(["exceptions", "--format", "csv"], env).stdout)))
    assert [row["exception_id"] for row in rows] == [view["id"] for view in listed]
    table = invoke(["exceptions"], env)
    assert table.exit_code == 0 and f"{len(listed)} exceptions, 0 overdue" in table.stdout


def test_exceptions_on_an_empty_database(env: dict[str, str]) -> None:
    result = invoke(["exceptions"], env)
    assert result.exit_code == 0, result.output
    assert "no exceptions" in result.stdout
    assert invoke(["exceptions", "--format", "json"], env).stdout.strip() == "[]"


def test_training_data_then_train_ranker_writes_a_model_that_loads(tmp_path: Path) -> None:
    data, target = tmp_path / "history.jsonl", tmp_path / "ranker.json"
    made = invoke(["training-data", "ranker", str(data), "--seed", "5", "--count", "150"])
    assert made.exit_code == 0, made.output
    assert f"train-ranker {data} --seed 5" in made.stdout
    result = invoke(["train-ranker", str(data), "--out", str(target), "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "seed=5 deals=150" in result.stdout
    model = load_ranker(target)
    assert model.training.examples > 0


def test_train_ranker_without_data_says_where_data_comes_from(tmp_path: Path) -> None:
    result = invoke(["train-ranker", "--out", str(tmp_path / "ranker.json")])
    assert result.exit_code == 2 and "handoff training-data ranker" in result.output


@pytest.fixture(scope="module")
def change_order_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A signed change order amending SOW-2024-0469 (USD) by an increment."""
    spec = generate_spec(51, document_type="change_order", signature_state="signed")
    path = tmp_path_factory.mktemp("change-order") / "redwood-co.pdf"
    path.write_bytes(render_pdf(spec))
    return path


def store_base(database_url: str, change_order: dict[str, Any], total: float) -> tuple[str, list[Any]]:
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        stored = builders.store_base(session, change_order, total)
    engine.dispose()
    return stored


def test_a_stored_change_order_is_compared_as_a_delta_on_its_stored_base(
    change_order_pdf: Path, env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    alone = invoke(["check", str(change_order_pdf), "--json"])
    assert alone.exit_code == 0, alone.output
    assert "run with --store" in alone.stderr
    order = json.loads(alone.stdout)
    assert order["record"]["fields"]["document_type"]["value"] == "change_order"
    increment = order["record"]["fields"]["total_contract_value"]["value"]
    crm = opportunity_of(order["record"], amount=round(1618000 + increment, 2))
    crm_file = str(write_json(tmp_path / "crm.json", crm))
    total_mismatch = ("VALUE_MISMATCH", "total_contract_value")

    no_base = invoke(["check", str(change_order_pdf), "--crm", crm_file, "--store", "--json"], env)
    assert no_base.exit_code == 0, no_base.output
    assert "note: no stored base record" in no_base.stderr
    first = json.loads(no_base.stdout)
    assert (first["base_document_id"], len(first["notes"])) == (None, 1)
    assert total_mismatch in gaps(first), "alone, the increment is compared with the revised total"

    base_id, before = store_base(database_url, order["record"], 1618000)
    delta = invoke(["check", str(change_order_pdf), "--crm", crm_file, "--store", "--json"], env)
    assert delta.exit_code == 0, delta.output
    assert delta.stderr == ""
    result = json.loads(delta.stdout)
    assert (result["base_document_id"], result["notes"]) == (base_id, [])
    assert total_mismatch not in gaps(result)
    assert result["stored"]["record_version"] == 2

    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        assert base_rows(session, base_id) == before, "the base record is never changed"
    engine.dispose()
    table = invoke(["check", str(change_order_pdf), "--crm", crm_file, "--store"], env)
    assert f"on the stored record of document {base_id}" in table.stdout
