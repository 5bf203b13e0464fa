"""Login rate limit: failed attempts per email and address, counted in the database."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import delete, func, select

from web.accounts.models import LoginFailure
from web.database import db
from web.russian import strip_controls
from web.timestamps import utcnow


def _throttle_key(email: str) -> str:
    # Hashed so the table holds no email addresses or IP addresses in clear.
    canonical = strip_controls(email or "", keep_newlines=False).strip().lower()
    raw = f"{canonical}|{request.remote_addr or ''}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _window_start() -> datetime:
    return utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW"])


def login_blocked(email: str) -> bool:
    """True when this email+address has used up its attempts in the current window."""
    count = db().scalar(
        select(func.count(LoginFailure.id)).where(
            LoginFailure.key == _throttle_key(email),
            LoginFailure.created_at >= _window_start(),
        )
    )
    return count >= current_app.config["LOGIN_MAX_ATTEMPTS"]


def record_failure(email: str) -> None:
    session_ = db()
    session_.add(LoginFailure(key=_throttle_key(email)))
    # Old rows are useless once outside the window; pruning here keeps the table small.
    session_.execute(delete(LoginFailure).where(LoginFailure.created_at < _window_start()))
    session_.commit()


def forget_failures(email: str) -> None:
    db().execute(delete(LoginFailure).where(LoginFailure.key == _throttle_key(email)))
    db().commit()
