"""SQLAlchemy 2 engine and sessions: SQLite in the instance folder or PostgreSQL by URL."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """Base class of every model; Alembic reads its metadata."""


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers run while a dialog is being written; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def init_database(app: Flask) -> None:
    """Attach an engine and a session factory to the app; close sessions after each request."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["spravka.db_engine"] = engine
    app.extensions["spravka.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def db() -> Session:
    """The request's database session (one per app context)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["spravka.sessionmaker"]()
    return g.db_session


def db_engine() -> Engine:
    """The app's engine."""
    return current_app.extensions["spravka.db_engine"]
