"""Who is signed in (`g.user`), session stamps and `role_required`."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for

from web.accounts.models import User
from web.database import db


def session_stamp(user: User) -> str:
    # Ties the session to the password hash: changing the password logs out other sessions.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:16]


def load_user() -> None:
    """Set g.user from the session (None for guests or stale sessions)."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = db().get(User, user_id)
    if user is None or not user.active or session.get("stamp") != session_stamp(user):
        session.pop("user_id", None)
        session.pop("stamp", None)
        return
    g.user = user


def role_required(*roles: str) -> Callable:
    """Guests go to /login?next=…; signed-in users without one of `roles` get 403."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if g.get("user") is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def home_for(user: User) -> str:
    """Where a user lands after logging in."""
    return {"seller": "/dialogs", "agent": "/agent", "editor": "/editor"}.get(user.role, "/")
