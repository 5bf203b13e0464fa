"""Accounts: the User model, login/logout, `g.user`, `role_required` and login rate limiting."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import String, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from search.errors import SpravkaError
from web.database import Base, db
from web.timestamps import UTCDateTime, utcnow

ROLES = ("seller", "agent", "editor")
ROLE_NAMES = {"seller": "продавец", "agent": "сотрудник поддержки", "editor": "редактор"}
MIN_PASSWORD_LENGTH = 8
# scrypt (werkzeug's default, memory-hard) needs no extra dependency; argon2 would add one
# for no practical gain at this scale. The cost comes from PASSWORD_HASH_METHOD.
HASH_METHOD = "scrypt"
# Checked when the email is unknown so that a miss costs as much as a wrong password and
# response time does not reveal which emails have accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method=HASH_METHOD)

bp = Blueprint("auth", __name__)


class AccountError(SpravkaError):
    """An account cannot be created as asked (bad email, role or password, duplicate)."""


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def role_name(self) -> str:
        """The role in Russian, for the UI."""
        return ROLE_NAMES.get(self.role, self.role)


class LoginFailure(Base):
    """One failed login; kept in the database so the limit holds across workers."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


# Control characters (NUL above all: PostgreSQL refuses it) never belong in an address.
_CONTROL = dict.fromkeys([*range(0, 32), 127])


def normalize_email(email: str) -> str:
    """The canonical form of an email address (no control characters, trimmed, lowercase)."""
    return (email or "").translate(_CONTROL).strip().lower()


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password` with the configured cost."""
    method = current_app.config.get("PASSWORD_HASH_METHOD") or HASH_METHOD
    return generate_password_hash(password, method=method)


def create_user(email: str, password: str, role: str) -> User:
    """Create and commit an account; raises AccountError when the input is not acceptable."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254 or " " in email:
        raise AccountError(f"Некорректный адрес почты: {email!r}")
    if role not in ROLES:
        raise AccountError(f"Роль должна быть одной из: {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Пароль должен быть не короче {MIN_PASSWORD_LENGTH} символов")
    user = User(email=email, password_hash=hash_password(password), role=role)
    session_ = db()
    session_.add(user)
    try:
        session_.commit()
    except IntegrityError as exc:
        session_.rollback()
        raise AccountError(f"Пользователь {email} уже существует") from exc
    return user


def _session_stamp(user: User) -> str:
    # Ties the session to the password hash: changing the password logs out other sessions.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, user.password_hash.encode(), hashlib.sha256).hexdigest()[:16]


@bp.before_app_request
def load_user() -> None:
    """Set g.user from the session (None for guests or stale sessions)."""
    g.user = None
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = db().get(User, user_id)
    if user is None or not user.active or session.get("stamp") != _session_stamp(user):
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


# -- login rate limit -----------------------------------------------------------------
def _throttle_key(email: str) -> str:
    # Hashed so the table holds no email addresses or IP addresses in clear.
    raw = f"{normalize_email(email)}|{request.remote_addr or ''}"
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


def _record_failure(email: str) -> None:
    session_ = db()
    session_.add(LoginFailure(key=_throttle_key(email)))
    # Old rows are useless once outside the window; pruning here keeps the table small.
    session_.execute(delete(LoginFailure).where(LoginFailure.created_at < _window_start()))
    session_.commit()


def _forget_failures(email: str) -> None:
    db().execute(delete(LoginFailure).where(LoginFailure.key == _throttle_key(email)))
    db().commit()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (recording the failure)."""
    user = db().scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not user.active or not user.check_password(password):
        _record_failure(email)
        return None
    _forget_failures(email)
    return user


def _safe_next(target: str | None) -> str:
    # Only local paths: an open redirect after login is a phishing tool.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return ""
    return target


def home_for(user: User) -> str:
    """Where a user lands after logging in."""
    return {"seller": "/dialogs", "agent": "/agent", "editor": "/editor"}.get(user.role, "/")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with email and password."""
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", next_url=next_url, email="", error=None)
    email = request.form.get("email", "")[:254]
    password = request.form.get("password", "")[:1024]
    if login_blocked(email):
        minutes = max(1, current_app.config["LOGIN_WINDOW"] // 60)
        error = f"Слишком много неудачных попыток входа. Попробуйте снова через {minutes} мин."
        return render_template("auth/login.html", next_url=next_url, email=email, error=error), 429
    user = authenticate(email, password)
    if user is None:
        error = "Неверная почта или пароль."
        return render_template("auth/login.html", next_url=next_url, email=email, error=error), 401
    session["user_id"] = user.id
    session["stamp"] = _session_stamp(user)
    session.permanent = True
    return redirect(next_url or home_for(user))


@bp.post("/logout")
def logout():
    """Log out and forget everything kept in the session."""
    session.clear()
    return redirect("/")
