"""`spravka serve`: checks and one-time preparation, then gunicorn workers with threads.

Preparation (migrations, demo accounts, the first index build) runs once, in a short-lived
child process, before any worker starts; workers then skip it and boot without touching
the database, so a database outage never stops a worker from (re)starting. Every step
that two processes could race on holds a file lock in the instance folder (SQLite has no
advisory locks; PostgreSQL migrations also take one of its own).
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STARTUP_LOCK = "startup.lock"
# Exit codes of the preparing child, mapped to what the parent says.
PREPARED, CONTENT_BROKEN, DATABASE_DOWN = 0, 3, 4


@contextmanager
def startup_lock(instance: str | Path) -> Iterator[None]:
    """Hold the instance's start-up lock (migrations, demo accounts, first index build)."""
    path = Path(instance) / STARTUP_LOCK
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def default_workers() -> int:
    """One worker per CPU core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def content_problems(settings: dict[str, Any]) -> list[str]:
    """The content's errors as `path:line: message` lines (empty when it loads cleanly)."""
    from search.content import load_content

    _, errors = load_content(Path(settings["CONTENT"]))
    return [str(error) for error in errors]


def database_problem(settings: dict[str, Any], exc: Exception) -> str:
    """One line saying which database could not be reached and why (no password)."""
    from sqlalchemy.engine import make_url

    url = make_url(settings["DATABASE_URL"]).render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return f"Spravka: база данных недоступна ({url}): {reason}"


def _prepare_child() -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from web.app import create_app
    from web.settings import load_settings

    settings = load_settings()
    try:
        app = create_app()
    except SQLAlchemyError as exc:
        print(database_problem(settings, exc), file=sys.stderr, flush=True)
        sys.exit(DATABASE_DOWN)
    if app.extensions["spravka.search"].store.current() is None:
        sys.exit(CONTENT_BROKEN)
    sys.exit(PREPARED)


def prepare() -> int:
    """Run the one-time preparation in a child process; its exit code (PREPARED when ready).

    A child keeps the master lean: the arbiter holds no index or app, and the workers it
    forks share nothing it would have loaded.
    """
    child = multiprocessing.get_context("fork").Process(target=_prepare_child, name="prepare")
    child.start()
    child.join()
    return child.exitcode if child.exitcode is not None else 1


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app on gunicorn: `workers` processes of `threads` threads each."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                # A search takes milliseconds; a minute is only reached by a stuck worker.
                "timeout": 60,
                "graceful_timeout": 10,
                # Keystroke streams reuse the connection between searches.
                "keepalive": 5,
                "proc_name": "spravka",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from web.app import create_app

            return create_app({"PREPARED": True})

    Server().run()
