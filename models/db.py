"""Database connection: settings, engines and sessions for SQLite and PostgreSQL, and schema upgrades."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = "models:migrations"
_POSTGRES_DRIVERS = {"postgres", "postgresql", "postgresql+psycopg"}


class DatabaseSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    database_url: str = "sqlite:///var/handoff.db"


def normalize_url(url: str | URL) -> URL:
    """Route PostgreSQL URLs to psycopg 3, whatever driver name they were written with."""
    parsed = make_url(url)
    if parsed.drivername in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql":
        raise ValueError(
            f"unsupported PostgreSQL driver {parsed.drivername!r}: use postgresql:// (psycopg 3)"
        )
    return parsed


def make_engine(url: str | URL) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed)
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # SQLite leaves foreign keys off unless each connection asks; WAL lets readers work while one writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # Loaded rows stay readable after commit: services return them to callers that have no open transaction.
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config() -> Config:
    """Alembic configuration built in code: the migrations ship inside the `models` package."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("path_separator", "os")
    return config


def upgrade_database(url: str | URL) -> None:
    """Bring the database at `url` to the newest schema (creates it on a fresh database)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
