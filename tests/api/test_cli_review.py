"""`handoff users …` and `handoff export-corrections` against a real SQLite database."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.cli import app
from models.db import make_engine, session_factory
from review.auth import authenticate, lookup_token
from review.edits import correct_field
from review.users import DEMO_USERS
from tests.review.builders import add_users, checked_document

runner = CliRunner()


@pytest.fixture
def env(sqlite_url: str, tmp_path: Path) -> dict[str, str]:
    return {"HANDOFF_DATABASE_URL": sqlite_url, "HANDOFF_STORAGE_DIR": str(tmp_path / "storage")}


def invoke(args: list[str], env: dict[str, str], stdin: str | None = None) -> Result:
    return runner.invoke(app, args, env=env, input=stdin)


def test_users_add_generates_a_password_printed_once(env: dict[str, str], sqlite_url: str) -> None:
    result = invoke(["users", "add", "rita", "--role", "reviewer", "--role", "approver"], env)

    assert result.exit_code == 0, result.output
    password = re.search(r"password \(shown once\): (\S+)", result.stdout)
    assert password is not None
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as session:
        assert authenticate(session, "rita", password[1], "cli-test").roles == ["reviewer", "approver"]
    engine.dispose()
    listed = invoke(["users", "list"], env)
    assert "rita" in listed.stdout and "reviewer, approver" in listed.stdout
    assert password[1] not in listed.stdout


def test_users_add_reads_the_password_from_stdin(env: dict[str, str], sqlite_url: str) -> None:
    result = invoke(
        ["users", "add", "alex", "--role", "approver", "--password-stdin"], env, "a long passphrase\n"
    )

    assert result.exit_code == 0, result.output
    assert "shown once" not in result.stdout
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as session:
        assert authenticate(session, "alex", "a long passphrase", "cli-test").username == "alex"
    engine.dispose()


def test_bad_users_exit_2_with_one_line(env: dict[str, str]) -> None:
    invoke(["users", "add", "rita", "--role", "reviewer"], env)

    again = invoke(["users", "add", "rita", "--role", "pmo"], env)
    short = invoke(["users", "add", "bob", "--role", "pmo", "--password-stdin"], env, "short\n")

    assert again.exit_code == 2 and again.stderr.strip() == "error: conflict: user rita already exists"
    assert short.exit_code == 2 and "invalid_value" in short.stderr
    assert invoke(["users", "token", "nobody", "--name", "ci"], env).exit_code == 2


def test_users_token_prints_a_working_token(env: dict[str, str], sqlite_url: str) -> None:
    invoke(["users", "add", "rita", "--role", "reviewer"], env)

    result = invoke(["users", "token", "rita", "--name", "ci"], env)

    token = result.stdout.strip()
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as session:
        user = lookup_token(session, token)
        assert user is not None and user.username == "rita"
    engine.dispose()


def test_seed_demo_is_idempotent_and_prints_passwords_once(env: dict[str, str]) -> None:
    first = invoke(["users", "seed-demo"], env)
    second = invoke(["users", "seed-demo"], env)

    assert first.stdout.count("password:") == len(DEMO_USERS) == 6  # one per role and a second approver
    assert second.stdout.count("exists already") == 6 and "password:" not in second.stdout


def test_export_corrections_writes_the_labelled_examples(
    env: dict[str, str], sqlite_url: str, tmp_path: Path
) -> None:
    invoke(["db", "upgrade"], env)
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as session:
        add_users(session)
        version = checked_document(session)
        correct_field(session, "rita", version.id, "fields.total_contract_value", 47000)
    engine.dispose()
    out = tmp_path / "corrections.jsonl"

    result = invoke(["export-corrections", "--out", str(out)], env)

    assert result.exit_code == 0, result.output
    [example] = [json.loads(line) for line in out.read_text().splitlines()]
    assert (example["field"], example["extracted"], example["corrected"]) == (
        "fields.total_contract_value",
        48000,
        47000,
    )
