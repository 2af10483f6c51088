"""The sandbox ERP itself: idempotency keys, refusals, the page; and the field mapping."""

from pathlib import Path

import httpx
import pytest

from erp.errors import InvalidErpMapping
from erp.mapping import load_erp_mapping, request_body, request_path
from erp.payload import amendment_posting, project_posting
from tests.erp.conftest import Sandbox
from tests.erp.records import change_order_record, milestone_record


def body(version: str = "rv-1") -> dict[str, object]:
    return request_body(load_erp_mapping(), project_posting(version, milestone_record()))


def post(sandbox: Sandbox, payload: dict[str, object], key: str | None) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return httpx.post(f"{sandbox.url}/api/projects", json=payload, headers=headers, timeout=5)


def test_the_same_key_and_body_replay_the_first_answer(sandbox: Sandbox) -> None:
    first = post(sandbox, body(), "k-1")
    again = post(sandbox, body(), "k-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (again.headers["Idempotent-Replayed"], again.headers["Idempotency-Key"]) == ("true", "k-1")
    assert len(sandbox.projects()) == 1


def test_the_same_key_with_another_body_is_refused(sandbox: Sandbox) -> None:
    post(sandbox, body("rv-1"), "k-2")

    refused = post(sandbox, body("rv-2"), "k-2")

    assert refused.status_code == 422
    assert "different body" in refused.json()["error"]
    assert len(sandbox.projects()) == 1


def test_a_posting_without_a_key_or_with_unknown_fields_is_refused(sandbox: Sandbox) -> None:
    assert post(sandbox, body(), None).status_code == 400
    wrong = body() | {"colour": "blue"}
    refused = post(sandbox, wrong, "k-3")
    assert refused.status_code == 422
    assert any("colour" in line for line in refused.json()["detail"])
    assert sandbox.projects() == []


def test_an_amendment_needs_a_known_project_and_the_page_shows_both(sandbox: Sandbox) -> None:
    project_id = post(sandbox, body(), "k-4").json()["id"]
    mapping = load_erp_mapping()
    order = amendment_posting("rv-9", change_order_record(), base_project_id="PRJ-404")
    missing = httpx.post(
        f"{sandbox.url}{request_path(mapping, order)}",
        json=request_body(mapping, order),
        headers={"Idempotency-Key": "k-5"},
        timeout=5,
    )
    assert missing.status_code == 404
    order = order.model_copy(update={"base_project_id": project_id})
    created = httpx.post(
        f"{sandbox.url}{request_path(mapping, order)}",
        json=request_body(mapping, order),
        headers={"Idempotency-Key": "k-6"},
        timeout=5,
    )
    assert created.status_code == 201
    page = httpx.get(sandbox.url, timeout=5).text
    assert project_id in page and created.json()["id"] in page and "Discovery" in page


def test_the_mapping_nests_keys_and_refuses_unknown_paths(tmp_path: Path) -> None:
    mapped = body()
    assert mapped["customer"] == {"name": "Northwind Health, Inc."}
    assert mapped["terms"]["governing_law"] == "New York"  # type: ignore[index]
    broken = tmp_path / "mapping.yaml"
    broken.write_text(
        "project: {path: /p, fields: {name: project.nickname}}\namendment: {path: /a, fields: {a: kind}}\n"
    )
    with pytest.raises(InvalidErpMapping, match="nickname"):
        request_body(load_erp_mapping(broken), project_posting("rv", milestone_record()))
    broken.write_text("project: [1, 2]\n")
    with pytest.raises(InvalidErpMapping):
        load_erp_mapping(broken)
