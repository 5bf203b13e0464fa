"""Who is signed in (`g.user`), session stamps and `role_required`."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for
from sqlalchemy.exc import SQLAlchemyError

from web.accounts.models import User
from web.accounts.sessions import session_user
from web.database import db
from web.errors import Unavailable

log = logging.getLogger(__name__)


def session_stamp(user: User) -> str:
    """A tag of the password hash: a password changed anywhere ends the other sessions."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:16]


def load_user() -> None:
    """Set g.user from the session (None for guests, revoked or stale sessions).

    With the database down the visitor is served as a guest, so the help center and
    search keep working for everyone; pages that need an account answer 503.
    """
    g.user = None
    if session.get("user_id") is None:
        return
    try:
        user = session_user()
    except SQLAlchemyError:
        log.warning("database unavailable: serving %s as a guest", request.path)
        db().rollback()
        g.database_down = True
        return
    if (
        user is None
        or user.id != session.get("user_id")
        or (session.get("stamp") != session_stamp(user))
    ):
        for key in ("user_id", "stamp", "sid"):
            session.pop(key, None)
        return
    g.user = user


def role_required(*roles: str) -> Callable:
    """Guests go to /login?next=…; signed-in users without one of `roles` get 403."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if g.get("database_down"):
                raise Unavailable("База данных недоступна")
            if g.get("user") is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def signed_in(view: Callable) -> Callable:
    """Any signed-in user (guests go to /login)."""
    return role_required("seller", "agent", "editor")(view)


def home_for(user: User) -> str:
    """Where a user lands after logging in."""
    return {"seller": "/dialogs", "agent": "/agent", "editor": "/editor"}.get(user.role, "/")
