"""Server-side sessions: the cookie carries a random token, the database says if it still counts.

Logging out deletes the row, so a cookie copied before logout opens nothing afterwards, on
any worker or node (they share the database). Rows live in the database rather than in
Redis because every request reads the user row anyway: the session comes in the same query.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import g, request, session
from sqlalchemy import delete, select

from web.accounts.models import User, UserSession
from web.database import db

TOKEN_KEY = "sid"
# Flask-WTF keeps its token under this session key; dropping it at login makes a new one.
CSRF_KEY = "csrf_token"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> None:
    """Sign `user` in on this browser: a new token, a new CSRF token, a session row."""
    token = secrets.token_urlsafe(32)
    db().add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            user_agent=(request.user_agent.string or "")[:200],
        )
    )
    db().commit()
    visitor = session.get("visitor")
    session.clear()  # nothing from before login (the old CSRF token above all) carries over
    g.pop(CSRF_KEY, None)
    if visitor:
        session["visitor"] = visitor  # analytics still link the searches made before login
    session[TOKEN_KEY] = token
    session["user_id"] = user.id
    session.permanent = True


def session_user() -> User | None:
    """The user whose live session this browser holds, or None."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not token:
        return None
    return db().scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token), User.active.is_(True))
    )


def end_session() -> None:
    """Sign this browser out: its row goes, so copies of the cookie stop working too."""
    token = session.get(TOKEN_KEY)
    if isinstance(token, str) and token:
        db().execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))
        db().commit()
    session.clear()


def end_all_sessions(user: User, keep_current: bool = False) -> int:
    """Sign `user` out everywhere (optionally not on this browser); returns how many ended."""
    condition = UserSession.user_id == user.id
    token = session.get(TOKEN_KEY)
    if keep_current and isinstance(token, str):
        condition = condition & (UserSession.token_hash != _hash(token))
    ended = db().execute(delete(UserSession).where(condition)).rowcount or 0
    db().commit()
    return ended


def session_count(user: User) -> int:
    """How many browsers are signed in as `user`."""
    return len(db().scalars(select(UserSession.id).where(UserSession.user_id == user.id)).all())
