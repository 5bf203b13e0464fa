"""The index reload broadcast: a save on one node makes every node swap indexes at once.

With REDIS_URL set, a process that rebuilt the index publishes on `<prefix>:reload`; every
process listens on a daemon thread and calls `engine.reload_now()`, which opens the new
generation (the index folder is shared) or rebuilds for changed files. Without Redis the
workers of one machine still follow each other through the CURRENT pointer, checked on
every request, and other machines within RELOAD_INTERVAL.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time

from flask import Flask, current_app

log = logging.getLogger(__name__)

# After Redis fails, wait this long before listening again (and log once per failure).
RETRY_SECONDS = 2.0


def _channel(app: Flask) -> str:
    return f"{app.config['REDIS_PREFIX']}:reload"


def redis_client(app: Flask):
    """The app's Redis client (None without REDIS_URL)."""
    return app.extensions.get("spravka.redis")


def init_broadcast(app: Flask) -> None:
    """Connect to Redis when configured and start listening for reloads in this process."""
    url = app.config["REDIS_URL"]
    if not url:
        return
    import redis

    app.extensions["spravka.redis"] = redis.Redis.from_url(url, socket_timeout=5)
    app.extensions["spravka.node"] = f"{os.getpid()}-{secrets.token_hex(4)}"
    thread = threading.Thread(
        target=_listen, args=(app,), name="spravka-reload-listener", daemon=True
    )
    thread.start()


def announce_reload() -> None:
    """Tell every other process that the index changed (no-op without Redis)."""
    app = current_app._get_current_object()
    client = redis_client(app)
    if client is None:
        return
    try:
        client.publish(_channel(app), app.extensions["spravka.node"])
    except Exception:  # the save is done; other nodes still poll within RELOAD_INTERVAL
        log.warning("reload broadcast failed; other nodes will notice within the poll interval")


def _listen(app: Flask) -> None:
    me = app.extensions["spravka.node"]
    while True:
        try:
            pubsub = redis_client(app).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(_channel(app))
            app.extensions["spravka.listening"] = True
            for message in pubsub.listen():
                if message.get("data", b"").decode() != me:
                    _reload(app)
        except Exception:
            app.extensions["spravka.listening"] = False
            log.warning("reload listener: Redis unavailable; retrying in %.0f s", RETRY_SECONDS)
            time.sleep(RETRY_SECONDS)


def _reload(app: Flask) -> None:
    try:
        app.extensions["spravka.search"].reload_now()
    except Exception:
        log.exception("reload after a broadcast failed; the current index keeps serving")
