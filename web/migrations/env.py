"""Alembic environment: runs on the connection handed over by web.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import web.accounts.models  # noqa: F401  (registers the tables on Base.metadata for autogenerate)
import web.analytics.models  # noqa: F401
import web.api.models  # noqa: F401
import web.channels.models  # noqa: F401
import web.channels.outbox  # noqa: F401
import web.dialogs.models  # noqa: F401
import web.dialogs.submissions  # noqa: F401
import web.limits  # noqa: F401
from web.database import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Migrate on the given connection (or on sqlalchemy.url when run from the alembic CLI)."""
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as own:
            _migrate(own)
        return
    _migrate(connection)


def _migrate(connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things, batch mode recreates the table.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
