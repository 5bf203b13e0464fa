"""Settings, declared once with defaults; each can be overridden by a SPRAVKA_<NAME> variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# name -> default. Types follow the default (int, float, bool, str).
DEFAULTS: dict[str, Any] = {
    # Folder for the index, the SQLite database, uploads and the secret key.
    "INSTANCE": "instance",
    # Where the search index lives; empty means <INSTANCE>/index.
    "INDEX_DIR": "",
    # Folder holding kb/ and articles/ (the shipped content by default).
    "CONTENT": str(PROJECT_ROOT),
    # Empty means SQLite in the instance folder; set a postgresql+psycopg:// URL for PostgreSQL.
    "DATABASE_URL": "",
    "SECRET_KEY": "",
    # How often (seconds) a request may check the content files for changes; editors
    # expect their change to show "within a few seconds", and a stat walk costs ~1 ms.
    "RELOAD_INTERVAL": 2.0,
    # Rank with sentence similarity too (search/semantic.py): on real users' questions it
    # finds the answer asked in other words (Rutube mrr@10 0.54 -> 0.66). Off: words alone,
    # no model in memory (about 20 MB per process) and no vectors to build.
    "SEMANTIC": True,
    # Every this many seconds each process deletes .part files of uploads that were
    # interrupted (a killed worker) and older than STALE_PART_SECONDS; a live save writes
    # its .part and renames it within seconds, so ten minutes never hits one in flight.
    "UPLOAD_SWEEP_SECONDS": 300,
    "STALE_PART_SECONDS": 600,
    # Files one form (new dialog, message, reply) may carry: a message rarely needs more,
    # and the cap keeps one request from filling the disk.
    "MAX_FILES": 10,
    # The source document's limit for one attachment.
    "MAX_FILE_MB": 10,
    # All files of one form (or message) together; stated on the form, checked in the
    # browser before sending and on the server, which sends the form back with its text.
    "MAX_TOTAL_MB": 30,
    # Whole request cap; 0 derives it from the file limits (MAX_FILES × MAX_FILE_MB + the
    # form) so that no request within the stated limits ever meets a 413.
    "MAX_REQUEST_MB": 0,
    # Results per search unless the request asks for fewer/more (capped at SEARCH_MAX_LIMIT).
    "SEARCH_LIMIT": 8,
    "SEARCH_MAX_LIMIT": 50,
    # Longer queries are cut, not refused: nobody types more than this into a search box.
    "QUERY_MAX_CHARS": 300,
    # Password checks per e-mail in LOGIN_WINDOW seconds before a pause is imposed.
    "LOGIN_MAX_ATTEMPTS": 5,
    "LOGIN_WINDOW": 300,
    # Password checks per client address (any e-mails) in LOGIN_WINDOW: one client guessing
    # across many accounts; an office behind one NAT address still has room for everyone.
    "LOGIN_MAX_PER_ADDRESS": 30,
    # Dialogs a seller may open per hour; a flood is a bug or abuse, not a support need.
    "DIALOGS_PER_HOUR": 10,
    # Analytics events older than this many days are deleted.
    "ANALYTICS_RETENTION_DAYS": 180,
    "ANALYTICS_ENABLED": True,
    # Approve a learned phrasing without an editor once this many distinct sellers found
    # their answer after asking it that way; 0 (the default) leaves every one to an editor.
    "LEARNING_AUTO_APPROVE_SELLERS": 0,
    # Write analytics events on a background thread after the response, so recording
    # adds microseconds to a search instead of a database commit. Tests that read events
    # right after a request turn it off (or flush the writer).
    "ANALYTICS_BACKGROUND": True,
    # Create demo accounts on an empty database (the README's serve command relies on it).
    "DEMO_ACCOUNTS": True,
    # Served over HTTPS (directly or behind a proxy): secure cookies and HSTS.
    "HTTPS": False,
    "SESSION_COOKIE_SECURE": False,
    # How many reverse proxies in front add X-Forwarded-For/-Proto (0: trust none; a
    # forged header from a client must not pick its own address for the login limit).
    "TRUSTED_PROXIES": 0,
    # Redis for what several processes or nodes must share at once: rate-limit counters and
    # the index reload broadcast. Empty: counters in the database, reload by polling.
    "REDIS_URL": "",
    # Prefix of every Redis key and channel, so several deployments (or test runs) can share
    # one Redis server.
    "REDIS_PREFIX": "spravka",
    # `spravka serve` worker processes; 0 means one per CPU core.
    "WORKERS": 0,
    # Threads inside each worker (requests wait on the database and the network too).
    "THREADS": 8,
    # werkzeug's scrypt (N=2^15, r=8, p=1: ~0.2 s and 32 MB per hash), memory-hard against GPUs.
    "PASSWORD_HASH_METHOD": "scrypt:32768:8:1",
    # Dialog dates are shown in the sellers' time zone (the marketplace runs on Moscow time).
    "TIMEZONE": "Europe/Moscow",
    # Support answers within this many hours (the source document's average): a dialog's
    # due time, the queue's order and the «answered in time» share all count from it.
    "ANSWER_HOURS": 48,
    # After «Завершен» the seller may ask for a re-review («Пересмотреть решение») this long.
    "REVIEW_WINDOW_DAYS": 14,
    # The Telegram bot (`spravka telegram`) and its notifications; no token: no bot.
    "TELEGRAM_TOKEN": "",
    # Bot API base URL (a local Bot API server, or a test stand-in).
    "TELEGRAM_API": "https://api.telegram.org",
    # E-mail to sellers when support writes; no host means no mail at all.
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    # The sender of those e-mails.
    "SUPPORT_EMAIL": "support@spravka.local",
    # The site's address for links in e-mails (e.g. https://help.example.ru); empty: no link.
    "PUBLIC_URL": "",
}


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, bool):
        return value.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def load_settings(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then SPRAVKA_* environment variables, then explicit overrides."""
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        raw = os.environ.get(f"SPRAVKA_{name}")
        if raw is not None:
            settings[name] = _coerce(raw, default)
    settings.update(overrides or {})
    instance = Path(settings["INSTANCE"]).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    settings["INSTANCE"] = str(instance)
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{instance / 'spravka.db'}"
    if not settings["INDEX_DIR"]:
        settings["INDEX_DIR"] = str(instance / "index")
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = _instance_secret(instance)
    return settings


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
