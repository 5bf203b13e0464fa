"""Schema migrations: `upgrade_database(app)` runs Alembic programmatically on start."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import Connection, text

from web.database import db_engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same for every worker of one deployment.
_PG_LOCK_ID = 0x5350_5241  # "SPRA"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at web/migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade_database(app: Flask, revision: str = "heads") -> None:
    """Bring the app's database schema up to `revision`.

    "heads": wings add their tables in migrations of their own, each revising the last one
    that existed when it was written, so the tree may have several heads; all are applied.
    """
    with app.app_context():
        engine = db_engine()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several workers may start at once; only one may migrate at a time.
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        command.upgrade(alembic_config(connection), revision)


def downgrade_database(app: Flask, revision: str) -> None:
    """Take the schema back to `revision` (used by tests and by hand)."""
    with app.app_context():
        engine = db_engine()
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
