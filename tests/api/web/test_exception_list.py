"""The PMO exception list page: filters, sorting and the CSV of exactly what is shown."""

import csv
import io
import re

from fastapi.testclient import TestClient

from models.exceptions import HandoffException, Severity
from tests.api.web.conftest import sign_in
from tests.api.web.test_kpis import record, stored_document
from triage.store import store_check


def exception(code: str, revenue: float, owner: str) -> HandoffException:
    return HandoffException(
        code=code,
        field="total_contract_value",
        kind="rule",
        severity=Severity.medium,
        message=f"{code} found",
        revenue_at_risk=revenue,
        owner_team=owner,
        sla_hours=48,
    )


def test_filters_sorting_and_csv(client: TestClient) -> None:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        first, second = stored_document(session, "alpha.pdf"), stored_document(session, "beta.pdf")
        found = [exception("DATE_ORDER", 10.0, "pmo"), exception("UNSIGNED", 900.0, "legal")]
        store_check(session, first, record("alpha.pdf"), found, created_by="t")
        store_check(
            session, second, record("beta.pdf"), [exception("DATE_ORDER", 50.0, "pmo")], created_by="t"
        )
    sign_in(client, "pat")

    by_revenue = client.get("/exceptions").text
    assert re.findall(r"(UNSIGNED|DATE_ORDER)<div", by_revenue) == ["UNSIGNED", "DATE_ORDER", "DATE_ORDER"]
    by_document = client.get("/exceptions?sort=document").text
    assert by_document.index("alpha.pdf") < by_document.index("beta.pdf")
    assert 'aria-sort="ascending"' in by_document

    only_dates = client.get("/exceptions?code=DATE_ORDER&owner=pmo").text
    assert "UNSIGNED<div" not in only_dates and only_dates.count("DATE_ORDER<div") == 2
    assert 'href="/exceptions.csv?owner=pmo&amp;status=open&amp;code=DATE_ORDER"' in only_dates
    rows = list(csv.DictReader(io.StringIO(client.get("/exceptions.csv?owner=pmo&code=DATE_ORDER").text)))
    assert sorted(row["filename"] for row in rows) == ["alpha.pdf", "beta.pdf"]
    assert {row["code"] for row in rows} == {"DATE_ORDER"}
