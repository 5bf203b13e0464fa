"""Rate limits on Flask-Limiter: counters in Redis when REDIS_URL is set, else in the database.

Why the database without Redis: every worker and every node already shares it, so a limit
holds across processes (an in-memory counter would give each worker its own allowance,
and the login limit would multiply by the number of workers). Each hit is one atomic
upsert, so parallel requests cannot all pass the check before any of them is counted.

Views call `consume()` explicitly (not the decorators): the login limit counts only when a
password is about to be checked, and a success clears its counter.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import time

from flask import Flask, current_app
from flask_limiter import Limiter
from limits import parse
from limits.storage import Storage
from sqlalchemy import Engine, String, case, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from web.database import Base
from web.errors import LimitReached

log = logging.getLogger(__name__)

SQL_SCHEME = "spravka+sql"
# Expired counters are deleted now and then rather than on every hit.
PRUNE_PROBABILITY = 0.01


class RateLimitCounter(Base):
    """A fixed-window counter when no Redis is configured (migration 0003_i11_sessions)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column()  # Unix time: compared with time.time()


class SQLStorage(Storage):
    """A `limits` storage on the app's database: one row per key and window."""

    STORAGE_SCHEME = [SQL_SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions)
        self.engine: Engine = options["engine"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's counter (a fresh window if it expired); the new count."""
        now = time.time()
        table = RateLimitCounter.__table__
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        expired = table.c.expires_at <= now
        stmt = dialect.insert(table).values(key=key, count=amount, expires_at=now + expiry)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, amount), else_=table.c.count + amount),
                "expires_at": case((expired, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        with self.engine.begin() as connection:
            count = connection.execute(stmt).scalar_one()
            if random.random() < PRUNE_PROBABILITY:
                connection.execute(delete(table).where(expired))
        return count

    def _row(self, key: str):
        table = RateLimitCounter.__table__
        with self.engine.connect() as connection:
            return connection.execute(
                select(table.c.count, table.c.expires_at).where(
                    table.c.key == key, table.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        table = RateLimitCounter.__table__
        with self.engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == key))


def init_limits(app: Flask) -> Limiter:
    """Attach this app's limiter (each app its own: tests run several apps in one process)."""
    if app.config["REDIS_URL"]:
        uri, options = app.config["REDIS_URL"], {}
    else:
        uri, options = f"{SQL_SCHEME}://", {"engine": app.extensions["spravka.db_engine"]}
    limiter = Limiter(
        key_func=lambda: "",
        storage_uri=uri,
        storage_options=options,
        strategy="fixed-window",
        key_prefix=app.config["REDIS_PREFIX"],
        headers_enabled=False,
    )
    limiter.init_app(app)
    app.extensions["spravka.limiter"] = limiter
    return limiter


def _identifiers(name: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    # Hashed: counters in Redis or the database hold no e-mail or IP address in clear.
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return (current_app.config["REDIS_PREFIX"], name, digest)


def consume(name: str, limit: str, *parts: str, message: str = "") -> None:
    """Count one hit of `limit` ("5 per 5 minutes") for `parts`; raise LimitReached over it.

    A storage failure (Redis down) is logged and lets the request through: a limit is a
    defence, and refusing every login because a counter store is down helps no one.
    """
    limiter: Limiter = current_app.extensions["spravka.limiter"]
    item = parse(limit)
    ids = _identifiers(name, parts)
    try:
        allowed = limiter.limiter.hit(item, *ids)
        reset_at = limiter.limiter.get_window_stats(item, *ids).reset_time if not allowed else 0
    except Exception:
        log.warning("rate limit %s: counter store failed; not limiting", name, exc_info=True)
        return
    if not allowed:
        error = LimitReached(message or "Слишком много запросов, попробуйте чуть позже")
        error.retry_after = max(1, math.ceil(reset_at - time.time()))
        raise error


def forget(name: str, limit: str, *parts: str) -> None:
    """Clear the counter of `limit` for `parts` (a successful login clears its failures)."""
    limiter: Limiter = current_app.extensions["spravka.limiter"]
    try:
        limiter.limiter.clear(parse(limit), *_identifiers(name, parts))
    except Exception:
        log.warning("rate limit %s: could not clear a counter", name, exc_info=True)
