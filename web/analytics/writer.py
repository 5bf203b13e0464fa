"""Analytics writes off the request path: one background thread per app, in order.

A search must not wait for its analytics row (an insert and a commit cost 1-3 ms, more
under load). Requests hand a ready-made write to this queue; a single thread runs the
writes in arrival order, so a visitor's keystroke bursts still merge into one row.
Writes still queued when the process dies are lost: acceptable for analytics.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# A burst larger than this means the database is down or far too slow; dropping
# analytics then is better than letting the queue eat the server's memory.
MAX_QUEUED = 10_000
_lock = threading.Lock()


class AnalyticsWriter:
    """A queue of analytics writes drained by one daemon thread."""

    def __init__(self) -> None:
        self._jobs: queue.Queue[Callable[[], None] | threading.Event] = queue.Queue(MAX_QUEUED)
        self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], None]) -> None:
        """Queue a write; drops it (and logs) when the queue is full."""
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            log.warning("analytics: queue full, an event was dropped")

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every write queued so far has run; False on timeout."""
        done = threading.Event()
        self._jobs.put(done, timeout=timeout)
        return done.wait(timeout)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if isinstance(job, threading.Event):
                job.set()
                continue
            try:
                job()
            except Exception:  # one bad write must not stop the writer
                log.exception("analytics: a queued write failed")


def write_event(sessions, action, visitor: str, seller: int | None, now: datetime) -> None:
    """Run one analytics write in its own short transaction."""
    with sessions() as db_session, _relaxed_durability(db_session):
        action(db_session, visitor, seller, now)
        db_session.commit()


@contextmanager
def _relaxed_durability(db_session: Session) -> Iterator[None]:
    """Commit without waiting for the disk flush: an analytics row may be lost in a power
    cut, never corrupted, and the flush (1-5 ms, more under load) leaves the request."""
    dialect = db_session.get_bind().dialect.name
    if dialect == "postgresql":
        db_session.execute(text("SET LOCAL synchronous_commit = off"))
        yield
        return
    if dialect != "sqlite":
        yield
        return
    # Per connection; WAL mode keeps NORMAL crash-safe. Restored so dialogs keep FULL.
    previous = int(db_session.execute(text("PRAGMA synchronous")).scalar())
    db_session.execute(text("PRAGMA synchronous = NORMAL"))
    try:
        yield
    finally:
        db_session.rollback()
        db_session.execute(text(f"PRAGMA synchronous = {previous}"))


def writer_for(app: Flask) -> AnalyticsWriter:
    """The app's writer, started on first use."""
    writer = app.extensions.get("spravka.analytics_writer")
    if writer is None:
        with _lock:
            writer = app.extensions.get("spravka.analytics_writer")
            if writer is None:
                writer = app.extensions["spravka.analytics_writer"] = AnalyticsWriter()
    return writer
