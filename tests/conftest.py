"""Shared fixtures: real databases (SQLite file, PostgreSQL on 127.0.0.1), real storage (a folder, an
S3-compatible moto server on loopback) and real documents built with reportlab."""

import io
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import psycopg
import pytest
from moto.server import ThreadedMotoServer
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session

from intake.storage import LocalStorage, S3Storage, Storage
from models.db import make_engine, session_factory, upgrade_database

POSTGRES_ADMIN_URL = os.environ.get(
    "HANDOFF_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
S3_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "handoff-test",
    "AWS_SECRET_ACCESS_KEY": "handoff-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


# --- databases -------------------------------------------------------------------------------------------


def _postgres_admin() -> psycopg.Connection[tuple[object, ...]]:
    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        reason = str(error).strip()
    pytest.fail(
        f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {reason}\n"
        "Run the tests with `make test`, which starts the server.",
        pytrace=False,
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    name = f"handoff_test_{uuid.uuid4().hex[:12]}"
    with _postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with _postgres_admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'handoff.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database: a SQLite file, then a PostgreSQL database of its own."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to the newest schema."""
    upgrade_database(database_url)
    migrated = make_engine(database_url)
    yield migrated
    migrated.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as opened:
        yield opened


# --- storage ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server (moto) on a free loopback port, with dummy credentials in the environment."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in S3_CREDENTIALS.items():
            patch.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


@pytest.fixture
def s3_storage(s3_endpoint: str) -> Iterator[S3Storage]:
    """An S3Storage on a bucket of its own, emptied and removed after the test."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_CREDENTIALS["AWS_DEFAULT_REGION"])
    bucket = f"handoff-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    yield S3Storage(bucket=bucket, prefix="handoff", client=client)
    for listed in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=listed["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture
def local_storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "storage")


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    """Each storage backend in turn."""
    backend: Storage = request.getfixturevalue(f"{request.param}_storage")
    return backend


@pytest.fixture
def storage_keys(storage: Storage) -> Callable[[], set[str]]:
    """Lists every key `storage` holds, read from the backend itself."""

    def list_keys() -> set[str]:
        if isinstance(storage, LocalStorage):
            files = storage.root.rglob("*") if storage.root.exists() else iter(())
            return {path.relative_to(storage.root).as_posix() for path in files if path.is_file()}
        assert isinstance(storage, S3Storage)
        listed = storage.client.list_objects_v2(Bucket=storage.bucket).get("Contents", [])
        return {item["Key"].removeprefix(f"{storage.prefix}/") for item in listed}

    return list_keys


# --- documents -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def two_page_pdf() -> bytes:
    """A small text PDF of two pages, each naming its number."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LETTER)
    for number in (1, 2):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 700, f"Statement of Work - page {number}")
        canvas.drawString(72, 680, "Client: Northwind Health, Inc. Total fees: USD 48,000.00")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- golden files ----------------------------------------------------------------------------------------

UPDATE_GOLDEN = "--update-golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        UPDATE_GOLDEN,
        action="store_true",
        default=False,
        help="rewrite tests/intake/golden/*.json from the current parser output; review the diff after",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite the golden files instead of checking them."""
    return bool(request.config.getoption(UPDATE_GOLDEN))
