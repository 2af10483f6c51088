"""Alembic environment: migrates the connection handed over by models.db.upgrade_database, else the
database named by the `sqlalchemy.url` option or HANDOFF_DATABASE_URL."""

from alembic import context
from sqlalchemy import Connection

from models.db import DatabaseSettings, make_engine
from models.orm import Base


def _database_url() -> str:
    return context.config.get_main_option("sqlalchemy.url") or DatabaseSettings().database_url


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite alters tables by copying them; batch mode lets later migrations use ALTER-style ops.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(url=_database_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    handed_over = context.config.attributes.get("connection")
    if handed_over is not None:
        _migrate(handed_over)
        return
    engine = make_engine(_database_url())
    try:
        with engine.connect() as connection:
            _migrate(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
