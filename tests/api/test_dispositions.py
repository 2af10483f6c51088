"""Reviewers' dispositions train the ranker and judge it: `handoff train-ranker --from-dispositions` fits a
model on how real exceptions were closed, and `handoff eval-dispositions` compares a ranker with the
amount-only baseline on dispositions newer than what it learnt from."""

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.cli import app
from models.db import make_engine, session_factory, upgrade_database
from models.exceptions import Disposition
from review.resolution import Closing, resolve_exception
from review.users import create_user
from tests.review.builders import checked_document, exception
from triage.ranker import load_ranker

runner = CliRunner()


def dispose(session: Session, tags: range) -> None:
    """Documents whose value mismatch was real (impact: the gap) and whose other exceptions mostly not."""
    for tag in tags:
        gap = 1000.0 * (tag + 1)
        version = checked_document(
            session,
            tag=f"d{tag}",
            uploaded_by=None,
            exceptions=[
                exception(
                    "VALUE_MISMATCH",
                    field="total_contract_value",
                    document_value=48000.0,
                    crm_value=48000.0 + gap,
                    revenue_at_risk=gap,
                ),
                exception("NONSTANDARD_PAYMENT_TERMS", field="payment_terms_days", document_value=60),
                exception("UNSIGNED", field="signed"),
            ],
        )
        for row in version.exceptions:
            confirmed = row.code == "VALUE_MISMATCH" or (row.code == "UNSIGNED" and tag % 3 == 0)
            closing = Closing(
                reason="checked",
                disposition=Disposition.confirmed if confirmed else Disposition.false_alarm,
                money_impact=None if not confirmed else (gap if row.code == "VALUE_MISMATCH" else 500),
            )
            resolve_exception(session, "rita", row.id, "checked", closing)


def test_train_on_dispositions_then_judge_only_on_newer_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    monkeypatch.setenv("HANDOFF_DATABASE_URL", url)
    upgrade_database(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        create_user(session, "test", "rita", ["reviewer"], password="a-long-test-password")
        dispose(session, range(0, 30))

    model_path = tmp_path / "ranker.json"
    trained = runner.invoke(app, ["train-ranker", "--from-dispositions", "--out", str(model_path)])
    assert trained.exit_code == 0, trained.output
    assert "90 disposed exceptions (40 confirmed)" in " ".join(trained.stdout.split())
    assert load_ranker(model_path).training.history.startswith("dispositions up to ")

    judged = json.loads(
        runner.invoke(app, ["eval-dispositions", "--model", str(model_path), "--json"]).stdout
    )
    assert judged["dispositions"] == 0  # everything so far trained it: nothing to judge it on

    with sessions() as session:
        dispose(session, range(30, 40))
    engine.dispose()
    judged = json.loads(
        runner.invoke(app, ["eval-dispositions", "--model", str(model_path), "--json"]).stdout
    )
    assert judged["dispositions"] == 30 and judged["record_versions_scored"] == 10
    assert 0 <= judged["ndcg_at_10_model"] <= 1 and 0 <= judged["ndcg_at_10_amount_baseline"] <= 1
    shipped = json.loads(runner.invoke(app, ["eval-dispositions", "--json"]).stdout)
    assert shipped["dispositions"] == 120  # the shipped model learnt from no disposition: all of them count


def test_without_dispositions_training_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("HANDOFF_DATABASE_URL", url)
    upgrade_database(url)

    result = runner.invoke(app, ["train-ranker", "--from-dispositions", "--out", str(tmp_path / "m.json")])

    assert result.exit_code == 2 and "no exception has a disposition yet" in result.stderr
