"""Alembic migrations of the handoff database, shipped inside the package (script_location models:migrations)."""
