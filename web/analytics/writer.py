"""Analytics writes off the request path: one background thread per app, in order, batched.

A search must not wait for its analytics row (an insert and a commit cost 1-3 ms, more
under load). Requests hand a ready-made write to this queue; a single thread runs the
writes in arrival order, so a visitor's keystroke bursts still merge into one row. Writes
waiting in the queue go to the database together, in one transaction with one commit:
at 32 clients the commit, not the insert, was what the writer could not keep up with.
Writes still queued when the process dies are lost: acceptable for analytics.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# A burst larger than this means the database is down or far too slow; dropping
# analytics then is better than letting the queue eat the server's memory.
MAX_QUEUED = 10_000
# Writes per transaction: large enough to amortise the commit, small enough that one
# failing batch (retried write by write) stays cheap.
BATCH = 200
# Drops are counted and reported at most once per this many seconds, never per event.
DROP_REPORT_SECONDS = 60.0
_lock = threading.Lock()


@dataclass
class EventWrite:
    """One analytics write: `action(session, visitor, seller, now)` and who/when."""

    sessions: Any  # the app's sessionmaker
    action: Callable[[Session, str, int | None, datetime], None]
    visitor: str
    seller: int | None
    now: datetime

    def __call__(self) -> None:
        write_events(self.sessions, [self])


class AnalyticsWriter:
    """A queue of analytics writes drained by one daemon thread, in batches."""

    def __init__(self, max_queued: int = MAX_QUEUED) -> None:
        self._jobs: queue.Queue[Callable[[], None] | threading.Event] = queue.Queue(max_queued)
        self._dropped = 0
        self._reported_at = -DROP_REPORT_SECONDS  # the first drop is reported at once
        self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], None]) -> None:
        """Queue a write; when the queue is full it is dropped and counted."""
        try:
            self._jobs.put_nowait(job)
        except queue.Full:
            self._dropped += 1  # one thread may lose a count in a race; it is a report
            self._report_drops()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every write queued so far has run; False on timeout."""
        done = threading.Event()
        self._jobs.put(done, timeout=timeout)
        return done.wait(timeout)

    def _report_drops(self) -> None:
        now = time.monotonic()
        if self._dropped and now - self._reported_at >= DROP_REPORT_SECONDS:
            count, self._dropped, self._reported_at = self._dropped, 0, now
            log.warning(
                "analytics: %d events dropped (queue full or database down); "
                "the next count in a minute",
                count,
            )

    def _run(self) -> None:
        while True:
            batch = [self._jobs.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            self._run_batch(batch)
            self._report_drops()

    def _run_batch(self, batch: list) -> None:
        pending: list[EventWrite] = []
        for job in batch:
            if isinstance(job, EventWrite) and (not pending or pending[0].sessions is job.sessions):
                pending.append(job)
                continue
            self._write(pending)
            pending = [job] if isinstance(job, EventWrite) else []
            if isinstance(job, threading.Event):
                job.set()
            elif not isinstance(job, EventWrite):
                self._guarded(job)
        self._write(pending)

    def _write(self, writes: list[EventWrite]) -> None:
        if not writes:
            return
        try:
            write_events(writes[0].sessions, writes)
        except (OperationalError, InterfaceError):
            # The database is down: retrying each write would log thousands of failures.
            self._dropped += len(writes)
        except Exception:  # one bad write must not lose the batch: retry them one by one
            for write in writes:
                self._guarded(write)

    @staticmethod
    def _guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:  # one bad write must not stop the writer
            log.exception("analytics: a queued write failed")


def write_events(sessions, writes: list[EventWrite]) -> None:
    """Run analytics writes in one short transaction with one commit."""
    with sessions() as db_session, _relaxed_durability(db_session):
        for write in writes:
            write.action(db_session, write.visitor, write.seller, write.now)
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
