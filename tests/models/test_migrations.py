"""The Alembic migrations build exactly the schema the ORM declares, on SQLite and on PostgreSQL."""

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

import models
from models.db import alembic_config, make_engine, upgrade_database
from models.orm import Base


def schema_differences(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_migrated_database_matches_the_orm(database_url: str) -> None:
    upgrade_database(database_url)

    assert schema_differences(database_url) == []


def test_comparison_sees_a_schema_that_drifted(database_url: str) -> None:
    upgrade_database(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_documents_status"))
    engine.dispose()

    differences = schema_differences(database_url)

    assert [difference[0] for difference in differences] == ["add_index"]
    assert differences[0][1].name == "ix_documents_status"


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    upgrade_database(database_url)
    upgrade_database(database_url)

    engine = make_engine(database_url)
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert revision == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_downgrade_to_base_removes_every_table(database_url: str) -> None:
    upgrade_database(database_url)
    engine = make_engine(database_url)
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "base")

    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert tables == {"alembic_version"}


def test_migrations_ship_inside_the_models_package() -> None:
    script = ScriptDirectory.from_config(alembic_config())

    assert Path(script.dir) == Path(models.__file__).parent / "migrations"
    assert [revision.revision for revision in script.walk_revisions()] == [
        "0007",
        "0006",
        "0005",
        "0004",
        "0003",
        "0002",
        "0001",
    ]


def test_sqlite_database_folder_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'deeper' / 'handoff.db'}"

    upgrade_database(url)

    assert (tmp_path / "nested" / "deeper" / "handoff.db").is_file()
    assert schema_differences(url) == []
