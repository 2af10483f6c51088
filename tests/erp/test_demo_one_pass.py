"""Over every document `handoff demo` loads (what `make run` shows), one review pass is enough to post:
the reviewer resolves the exceptions and corrects what the ERP says it still needs, the approvers approve
once, and the sandbox ERP takes every posting with the schedule it should have. An approval refused, or a
posting dead-lettered, after that one pass fails the test."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app as cli
from api.cli_demo import demo_specs
from erp.mapping import load_erp_mapping
from erp.outbox import relay
from erp.readiness import document_needs
from erp.rest import RestErp
from erp.settings import ErpSettings
from evals.sow.truth import truth
from models.db import make_engine, session_factory
from models.orm import Document, ExceptionRow, ExceptionStatus, OutboxEntry
from review.approval import approve
from review.edits import correct_field
from review.resolution import resolve_exception
from review.users import seed_demo_users
from review.versions import latest_version
from tests.erp.conftest import Sandbox

pytestmark = pytest.mark.slow


def test_every_demo_document_posts_after_one_review_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("HANDOFF_DATABASE_URL", url)
    monkeypatch.setenv("HANDOFF_STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.delenv("HANDOFF_BROKER_URL", raising=False)
    loaded = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "samples")])
    assert loaded.exit_code == 0, loaded.output
    truths = {f"{spec.doc_id}.pdf": truth(spec) for _, spec in demo_specs()}
    engine = make_engine(url)
    sessions = session_factory(engine)
    cycles: dict[str, int] = {}
    with sessions() as session:
        seed_demo_users(session, "test")
        for document in session.scalars(select(Document).order_by(Document.created_at)):
            cycles[document.filename] = review_once(session, document, truths[document.filename])

    erp = RestErp(ErpSettings(erp_url=sandbox.url, erp_backoff_s=0, erp_timeout_s=5), load_erp_mapping())
    settings = ErpSettings(erp_url=sandbox.url, erp_backoff_s=0)
    for _ in range(3):  # the change order waits (transiently) for its base's project
        relay(sessions, erp, settings)
    erp.close()
    with sessions() as session:
        statuses = {doc.filename: doc.status for doc in session.scalars(select(Document))}
        postings = {entry.status for entry in session.scalars(select(OutboxEntry))}
    engine.dispose()

    assert cycles == dict.fromkeys(truths, 1)
    assert statuses == dict.fromkeys(truths, "posted") and postings == {"sent"}
    assert len(sandbox.projects()) == 4  # the change order is an amendment of its base's project


def review_once(session: Any, document: Document, expected: dict[str, Any]) -> int:
    """One pass: correct what the ERP still needs (from the document's truth), resolve every open
    exception, then the approvers approve. Returns the approval cycles it took (1, or it fails)."""
    version = latest_version(session, document.id)
    assert version is not None
    for field, _ in document_needs(session, document.id, version.record):
        name = field.removeprefix("fields.")
        edit = correct_field(session, "demo-reviewer", version.id, field, expected[name])
        version = latest_version(session, document.id)
        assert version is not None and version.id == edit.record_version_id
    for row in session.scalars(
        select(ExceptionRow).where(
            ExceptionRow.record_version_id == version.id, ExceptionRow.status == ExceptionStatus.open.value
        )
    ).all():
        resolve_exception(session, "demo-reviewer", row.id, "checked with the account team")
    for approver in ("demo-approver", "demo-approver-2"):
        result = approve(session, approver, version.id, readiness=document_needs)
        if result.approved:
            return 1
    return 2
